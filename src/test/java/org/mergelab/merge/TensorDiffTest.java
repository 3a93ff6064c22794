package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TensorDiffTest {

    @Test
    void handComputedStatistics() {
        // a = [1, −2, 0, 3, 0], b = [1, 2, 0, 2.5, 4]
        // |a − b| = [0, 4, 0, 0.5, 4] → L2 = √(16 + 0.25 + 16) = √32.25; max 4; changed 3/5
        // a·b = 1 − 4 + 0 + 7.5 + 0 = 4.5; |a| = √14; |b| = √27.25 → cos = 4.5 / √381.5
        // signs over elements where either is non-zero (0, 1, 3, 4): agree at 0 and 3 → 2/4
        TensorDiff diff = TensorDiff.of("w", new float[] {1, -2, 0, 3, 0}, new float[] {1, 2, 0, 2.5f, 4});
        assertThat(diff.tensorName()).isEqualTo("w");
        assertThat(diff.elements()).isEqualTo(5);
        assertThat(diff.l2Distance()).isCloseTo(Math.sqrt(32.25), within(1e-12));
        assertThat(diff.cosineSimilarity()).isCloseTo(4.5 / Math.sqrt(381.5), within(1e-12));
        assertThat(diff.signAgreement()).isEqualTo(0.5);
        assertThat(diff.fractionChanged()).isEqualTo(0.6);
        assertThat(diff.maxAbsDifference()).isEqualTo(4.0);
        assertThat(diff.tolerance()).isEqualTo(TensorDiff.DEFAULT_TOLERANCE);
    }

    @Test
    void toleranceDecidesWhatCountsAsChanged() {
        // differences [0, 4, 0, 0.5, 4]; with tolerance 1 only the two 4s count
        TensorDiff diff = TensorDiff.of("w", new float[] {1, -2, 0, 3, 0}, new float[] {1, 2, 0, 2.5f, 4}, 1.0);
        assertThat(diff.fractionChanged()).isEqualTo(0.4);
    }

    @Test
    void identicalAndZeroTensors() {
        TensorDiff same = TensorDiff.of("w", new float[] {1, -1}, new float[] {1, -1});
        assertThat(same.l2Distance()).isZero();
        assertThat(same.cosineSimilarity()).isEqualTo(1.0);
        assertThat(same.fractionChanged()).isZero();
        TensorDiff zeros = TensorDiff.of("w", new float[2], new float[2]);
        assertThat(zeros.cosineSimilarity()).isEqualTo(1.0);
        assertThat(zeros.signAgreement()).isEqualTo(1.0);
        assertThat(TensorDiff.of("w", new float[2], new float[] {1, 0}).cosineSimilarity()).isZero();
    }

    @Test
    void lengthMismatchNamesTheTensor() {
        assertThatThrownBy(() -> TensorDiff.of("fc.w", new float[3], new float[2]))
                .hasMessageContaining("'fc.w'").hasMessageContaining("3").hasMessageContaining("2");
    }
}
