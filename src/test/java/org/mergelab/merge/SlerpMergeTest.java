package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlerpMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("slerp");
    }

    @Override
    int contractModelCount() {
        return 2;
    }

    private float[] slerp(float[] v0, float[] v1, double t) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(v0, v1)
                .optGlobalParameter("t", t).build());
    }

    private static final float[] A = {0.3f, -1.2f, 2.5f, 0.7f};
    private static final float[] B = {-0.4f, 0.9f, 1.1f, -2.0f};

    @Test
    void tZeroGivesTheFirstModelAndTOneTheSecond() {
        assertArrayEquals(A, slerp(A, B, 0.0));
        assertArrayEquals(B, slerp(A, B, 1.0));
    }

    @Test
    void orthogonalUnitVectorsStayOnTheUnitCircle() {
        // Ω = π/2, sin Ω = 1: θ = sin((1−t)π/2)·e0 + sin(tπ/2)·e1 = [cos(tπ/2), sin(tπ/2)]
        float[] e0 = {1, 0};
        float[] e1 = {0, 1};
        for (double t : new double[] {0.25, 0.5, 0.9}) {
            float[] merged = slerp(e0, e1, t);
            assertClose(merged, new double[] {Math.cos(t * Math.PI / 2), Math.sin(t * Math.PI / 2)}, 1e-7);
            assertThat(Math.hypot(merged[0], merged[1])).isCloseTo(1.0, within(1e-7));
        }
        // t = 0.5: [√2/2, √2/2], whereas linear interpolation would give [0.5, 0.5] of norm 0.707
        assertClose(slerp(e0, e1, 0.5), new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, 1e-7);
    }

    @Test
    void coefficientsApplyToTheUnnormalisedVectors() {
        // [2, 0] and [0, 3]: Ω = π/2, t = 0.5: sin(π/4)·[2, 0] + sin(π/4)·[0, 3] = [√2, 1.5·√2]
        assertClose(slerp(new float[] {2, 0}, new float[] {0, 3}, 0.5),
                new double[] {Math.sqrt(2), 1.5 * Math.sqrt(2)}, 1e-6);
    }

    @Test
    void parallelVectorsFallBackToLinearInterpolation() {
        // [2, 4, 6] = 2·[1, 2, 3]: cos = 1; 0.7·[1, 2, 3] + 0.3·[2, 4, 6] = [1.3, 2.6, 3.9]
        float[] v0 = {1, 2, 3};
        float[] v1 = {2, 4, 6};
        float[] merged = slerp(v0, v1, 0.3);
        assertClose(merged, new double[] {1.3, 2.6, 3.9}, 1e-6);
        float[] linear = MergeMethods.byName("linear").merge(MergeRequest.builder().setTensorName("w")
                .setModels(v0, v1)
                .optPerModelParameters(List.of(Map.of("weight", 0.7), Map.of("weight", 0.3))).build());
        assertArrayEquals(linear, merged, 1e-6f);
    }

    @Test
    void cosinesAboveMergekitsThresholdInterpolateLinearly() {
        // [1, 0] and [1, 0.025]: cos = 1/√1.000625 ≈ 0.99969 > 0.9995 → (1 − t) v0 + t v1
        assertClose(slerp(new float[] {1, 0}, new float[] {1, 0.025f}, 0.4), new double[] {1, 0.01}, 1e-7);
        // [1, 0] and [1, 0.04]: cos ≈ 0.99920 < 0.9995 → spherical, off the chord
        float[] spherical = slerp(new float[] {1, 0}, new float[] {1, 0.04f}, 0.5);
        assertThat(Math.abs(spherical[0] - 1.0)).isGreaterThan(1e-4);
    }

    @Test
    void antiparallelAndZeroVectorsFallBackToLinearInterpolation() {
        // cos = −1: 0.5·[1, 0] + 0.5·[−1, 0] = [0, 0]
        assertClose(slerp(new float[] {1, 0}, new float[] {-1, 0}, 0.5), new double[] {0, 0}, 1e-7);
        // |v0| = 0: 0.75·[0, 0] + 0.25·[4, 8] = [1, 2]
        assertClose(slerp(new float[] {0, 0}, new float[] {4, 8}, 0.25), new double[] {1, 2}, 1e-7);
    }

    @Test
    void needsExactlyTwoModelsAndTInRange() {
        MergeRequest three = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1}, new float[] {2}, new float[] {3}).build();
        assertThatThrownBy(() -> method().merge(three)).hasMessageContaining("exactly 2 models, got 3");
        assertThatThrownBy(() -> slerp(A, B, 1.5)).hasMessageContaining("'t' = 1.5");
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of("t", 0.3)), new RangeCase(List.of(), Map.of("t", 1.0)));
    }
}
