package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DellaLinearMergeTest extends SeededMergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("della_linear");
    }

    @Override
    List<RangeCase> rangeCases() {
        return DellaMergeTest.dellaRangeCases();
    }

    @Test
    void fullDensityIsTaskArithmetic() {
        // as DareLinearMergeTest: 1 + 2·(1·[1, −1, 0, 2] + 0.5·[0, 2, −1, 0]) = [3, 1, 0, 5]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 0, 1, 3}, new float[] {1, 3, 0, 1})
                .optBase(new float[] {1, 1, 1, 1})
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", 0.5)))
                .optGlobalParameter("lambda", 2.0).build();
        assertClose(method().merge(request), new double[] {3, 1, 0, 5}, 1e-7);
    }

    @Test
    void sampledTaskVectorsAreSummedWithoutSignElection() {
        // base 0, τ1 = [1, −2, 3, −4] keeps entries 0, 2 (L1 rescale × 10/4 = 2.5 → [2.5, 0, 7.5, 0]),
        // τ2 = [−1, 1, −1, 1] keeps 0, 1, 2 (× 4/3 → [−4/3, 4/3, −4/3, 0]); weights 1 and 0.5, normalize true:
        // (1·τ1' + 0.5·τ2') / 1.5 = [(2.5 − 2/3), 2/3, (7.5 − 2/3), 0] / 1.5
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, -2, 3, -4}, new float[] {-1, 1, -1, 1}).optBase(new float[4])
                .optPerModelParameters(List.of(Map.of("density", 0.5), Map.of("weight", 0.5, "density", 0.5)))
                .optGlobalParameter("normalize", 1).build();
        float[] merged = ((TaskVectorFamilyMethod) method()).mergeDrawingFrom(request,
                List.of(DellaMergeTest.mask(1, 0, 1, 0), DellaMergeTest.mask(1, 1, 1, 0)));
        assertClose(merged, new double[] {(2.5 - 2.0 / 3) / 1.5, (2.0 / 3) / 1.5, (7.5 - 2.0 / 3) / 1.5, 0}, 1e-6);
    }

    @Test
    void dellaDropsTheSameEntriesForTheSameSeed() {
        float[] tau = MergeMethodContractTest.randomTensor(new SplittableRandom(6), 100);
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(tau).optBase(new float[100])
                .optSeed(8).optPerModelParameters(List.of(Map.of("density", 0.4))).build();
        // one model: every kept entry agrees with its own sign, and normalize divides by weight 1
        assertThat(method().merge(request)).containsExactly(MergeMethods.byName("della").merge(request));
    }
}
