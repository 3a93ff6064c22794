package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("linear");
    }

    // θ1 = [1, 2, 3], θ2 = [3, 0, −1], w = [1, 3]
    // Σ w θ = [1 + 9, 2 + 0, 3 − 3] = [10, 2, 0]; Σ w = 4
    private MergeRequest.Builder twoModels() {
        return MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, 2, 3}, new float[] {3, 0, -1})
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", 3.0)));
    }

    @Test
    void normalizedByDefault() {
        // [10, 2, 0] / 4
        assertClose(method().merge(twoModels().build()), new double[] {2.5, 0.5, 0.0}, 1e-7);
    }

    @Test
    void unnormalizedIsTheWeightedSum() {
        assertClose(method().merge(twoModels().optGlobalParameter("normalize", 0).build()),
                new double[] {10, 2, 0}, 1e-7);
    }

    @Test
    void weightDefaultsToOneGivingTheMean() {
        // ([1, 2, 3] + [3, 0, −1]) / 2
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, 2, 3}, new float[] {3, 0, -1}).build();
        assertClose(method().merge(request), new double[] {2, 1, 1}, 1e-7);
    }

    @Test
    void weightsSummingToZeroCannotBeNormalized() {
        MergeRequest request = MergeRequest.builder().setTensorName("emb")
                .setModels(new float[] {1}, new float[] {2})
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", -1.0))).build();
        assertThatThrownBy(() -> method().merge(request)).hasMessageContaining("'emb'").hasMessageContaining("sum to 0");
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("weight", 0.2), Map.of("weight", 0.5), Map.of("weight", 1.3)),
                Map.of("normalize", 1.0)), new RangeCase(List.of(), Map.of("normalize", 0.0)));
    }
}
