package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrajectoryEmaMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("trajectory_ema");
    }

    private MergeRequest.Builder checkpoints(float[]... models) {
        return MergeRequest.builder().setTensorName("w").setModels(models);
    }

    private static final float[] C0 = {1, 2};
    private static final float[] C1 = {3, 4};
    private static final float[] C2 = {8, 0};

    @Test
    void defaultBetaIsNineTenths() {
        // ema0 = [1, 2]; ema1 = 0.9·[1, 2] + 0.1·[3, 4] = [1.2, 2.2]; ema2 = 0.9·[1.2, 2.2] + 0.1·[8, 0] = [1.88, 1.98]
        assertClose(method().merge(checkpoints(C0, C1, C2).build()), new double[] {1.88, 1.98}, 1e-6);
    }

    @Test
    void betaHalfAndOrderMatters() {
        // ema1 = 0.5·[1, 2] + 0.5·[3, 4] = [2, 3]; ema2 = 0.5·[2, 3] + 0.5·[8, 0] = [5, 1.5]
        assertClose(method().merge(checkpoints(C0, C1, C2).optGlobalParameter("beta", 0.5).build()),
                new double[] {5, 1.5}, 1e-7);
        // reversed: ema1 = 0.5·[8, 0] + 0.5·[3, 4] = [5.5, 2]; ema2 = 0.5·[5.5, 2] + 0.5·[1, 2] = [3.25, 2]
        assertClose(method().merge(checkpoints(C2, C1, C0).optGlobalParameter("beta", 0.5).build()),
                new double[] {3.25, 2}, 1e-7);
    }

    @Test
    void betaZeroIsTheLastCheckpointAndBetaOneTheFirst() {
        assertClose(method().merge(checkpoints(C0, C1, C2).optGlobalParameter("beta", 0).build()),
                new double[] {8, 0}, 0);
        assertClose(method().merge(checkpoints(C0, C1, C2).optGlobalParameter("beta", 1).build()),
                new double[] {1, 2}, 0);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of("beta", 0.7)));
    }
}
