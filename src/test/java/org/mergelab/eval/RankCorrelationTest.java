package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void tiesShareTheirAverageRankAndUndefinedPairsAreLeftOut() {
        // pair 4 is left out (x undefined). x ranks [1, 2.5, 2.5, 4], y ranks [1, 3, 2, 4], both with mean 2.5:
        // Σ dx dy = 2.25 + 0 + 0 + 2.25 = 4.5, Σ dx² = 4.5, Σ dy² = 5 → ρ = 4.5 / sqrt(4.5 · 5) = sqrt(0.9)
        RankCorrelation r = RankCorrelation.spearman(new double[] {1, 2, 2, 4, Double.NaN},
                new double[] {10, 30, 20, 40, 5});
        assertThat(r.n()).isEqualTo(4);
        assertThat(r.rho()).isCloseTo(Math.sqrt(0.9), within(1e-12));
    }

    @Test
    void monotoneIsOneReversedIsMinusOneWhateverTheScale() {
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 10, 100, 1000}).rho())
                .isCloseTo(1.0, within(1e-12));
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {0.4, 0.3, 0.2, -7}).rho())
                .isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void tooFewPairsOrAConstantSideIsUndefined() {
        assertThat(RankCorrelation.spearman(new double[] {1, Double.NaN}, new double[] {2, 3}).rho()).isNaN();
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 5}).rho()).isNaN();
        assertThat(RankCorrelation.spearman(new double[] {5, 5, 5}, new double[] {1, 2, 3}).rho()).isNaN();
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1}, new double[] {1, 2}))
                .hasMessageContaining("1 values with 2");
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1, Double.POSITIVE_INFINITY},
                new double[] {1, 2})).hasMessageContaining("pair 1");
    }
}
