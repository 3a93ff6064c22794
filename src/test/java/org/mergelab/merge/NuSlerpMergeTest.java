package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NuSlerpMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("nuslerp");
    }

    @Override
    int contractModelCount() {
        return 2;
    }

    /** [[1, 0], [2, 0]] and [[0, 1], [4, 0]]. */
    private static final float[] A = {1, 0, 2, 0};
    private static final float[] B = {0, 1, 4, 0};
    private static final double HALF = Math.sqrt(0.5);

    private float[] nuslerp(List<Map<String, Double>> weights, Map<String, Double> global) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(A, B).optShape(2, 2)
                .optPerModelParameters(weights).optGlobalParameters(global).build());
    }

    @Test
    void flattenedTheWholeMatrixIsOneVector() {
        // cos Ω = 8 / (√5 √17); t = 0.5: sin(Ω/2)/sin Ω · (A + B) = (A + B) / (2 cos(Ω/2))
        double omega = Math.acos(8 / Math.sqrt(85));
        double c = 1 / (2 * Math.cos(omega / 2));
        assertClose(nuslerp(List.of(), Map.of()), new double[] {c, c, 6 * c, 0}, 1e-6);
    }

    @Test
    void rowsAreInterpolatedApartAndColinearRowsLinearly() {
        // row 0: [1, 0], [0, 1] orthogonal: √½ · [1, 1]; row 1: [2, 0], [4, 0] colinear: 0.5·2 + 0.5·4 = 3
        assertClose(nuslerp(List.of(), Map.of("nuslerp_flatten", 0.0)), new double[] {HALF, HALF, 3, 0}, 1e-6);
        // weights 1 and 3: t = 0.75; row 0: [sin(π/8), sin(3π/8)]; row 1: 0.25·2 + 0.75·4 = 3.5
        assertClose(nuslerp(List.of(Map.of("weight", 1.0), Map.of("weight", 3.0)), Map.of("nuslerp_flatten", 0.0)),
                new double[] {Math.sin(Math.PI / 8), Math.sin(3 * Math.PI / 8), 3.5, 0}, 1e-6);
    }

    @Test
    void rowWiseInterpolatesColumnsAndAZeroColumnIsAQuarterTurnAway() {
        // column 0: [1, 2], [0, 4]: cos Ω = 8 / (√5 · 4), t = 0.5: ([1, 2] + [0, 4]) / (2 cos(Ω/2))
        // column 1: [0, 0], [1, 0]: the zero vector normalises to 0, cos Ω = 0, Ω = π/2: sin(π/4) · [1, 0]
        double omega = Math.acos(2 / Math.sqrt(5));
        double c = 1 / (2 * Math.cos(omega / 2));
        assertClose(nuslerp(List.of(), Map.of("nuslerp_flatten", 0.0, "nuslerp_row_wise", 1.0)),
                new double[] {c, HALF, 6 * c, 0}, 1e-6);
    }

    @Test
    void withABaseTheTaskVectorsAreInterpolatedAndTheBaseAddedBack() {
        // base 0.5 everywhere, models A + 0.5 and B + 0.5: the rows of the case above, plus 0.5
        float[] base = {0.5f, 0.5f, 0.5f, 0.5f};
        float[] a = {1.5f, 0.5f, 2.5f, 0.5f};
        float[] b = {0.5f, 1.5f, 4.5f, 0.5f};
        assertClose(method().merge(MergeRequest.builder().setTensorName("w").setModels(a, b).optBase(base)
                .optShape(2, 2).optGlobalParameter("nuslerp_flatten", 0.0).build()),
                new double[] {HALF + 0.5, HALF + 0.5, 3.5, 0.5}, 1e-6);
    }

    @Test
    void weightsSummingToZeroInterpolateHalfway() {
        // |w_0 + w_1| < 1e-6: t = 0.5, as with equal weights
        assertClose(nuslerp(List.of(Map.of("weight", 1.0), Map.of("weight", -1.0)), Map.of("nuslerp_flatten", 0.0)),
                new double[] {HALF, HALF, 3, 0}, 1e-6);
    }

    @Test
    void aShapeThatDoesNotHoldTheTensorIsRejected() {
        assertThatThrownBy(() -> MergeRequest.builder().setTensorName("w").setModels(A, B).optShape(3, 2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'").hasMessageContaining("[3, 2]").hasMessageContaining("4 elements");
    }

    /** Ranges of the method's defaults and of other parameters, each bit for bit the whole-tensor merge. */
    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of()),
                new RangeCase(List.of(Map.of("weight", 0.3), Map.of("weight", 0.9)), Map.of()));
    }
}
