package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceMetricsTest {

    private static final double N = Double.NaN;

    /**
     * Four tasks, distinct values. Column 1 peaks on the diagonal (0.90); column 2 peaks after its own step (0.85 at
     * step 2, raised to 0.88 at step 3, then 0.50 at step 4). Base accuracy rises at step 2, then falls.
     */
    private static final double[][] FOUR = {
        {0.50, N, N, N, N},
        {0.48, 0.90, N, N, N},
        {0.52, 0.70, 0.85, N, N},
        {0.45, 0.75, 0.88, 0.80, N},
        {0.44, 0.60, 0.50, 0.65, 0.95},
    };

    @Test
    void noForgettingWhenEveryLaterRowKeepsTheDiagonal() {
        double[][] m = {
            {0.5, N, N, N},
            {0.5, 0.9, N, N},
            {0.5, 0.9, 0.8, N},
            {0.5, 0.9, 0.8, 0.7},
        };
        SequenceMetrics.Figures f = SequenceMetrics.of(m, 3);
        assertThat(f.acc()).isCloseTo(0.8, within(1e-12)); // (0.9 + 0.8 + 0.7) / 3
        assertThat(f.bwt()).isCloseTo(0.0, within(1e-12));
        assertThat(f.forgetting()).isCloseTo(0.0, within(1e-12));
        SequenceMetrics.Figures two = SequenceMetrics.of(m, 2);
        assertThat(two.acc()).isCloseTo(0.85, within(1e-12)); // (0.9 + 0.8) / 2
        assertThat(two.bwt()).isCloseTo(0.0, within(1e-12));
        assertThat(two.forgetting()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void fullForgettingLosesEveryEarlierTask() {
        // column 1 peaks at step 2 (0.95), above its diagonal 0.9
        double[][] m = {
            {0.5, N, N, N},
            {0.5, 0.9, N, N},
            {0.5, 0.95, 0.8, N},
            {0.5, 0.0, 0.0, 0.7},
        };
        SequenceMetrics.Figures f = SequenceMetrics.of(m, 3);
        assertThat(f.acc()).isCloseTo(0.7 / 3, within(1e-12)); // (0 + 0 + 0.7) / 3
        // BWT = ((0 - 0.9) + (0 - 0.8)) / 2 = -0.85 = -mean(0.9, 0.8)
        assertThat(f.bwt()).isCloseTo(-0.85, within(1e-12));
        // forgetting = (max(0.9, 0.95) + max(0.8)) / 2 = (0.95 + 0.8) / 2 = 0.875
        assertThat(f.forgetting()).isCloseTo(0.875, within(1e-12));
    }

    @Test
    void fourTasksByHand() {
        SequenceMetrics.Figures four = SequenceMetrics.of(FOUR, 4);
        // ACC(4) = (0.60 + 0.50 + 0.65 + 0.95) / 4 = 2.70 / 4
        assertThat(four.acc()).isCloseTo(0.675, within(1e-12));
        // BWT(4) = ((0.60 - 0.90) + (0.50 - 0.85) + (0.65 - 0.80)) / 3 = -0.80 / 3
        assertThat(four.bwt()).isCloseTo(-0.8 / 3, within(1e-12));
        // forgetting(4): j=1 max(0.90, 0.70, 0.75) - 0.60 = 0.30; j=2 max(0.85, 0.88) - 0.50 = 0.38 (max off the
        // diagonal); j=3 0.80 - 0.65 = 0.15; mean 0.83 / 3, not -BWT = 0.80 / 3
        assertThat(four.forgetting()).isCloseTo(0.83 / 3, within(1e-12));

        SequenceMetrics.Figures two = SequenceMetrics.of(FOUR, 2);
        assertThat(two.acc()).isCloseTo(0.775, within(1e-12)); // (0.70 + 0.85) / 2
        assertThat(two.bwt()).isCloseTo(-0.20, within(1e-12)); // 0.70 - 0.90
        assertThat(two.forgetting()).isCloseTo(0.20, within(1e-12)); // 0.90 - 0.70

        SequenceMetrics.Figures three = SequenceMetrics.of(FOUR, 3);
        assertThat(three.acc()).isCloseTo(0.81, within(1e-12)); // (0.75 + 0.88 + 0.80) / 3 = 2.43 / 3
        // BWT(3) = ((0.75 - 0.90) + (0.88 - 0.85)) / 2 = -0.12 / 2
        assertThat(three.bwt()).isCloseTo(-0.06, within(1e-12));
        // forgetting(3) = ((0.90 - 0.75) + (0.85 - 0.88)) / 2 = 0.12 / 2
        assertThat(three.forgetting()).isCloseTo(0.06, within(1e-12));

        List<SequenceMetrics.Figures> steps = SequenceMetrics.perStep(FOUR);
        assertThat(steps).hasSize(4);
        assertThat(steps.get(0).acc()).isCloseTo(0.90, within(1e-12));
        assertThat(steps.get(1)).isEqualTo(two);
        assertThat(steps.get(2)).isEqualTo(three);
        assertThat(steps.get(3)).isEqualTo(four);
    }

    @Test
    void positiveBackwardTransferAndForgettingFromTheColumnsMaximum() {
        double[][] m = {
            {0.5, N, N, N},
            {0.5, 0.6, N, N},
            {0.5, 0.7, 0.8, N},
            {0.5, 0.65, 0.9, 0.75},
        };
        SequenceMetrics.Figures f = SequenceMetrics.of(m, 3);
        // BWT(3) = ((0.65 - 0.6) + (0.9 - 0.8)) / 2 = 0.15 / 2
        assertThat(f.bwt()).isPositive().isCloseTo(0.075, within(1e-12));
        // forgetting(3): j=1 max(0.6, 0.7) - 0.65 = 0.05 (forgotten from its peak at step 2, though above its
        // diagonal); j=2 0.8 - 0.9 = -0.1; mean -0.05 / 2
        assertThat(f.forgetting()).isCloseTo(-0.025, within(1e-12));
        assertThat(f.acc()).isCloseTo(0.7666666666666667, within(1e-12)); // (0.65 + 0.9 + 0.75) / 3 = 2.3 / 3
    }

    @Test
    void advantageMatrixAndItsFigures() {
        double[][] a = {
            {0.60, N, N},
            {0.55, 0.90, N},
            {0.50, 0.40, 0.80},
        };
        double[][] adv = SequenceMetrics.advantage(a);
        assertThat(adv).hasDimensions(3, 3);
        assertThat(adv[0][0]).isEqualTo(0.0);
        assertThat(adv[0][1]).isNaN();
        assertThat(adv[0][2]).isNaN();
        assertThat(adv[1][0]).isEqualTo(0.0);
        assertThat(adv[1][1]).isCloseTo(0.35, within(1e-12)); // 0.90 - 0.55
        assertThat(adv[1][2]).isNaN();
        assertThat(adv[2][0]).isEqualTo(0.0);
        assertThat(adv[2][1]).isCloseTo(-0.10, within(1e-12)); // 0.40 - 0.50, negative
        assertThat(adv[2][2]).isCloseTo(0.30, within(1e-12)); // 0.80 - 0.50

        SequenceMetrics.Figures f = SequenceMetrics.of(adv, 2);
        assertThat(f.acc()).isCloseTo(0.10, within(1e-12)); // (-0.10 + 0.30) / 2
        assertThat(f.bwt()).isCloseTo(-0.45, within(1e-12)); // -0.10 - 0.35
        assertThat(f.forgetting()).isCloseTo(0.45, within(1e-12)); // 0.35 - (-0.10)
        assertThat(SequenceMetrics.of(adv, 1).acc()).isCloseTo(0.35, within(1e-12));
        // on a itself the figures differ: the base fell by 0.05 between steps 1 and 2
        SequenceMetrics.Figures raw = SequenceMetrics.of(a, 2);
        assertThat(raw.acc()).isCloseTo(0.60, within(1e-12)); // (0.40 + 0.80) / 2
        assertThat(raw.bwt()).isCloseTo(-0.50, within(1e-12)); // 0.40 - 0.90
    }

    @Test
    void baseChangeAndBaseForgetting() {
        // column 0 of FOUR: 0.50, 0.48, 0.52, 0.45, 0.44
        assertThat(SequenceMetrics.baseChange(FOUR, 1)).isCloseTo(-0.02, within(1e-12)); // 0.48 - 0.50
        assertThat(SequenceMetrics.baseChange(FOUR, 2)).isCloseTo(0.02, within(1e-12)); // 0.52 - 0.50
        assertThat(SequenceMetrics.baseChange(FOUR, 4)).isCloseTo(-0.06, within(1e-12)); // 0.44 - 0.50
        assertThat(SequenceMetrics.baseForgetting(FOUR, 1)).isCloseTo(0.02, within(1e-12)); // 0.50 - 0.48
        // max(0.50, 0.48) - 0.52: base at step 2 beats every earlier step
        assertThat(SequenceMetrics.baseForgetting(FOUR, 2)).isCloseTo(-0.02, within(1e-12));
        // max(0.50, 0.48, 0.52) - 0.45 = 0.07; max(0.50, 0.48, 0.52, 0.45) - 0.44 = 0.08 (peak at step 2, not theta0)
        assertThat(SequenceMetrics.baseForgetting(FOUR, 3)).isCloseTo(0.07, within(1e-12));
        assertThat(SequenceMetrics.baseForgetting(FOUR, 4)).isCloseTo(0.08, within(1e-12));
    }

    @Test
    void stepOneHasOnlyAcc() {
        SequenceMetrics.Figures f = SequenceMetrics.of(FOUR, 1);
        assertThat(f.acc()).isCloseTo(0.90, within(1e-12));
        assertThat(f.bwt()).isNaN();
        assertThat(f.forgetting()).isNaN();
    }

    @Test
    void aSharedCueSequenceHasItsRowValueAsAcc() {
        // every column j holds the same cue probe, so columns are equal within a row
        double[][] m = {
            {0.5, N, N, N},
            {0.5, 0.6, N, N},
            {0.5, 0.7, 0.7, N},
            {0.5, 0.65, 0.65, 0.65},
        };
        assertThat(SequenceMetrics.of(m, 1).acc()).isCloseTo(0.6, within(1e-12));
        assertThat(SequenceMetrics.of(m, 2).acc()).isCloseTo(0.7, within(1e-12));
        SequenceMetrics.Figures f = SequenceMetrics.of(m, 3);
        assertThat(f.acc()).isCloseTo(0.65, within(1e-12));
        // BWT(3) = ((0.65 - 0.6) + (0.65 - 0.7)) / 2 = 0
        assertThat(f.bwt()).isCloseTo(0.0, within(1e-12));
        // forgetting(3) = ((max(0.6, 0.7) - 0.65) + (0.7 - 0.65)) / 2 = 0.05
        assertThat(f.forgetting()).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void nanInADefinedCellIsNamed() {
        double[][] m = copy(FOUR);
        m[2][1] = Double.NaN;
        assertThatThrownBy(() -> SequenceMetrics.of(m, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m[2][1] is NaN");
        assertThatThrownBy(() -> SequenceMetrics.perStep(m))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m[2][1] is NaN");
        assertThatThrownBy(() -> SequenceMetrics.advantage(m))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("accuracy matrix: a[2][1] is NaN");
        double[][] infinite = copy(FOUR);
        infinite[4][0] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> SequenceMetrics.baseChange(infinite, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a[4][0] is Infinity");
    }

    @Test
    void accuraciesOutsideTheUnitIntervalAreRejectedButNegativeAdvantagesAreNot() {
        double[][] a = copy(FOUR);
        a[3][2] = 1.5;
        assertThatThrownBy(() -> SequenceMetrics.advantage(a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a[3][2] is 1.5");
        assertThatThrownBy(() -> SequenceMetrics.baseForgetting(a, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a[3][2] is 1.5");
        double[][] negative = {{0.0, N}, {0.0, -0.4}};
        assertThat(SequenceMetrics.of(negative, 1).acc()).isCloseTo(-0.4, within(1e-12));
    }

    @Test
    void aMatrixThatIsNotSquareOrTooSmallIsRejected() {
        double[][] ragged = {{0.5, N, N}, {0.5, 0.9, N}, {0.5, 0.9}};
        assertThatThrownBy(() -> SequenceMetrics.of(ragged, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not square")
                .hasMessageContaining("row 2");
        double[][] wide = {{0.5, N, N}, {0.5, 0.9, N}};
        assertThatThrownBy(() -> SequenceMetrics.perStep(wide))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not square");
        assertThatThrownBy(() -> SequenceMetrics.of(new double[][] {{0.5}}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 rows");
    }

    @Test
    void aStepOutsideOneToKIsRejected() {
        assertThatThrownBy(() -> SequenceMetrics.of(FOUR, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("step 0 is outside 1..4");
        assertThatThrownBy(() -> SequenceMetrics.of(FOUR, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("step 5 is outside 1..4");
        assertThatThrownBy(() -> SequenceMetrics.baseChange(FOUR, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceMetrics.baseForgetting(FOUR, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void undefinedCellsAreAcceptedAndNeverRead() {
        // FOUR holds NaN above the diagonal and its figures are finite (above); junk there changes nothing
        double[][] junk = copy(FOUR);
        for (int k = 0; k < junk.length; k++) {
            for (int j = k + 1; j < junk.length; j++) {
                junk[k][j] = 1e9;
            }
        }
        assertThat(SequenceMetrics.perStep(junk)).isEqualTo(SequenceMetrics.perStep(FOUR));
        assertThat(SequenceMetrics.of(junk, 4).acc()).isCloseTo(0.675, within(1e-12));
        assertThat(SequenceMetrics.baseForgetting(junk, 4)).isCloseTo(0.08, within(1e-12));
        double[][] adv = SequenceMetrics.advantage(junk);
        assertThat(adv[1][2]).isNaN();
        assertThat(adv[3][4]).isNaN();
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
