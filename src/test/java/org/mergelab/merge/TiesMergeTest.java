package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TiesMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("ties");
    }

    // base = 1 everywhere, so θ_i = 1 + τ_i with
    //   τ1 = [ 3, −1,  0.5, −4,  2  ]
    //   τ2 = [−2,  1, −3,    1,  0.5]
    //   τ3 = [ 1,  2,  1,   −0.5, −1 ]
    static final float[] BASE = {1, 1, 1, 1, 1};
    static final List<float[]> MODELS = List.of(
            new float[] {4, 0, 1.5f, -3, 3},
            new float[] {-1, 2, -2, 2, 1.5f},
            new float[] {2, 3, 2, 0.5f, 0});

    static MergeRequest.Builder request(double w1, double w2, double w3, double density) {
        return MergeRequest.builder().setTensorName("mlp.fc1.weight").setModels(MODELS).optBase(BASE)
                .optPerModelParameters(List.of(
                        Map.of("weight", w1, "density", density),
                        Map.of("weight", w2, "density", density),
                        Map.of("weight", w3, "density", density)));
    }

    @Test
    void trimElectAndDisjointMean() {
        // density 0.4 → keep floor(0.4·5) = 2 largest |τ| per model:
        //   τ1' = [ 3, 0,  0, −4, 0]   (|−4|, |3|)
        //   τ2' = [−2, 0, −3,  0, 0]   (|−3|, |−2|)
        //   τ3' = [ 1, 2,  0,  0, 0]   (|2|, then |1| tied at indices 0, 2, 4: lowest index 0)
        // weights 1: Σ = [2, 2, −3, −4, 0] → elected signs [+, +, −, −, + (0 counts as +)]
        // agreeing: e0 {τ1 3, τ3 1} → 4/2 = 2; e1 {τ3 2} → 2; e2 {τ2 −3} → −3; e3 {τ1 −4} → −4; e4 {} → 0
        // θ = 1 + [2, 2, −3, −4, 0]
        assertClose(method().merge(request(1, 1, 1, 0.4).build()), new double[] {3, 3, -2, -3, 1}, 1e-6);
    }

    @Test
    void weightsEnterTheElectionAndTheDisjointMean() {
        // w = [1, 2, 1]: w τ' = τ1' [3, 0, 0, −4, 0], 2τ2' [−4, 0, −6, 0, 0], τ3' [1, 2, 0, 0, 0]
        // Σ = [0, 2, −6, −4, 0] → signs [+ (tie at 0), +, −, −, +]
        // e0: {3, 1} / (w1 + w3 = 2) = 2;  e1: 2 / 1 = 2;  e2: −6 / 2 = −3;  e3: −4 / 1 = −4;  e4: 0
        assertClose(method().merge(request(1, 2, 1, 0.4).build()), new double[] {3, 3, -2, -3, 1}, 1e-6);
        // normalize = 0 (disjoint sum), λ = 0.5: 1 + 0.5·[4, 2, −6, −4, 0] = [3, 2, −2, −1, 1]
        assertClose(method().merge(request(1, 2, 1, 0.4)
                        .optGlobalParameter("normalize", 0).optGlobalParameter("lambda", 0.5).build()),
                new double[] {3, 2, -2, -1, 1}, 1e-6);
    }

    @Test
    void electedEntriesAreTheOnesTheDisjointMeanAverages() {
        // the trim and election of trimElectAndDisjointMean: agreeing e0 {τ1, τ3}, e1 {τ3}, e2 {τ2}, e3 {τ1}, e4 {}
        boolean[][] entered = ((TaskVectorFamilyMethod) method()).electedEntries(request(1, 1, 1, 0.4).build());
        assertThat(entered[0]).containsExactly(true, false, false, true, false);
        assertThat(entered[1]).containsExactly(false, false, true, false, false);
        assertThat(entered[2]).containsExactly(true, true, false, false, false);
        // on random tensors the merge is base + the mean of the entered task-vector entries, bit for bit
        java.util.SplittableRandom random = new java.util.SplittableRandom(13);
        float[] base = new float[40];
        List<float[]> models = List.of(new float[40], new float[40]);
        for (int j = 0; j < 40; j++) {
            base[j] = (float) random.nextGaussian();
            models.get(0)[j] = (float) random.nextGaussian();
            models.get(1)[j] = (float) random.nextGaussian();
        }
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(models).optBase(base)
                .optPerModelParameters(List.of(Map.of("density", 0.3), Map.of("density", 0.3))).build();
        boolean[][] mask = ((TaskVectorFamilyMethod) method()).electedEntries(request);
        float[] merged = method().merge(request);
        int kept = 0;
        for (int j = 0; j < 40; j++) {
            double sum = 0.0;
            int count = 0;
            for (int i = 0; i < 2; i++) {
                if (mask[i][j]) {
                    sum += (double) models.get(i)[j] - base[j];
                    count++;
                }
            }
            kept += count;
            assertThat(merged[j]).as("entry %d", j).isEqualTo((float) (base[j] + (count == 0 ? 0.0 : sum / count)));
        }
        assertThat(kept).isBetween(1, 24); // at most int(0.3 · 40) = 12 per model
    }

    @Test
    void defaultDensityTrimsNothingAsMergekit() {
        // density defaults to 1 (mergekit; issue 11 item 2): the same as fullDensityIsSignElectionWithoutTrim
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(MODELS).optBase(BASE).build();
        assertClose(method().merge(request), new double[] {3, 2.5, -2, -1.25, 2.25}, 1e-6);
    }

    @Test
    void rescaleKeepsEachTrimmedTaskVectorsL1Norm() {
        // density 0.4, one model: τ1' = [3, 0, 0, −4, 0], ‖τ1‖₁ = 10.5, ‖τ1'‖₁ = 7 → × 1.5 = [4.5, 0, 0, −6, 0]
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(MODELS.getFirst()).optBase(BASE)
                .optPerModelParameters(List.of(Map.of("density", 0.4)))
                .optGlobalParameter("rescale", Rescale.L1.code()).build();
        assertClose(method().merge(request), new double[] {5.5, 1, 1, -5, 1}, 1e-6);
    }

    @Test
    void fullDensityIsSignElectionWithoutTrim() {
        // density 1: Σ τ = [2, 2, −1.5, −3.5, 1.5] → signs [+, +, −, −, +]
        // e0 {3, 1}/2 = 2; e1 {1, 2}/2 = 1.5; e2 {−3}/1 = −3; e3 {−4, −0.5}/2 = −2.25; e4 {2, 0.5}/2 = 1.25
        assertClose(method().merge(request(1, 1, 1, 1.0).build()),
                new double[] {3, 2.5, -2, -1.25, 2.25}, 1e-6);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("density", 0.3, "weight", 0.7), Map.of("density", 0.6),
                Map.of("density", 0.5, "weight", 1.2)), Map.of()),
                new RangeCase(List.of(Map.of("density", 0.2), Map.of("density", 0.9), Map.of("density", 0.5)),
                        Map.of("rescale", Rescale.INVERSE_DENSITY.code(), "normalize", 0.0)),
                new RangeCase(List.of(Map.of("density", 0.4), Map.of("density", 1.0), Map.of("density", 0.7)),
                        Map.of("rescale", Rescale.L1.code())));
    }
}
