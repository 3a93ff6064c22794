package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskArithmeticMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("task_arithmetic");
    }

    // base = [1, 1, 1, 1]; θ1 = [2, 0, 1, 3] → τ1 = [1, −1, 0, 2]; θ2 = [1, 3, 0, 1] → τ2 = [0, 2, −1, 0]
    // w = [1, 0.5]: Σ w τ = [1, −1 + 1, −0.5, 2] = [1, 0, −0.5, 2]; Σ w = 1.5
    private MergeRequest.Builder request() {
        return MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 0, 1, 3}, new float[] {1, 3, 0, 1})
                .optBase(new float[] {1, 1, 1, 1})
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", 0.5)))
                .optGlobalParameter("lambda", 2.0);
    }

    @Test
    void addsLambdaTimesTheWeightedSumOfTaskVectors() {
        // 1 + 2·[1, 0, −0.5, 2] = [3, 1, 0, 5]
        assertClose(method().merge(request().build()), new double[] {3, 1, 0, 5}, 1e-7);
    }

    @Test
    void normalizeDividesByTheSumOfWeights() {
        // 1 + 2·[1, 0, −0.5, 2] / 1.5 = [7/3, 1, 1/3, 11/3]
        assertClose(method().merge(request().optGlobalParameter("normalize", 1).build()),
                new double[] {7.0 / 3, 1, 1.0 / 3, 11.0 / 3}, 1e-6);
    }

    @Test
    void defaultsAreUnitWeightsAndLambdaOne() {
        // 1 + τ1 + τ2 = 1 + [1, 1, −1, 2] = [2, 2, 0, 3]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 0, 1, 3}, new float[] {1, 3, 0, 1})
                .optBase(new float[] {1, 1, 1, 1}).build();
        assertClose(method().merge(request), new double[] {2, 2, 0, 3}, 1e-7);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("weight", 0.2), Map.of("weight", 0.5), Map.of("weight", 1.3)),
                Map.of("lambda", 0.7, "normalize", 1.0)));
    }
}
