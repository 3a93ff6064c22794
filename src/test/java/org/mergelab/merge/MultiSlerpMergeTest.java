package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiSlerpMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("multislerp");
    }

    private float[] multislerp(List<Map<String, Double>> weights, Map<String, Double> global, float[]... models) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(models)
                .optPerModelParameters(weights).optGlobalParameters(global).build());
    }

    private static final float[] A = {2, 0};
    private static final float[] B = {0, 3};

    @Test
    void orthogonalModelsMeetOnTheBisectorScaledByTheMeanNorm() {
        // w = 1/2 each: m = [1, 1]/√2; the tangent vectors [0.5, −0.5] and [−0.5, 0.5] cancel, so the exponential
        // map gives m; scale 0.5·2 + 0.5·3 = 2.5: 2.5/√2 · [1, 1]
        double v = 2.5 / Math.sqrt(2);
        assertClose(multislerp(List.of(), Map.of(), A, B), new double[] {v, v}, 1e-6);
    }

    @Test
    void weightsMoveThePointAndTheNorm() {
        // weights 3 and 1 → w = 0.75, 0.25: m = [0.75, 0.25]/|·| = [3, 1]/√10; scale 0.75·2 + 0.25·3 = 2.25
        assertClose(multislerp(List.of(Map.of("weight", 3.0), Map.of("weight", 1.0)), Map.of(), A, B),
                new double[] {6.75 / Math.sqrt(10), 2.25 / Math.sqrt(10)}, 1e-6);
        // normalize_weights off, weights 1 and 1: the same direction, scale 2 + 3 = 5
        double v = 5 / Math.sqrt(2);
        assertClose(multislerp(List.of(), Map.of("normalize_weights", 0.0), A, B), new double[] {v, v}, 1e-6);
    }

    @Test
    void oneModelComesBackAndBalancedAntipodesInterpolateLinearlyForTwoOnly() {
        assertArrayEquals(A, multislerp(List.of(), Map.of(), A));
        // [1, 2] and [−1, −2], w = 1/2 each: Σ w u = 0 → 0.5·[1, 2] + 0.5·[−1, −2] = [0, 0]
        assertClose(multislerp(List.of(), Map.of(), new float[] {1, 2}, new float[] {-1, -2}), new double[] {0, 0}, 0);
        assertThatThrownBy(() -> multislerp(List.of(), Map.of(), new float[] {1, 0}, new float[] {-1, 0},
                new float[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'").hasMessageContaining("antipodal");
    }

    @Test
    void withABaseTheTaskVectorsAreInterpolatedAndTheBaseAddedBack() {
        // base [1, 1]: task vectors [2, 0] and [0, 3], as in the orthogonal case, plus [1, 1]
        double v = 2.5 / Math.sqrt(2) + 1;
        assertClose(method().merge(MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {3, 1}, new float[] {1, 4}).optBase(new float[] {1, 1}).build()),
                new double[] {v, v}, 1e-6);
    }

    @Test
    void weightsSummingToZeroAreRejectedWhenNormalizing() {
        assertThatThrownBy(() -> multislerp(List.of(Map.of("weight", 1.0), Map.of("weight", -1.0)), Map.of(), A, B))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalize_weights").hasMessageContaining("sum to 0");
    }

    /** Ranges of the method's defaults and of other parameters, each bit for bit the whole-tensor merge. */
    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of()), new RangeCase(List.of(), Map.of("normalize_weights", 0.0)));
    }
}
