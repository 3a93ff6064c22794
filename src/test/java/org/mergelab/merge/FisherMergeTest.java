package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FisherMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("fisher");
    }

    @Override
    List<float[]> auxiliaryFor(List<float[]> models) {
        List<float[]> fishers = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            float[] f = new float[models.get(i).length];
            for (int j = 0; j < f.length; j++) {
                f[j] = (i + 1) * 0.5f + (j % 3);
            }
            fishers.add(f);
        }
        return fishers;
    }

    // θ1 = [1, 2, 3], F1 = [1, 0, 3]; θ2 = [3, 6, −1], F2 = [3, 0, 1]; ε = 1e-8 changes results by < 1e-7
    private MergeRequest.Builder request() {
        return MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, 2, 3}, new float[] {3, 6, -1})
                .optAuxiliary(List.of(new float[] {1, 0, 3}, new float[] {3, 0, 1}));
    }

    @Test
    void fisherWeightedAverage() {
        // e0: (1·1 + 3·3) / (1 + 3) = 2.5
        // e1: both Fisher values 0 → plain mean (2 + 6) / 2 = 4
        // e2: (3·3 + 1·(−1)) / (3 + 1) = 2
        assertClose(method().merge(request().build()), new double[] {2.5, 4, 2}, 1e-6);
    }

    @Test
    void weightsMultiplyTheFisherValues() {
        // w = [1, 3]: e0: (1·1·1 + 3·3·3) / (1 + 9) = 2.8; e1: (1·2 + 3·6) / (1 + 3) = 5;
        // e2: (1·3·3 + 3·1·(−1)) / (3 + 3) = 1
        MergeRequest weighted = request()
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", 3.0))).build();
        assertClose(method().merge(weighted), new double[] {2.8, 5, 1}, 1e-6);
    }

    @Test
    void normalizeFishersDividesEachWeightByItsFisherNorm() {
        // fisher_norm [2, 0.5] → c = [0.5, 2]: e0: (0.5·1·1 + 2·3·3) / (0.5 + 6) = 18.5 / 6.5;
        // e1: both Fisher values 0 → (0.5·2 + 2·6) / 2.5 = 5.2; e2: (0.5·3·3 + 2·1·(−1)) / (1.5 + 2) = 2.5 / 3.5
        MergeRequest normalized = request().optGlobalParameter("normalize_fishers", 1)
                .optPerModelParameters(List.of(Map.of("fisher_norm", 2.0), Map.of("fisher_norm", 0.5))).build();
        assertClose(method().merge(normalized), new double[] {18.5 / 6.5, 5.2, 2.5 / 3.5}, 1e-6);
        assertThatThrownBy(() -> method().merge(request().optGlobalParameter("normalize_fishers", 1).build()))
                .hasMessageContaining("'w'").hasMessageContaining("fisher_norm");
        MergeRequest normWithoutFlag = request()
                .optPerModelParameters(List.of(Map.of("fisher_norm", 2.0), Map.of("fisher_norm", 0.5))).build();
        assertThatThrownBy(() -> method().merge(normWithoutFlag)).hasMessageContaining("normalize_fishers");
    }

    @Test
    void rejectsMissingOrNegativeFisherAndNegativeWeights() {
        MergeRequest missing = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1}, new float[] {2}).build();
        assertThatThrownBy(() -> method().merge(missing)).hasMessageContaining("needs one Fisher array per model");
        MergeRequest negative = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1}, new float[] {2})
                .optAuxiliary(List.of(new float[] {1}, new float[] {-0.5f})).build();
        assertThatThrownBy(() -> method().merge(negative)).hasMessageContaining("-0.5").hasMessageContaining("model 1");
        MergeRequest negativeWeight = request()
                .optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", -1.0))).build();
        assertThatThrownBy(() -> method().merge(negativeWeight)).hasMessageContaining("weight of model 1");
    }

    @Test
    void auxiliaryOfTheWrongLengthIsRejectedNamingTheTensor() {
        assertThatThrownBy(() -> MergeRequest.builder().setTensorName("blocks.3.w")
                        .setModels(new float[] {1, 2}, new float[] {3, 4})
                        .optAuxiliary(List.of(new float[] {1, 1}, new float[] {1})).build())
                .hasMessageContaining("'blocks.3.w'").hasMessageContaining("auxiliary array 1 has 1 elements");
        MergeRequest shortFishers = MergeRequest.builder().setTensorName("blocks.3.w")
                .setModels(new float[] {1, 2}, new float[] {3, 4})
                .optAuxiliary(List.of(new float[] {1}, new float[] {1})).build();
        assertThatThrownBy(() -> method().merge(shortFishers))
                .hasMessageContaining("'blocks.3.w'").hasMessageContaining("Fisher array of model 0 has 1 elements");
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("weight", 0.2), Map.of("weight", 0.5), Map.of("weight", 1.3)),
                Map.of("epsilon", 1e-3)), new RangeCase(List.of(Map.of("fisher_norm", 2.0), Map.of("fisher_norm", 0.5),
                        Map.of("fisher_norm", 7.0)), Map.of("normalize_fishers", 1.0)));
    }
}
