package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DareTiesMergeTest extends SeededMergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("dare_ties");
    }

    private static MergeRequest.Builder fullDensity() {
        return MergeRequest.builder().setTensorName("w").setModels(TiesMergeTest.MODELS).optBase(TiesMergeTest.BASE)
                .optPerModelParameters(List.of(Map.of("density", 1.0), Map.of("density", 1.0),
                        Map.of("density", 1.0)));
    }

    @Test
    void fullDensityIsSignElectionWithADisjointSumByDefault() {
        // τ as in TiesMergeTest; density 1 drops nothing. Σ τ = [2, 2, −1.5, −3.5, 1.5] → [+, +, −, −, +]
        // normalize defaults to 0 (mergekit): disjoint sums
        // e0 {3, 1} = 4; e1 {1, 2} = 3; e2 {−3}; e3 {−4, −0.5} = −4.5; e4 {2, 0.5} = 2.5
        assertClose(method().merge(fullDensity().build()), new double[] {5, 4, -2, -3.5, 3.5}, 1e-6);
    }

    @Test
    void fullDensityWithNormalizeIsTies() {
        // same as TiesMergeTest.fullDensityIsSignElectionWithoutTrim: [3, 2.5, −2, −1.25, 2.25]
        assertClose(method().merge(fullDensity().optGlobalParameter("normalize", 1).build()),
                new double[] {3, 2.5, -2, -1.25, 2.25}, 1e-6);
    }

    @Test
    void signElectionSeesRescaledSurvivors() {
        // Two models, base 0, τ1 = [1, 1, 1, 1] at density 0.5 (survivors become 2 with the paper's 1/density
        // rescale), τ2 = [−1.5] * 4 at density 1.
        // Where τ1 survives: Σ = 2 − 1.5 = 0.5 > 0 → + wins → θ = 2 (normalize 0).
        // Where τ1 is dropped: Σ = −1.5 → − wins → θ = −1.5.
        float[] ones = {1, 1, 1, 1};
        float[] minus = {-1.5f, -1.5f, -1.5f, -1.5f};
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(ones, minus)
                .optBase(new float[4]).optSeed(1)
                .optPerModelParameters(List.of(Map.of("density", 0.5), Map.of("density", 1.0)))
                .optGlobalParameter("rescale", Rescale.INVERSE_DENSITY.code()).build();
        float[] merged = method().merge(request);
        for (float value : merged) {
            org.assertj.core.api.Assertions.assertThat(value).isIn(2.0f, -1.5f);
        }
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("density", 0.3, "weight", 0.7), Map.of("density", 1.0),
                        Map.of("density", 0.6, "weight", 1.2)), Map.of()),
                new RangeCase(List.of(Map.of("density", 0.5), Map.of("density", 0.2), Map.of("density", 0.9)),
                        Map.of("rescale", Rescale.INVERSE_DENSITY.code(), "normalize", 1.0)),
                new RangeCase(List.of(Map.of("density", 0.5), Map.of("density", 0.8), Map.of("density", 0.4)),
                        Map.of("rescale", Rescale.NONE.code(), "lambda", 0.8)));
    }
}
