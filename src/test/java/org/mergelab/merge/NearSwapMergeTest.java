package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NearSwapMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("nearswap");
    }

    @Override
    int contractModelCount() {
        return 1;
    }

    private float[] nearswap(float[] base, float[] model, double t) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(model).optBase(base)
                .optGlobalParameter("t", t).build());
    }

    @Test
    void nearEntriesTakeTheModelAndFarOnesMoveByTOverTheDistance() {
        // t = 0.0002; |b − m| = 0.00005 → w = 4 → 1: m; 0.001 → w = 0.2: 0.2·0.001 = 0.0002;
        // 0.0004 → w = 0.5: 1.0002; 0.1 → w = 0.002: −2 + 0.002·(−0.1) = −2.0002
        float[] base = {0f, 0f, 1f, -2f};
        float[] model = {0.00005f, 0.001f, 1.0004f, -2.1f};
        assertClose(nearswap(base, model, 0.0002), new double[] {0.00005, 0.0002, 1.0002, -2.0002}, 1e-6);
    }

    @Test
    void equalEntriesDivideByTheFloorAndTZeroKeepsTheBase() {
        // |b − m| = 5e-7 under the floor 1e-6: w = t / 1e-6 = 0.5 (not t / 5e-7 = 1), so 0.5·5e-7 = 2.5e-7
        assertClose(nearswap(new float[] {0f}, new float[] {5e-7f}, 5e-7), new double[] {2.5e-7}, 1e-13);
        float[] base = {1f, -1f, 0.5f};
        assertArrayEquals(base, nearswap(base, new float[] {1.5f, 2f, -0.5f}, 0.0));
    }

    @Test
    void needsABaseAndExactlyOneOtherModel() {
        MergeRequest two = MergeRequest.builder().setTensorName("w").setModels(new float[] {1}, new float[] {2})
                .optBase(new float[] {0}).build();
        assertThatThrownBy(() -> method().merge(two)).hasMessageContaining("exactly 1 models, got 2");
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of("t", 0.3)), new RangeCase(List.of(), Map.of()));
    }
}
