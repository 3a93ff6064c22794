package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PredictedRetentionTest {

    @Test
    void linearInterpolationKeepsTheOwnShareAndTheOthersProjection() {
        // τ_k = [1, 0], τ_other = [1, 1]: |τ_k|² = 1, ⟨τ_k, τ_other⟩ = 1
        // at α = 0.25 toward the other: τ_m = [1, 0.25], ⟨τ_m, τ_k⟩ / |τ_k|² = 1
        assertThat(PredictedRetention.ofLinearCombination(0.75, 0.25, 1, 1)).isEqualTo(1.0);
        assertThat(PredictedRetention.projection(1.0, 1.0)).isEqualTo(1.0);
        // orthogonal task vectors: the own weight alone, 1 at the own endpoint and 0 at the other
        assertThat(PredictedRetention.ofLinearCombination(0.5, 0.5, 4, 0)).isEqualTo(0.5);
        assertThat(PredictedRetention.ofLinearCombination(1, 0, 4, 3)).isEqualTo(1.0);
        assertThat(PredictedRetention.ofLinearCombination(0, 1, 4, 0)).isEqualTo(0.0);
        // opposed task vectors (τ_other = −2 τ_k, |τ_k|² = 2): the midpoint loses more than it keeps
        assertThat(PredictedRetention.ofLinearCombination(0.5, 0.5, 2, -4)).isEqualTo(-0.5);
    }

    @Test
    void aZeroTaskVectorHasNoPrediction() {
        assertThat(PredictedRetention.projection(0, 0)).isNaN();
        assertThat(PredictedRetention.ofLinearCombination(0.5, 0.5, 0, 0)).isNaN();
        assertThat(PredictedRetention.projection(1, Double.NaN)).isNaN();
    }
}
