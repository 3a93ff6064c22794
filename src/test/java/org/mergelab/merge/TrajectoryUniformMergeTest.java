package org.mergelab.merge;

import org.junit.jupiter.api.Test;

class TrajectoryUniformMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("trajectory_uniform");
    }

    @Test
    void averagesTheCheckpoints() {
        // ([1, 2] + [3, 4] + [8, 0]) / 3 = [4, 2]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, 2}, new float[] {3, 4}, new float[] {8, 0}).build();
        assertClose(method().merge(request), new double[] {4, 2}, 1e-7);
    }
}
