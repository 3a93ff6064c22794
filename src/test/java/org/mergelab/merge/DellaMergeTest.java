package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class DellaMergeTest extends SeededMergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("della");
    }

    /**
     * DELLA in ranges of whole rows: rows of 3 (many per range), of 45131 and 70000 (one or two per range, the
     * latter longer than a chunk), slices [7, 1001] of a three-dimensional tensor (lines along axis 1 with 1001
     * inner entries), and a one-dimensional tensor (one range); the L1 rescale (a scan), 1/p and none, with one
     * model at density 1 (no draws).
     */
    static List<RangeCase> dellaRangeCases() {
        List<Map<String, Double>> sampled = List.of(Map.of("density", 0.3, "epsilon", 0.1, "weight", 0.7),
                Map.of("density", 0.6, "epsilon", 0.2), Map.of("density", 0.5, "epsilon", 0.15, "weight", 1.2));
        List<Map<String, Double>> oneDense = List.of(Map.of("density", 0.4, "epsilon", 0.2), Map.of("density", 1.0),
                Map.of("density", 0.7, "epsilon", 0.2));
        return List.of(new RangeCase(sampled, Map.of(), new long[] {45131, 3}),
                new RangeCase(sampled, Map.of(), new long[] {3, 45131}),
                new RangeCase(sampled, Map.of("normalize", 0.0), new long[] {2, 70000}),
                new RangeCase(oneDense, Map.of("rescale", Rescale.INVERSE_DENSITY.code()), new long[] {30, 7, 1001}),
                new RangeCase(oneDense, Map.of("rescale", Rescale.NONE.code()), new long[] {45131, 3}),
                new RangeCase(oneDense, Map.of("rescale", Rescale.L1.code())));
    }

    @Override
    List<RangeCase> rangeCases() {
        return dellaRangeCases();
    }

    /** A stream that hands out {@code draws} in order: a draw of 0 keeps an entry, one of 1 − 2⁻⁵³ drops it. */
    static RandomGenerator replay(double... draws) {
        return new RandomGenerator() {
            private int next;

            @Override
            public double nextDouble() {
                return draws[next++];
            }

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("della draws doubles only");
            }
        };
    }

    /** Draws that keep the entries where {@code keep} is 1 and drop the others, whatever their probability. */
    static RandomGenerator mask(double... keep) {
        double[] draws = new double[keep.length];
        for (int j = 0; j < keep.length; j++) {
            draws[j] = keep[j] == 1.0 ? 0.0 : Math.nextDown(1.0);
        }
        return replay(draws);
    }

    private static double[] probabilities(double[] tau, long[] shape, double density, double epsilon) {
        return Sparsification.keepProbabilities(tau, shape, density, epsilon);
    }

    @Test
    void keepProbabilitiesRiseLinearlyWithTheMagnitudeRankWithinEachRow() {
        // density 0.5, epsilon 0.1: a row of 3 gets 0.4, 0.5, 0.6 by ascending |τ|
        // row 0 |τ| = 0.1, 0.5, 0.3 → ranks 0, 2, 1; row 1 |τ| = 2, 1, 0 → ranks 2, 1, 0
        double[] tau = {0.1, -0.5, 0.3, 2, -1, 0};
        assertThat(probabilities(tau, new long[] {2, 3}, 0.5, 0.1))
                .containsExactly(new double[] {0.4, 0.6, 0.5, 0.6, 0.5, 0.4}, within(1e-15));
        // one-dimensional: one line of 6, ranks 1, 3, 2, 5, 4, 0 → 0.4 + r/5 · 0.2
        assertThat(probabilities(tau, new long[] {6}, 0.5, 0.1))
                .containsExactly(new double[] {0.44, 0.52, 0.48, 0.6, 0.56, 0.4}, within(1e-15));
    }

    @Test
    void keepProbabilitiesFollowAxisOneOfAThreeDimensionalTensor() {
        // shape [2, 2, 2]: lines along axis 1 are the pairs (0, 2), (1, 3), (4, 6), (5, 7)
        double[] tau = {1, -3, 2, 0.5, -4, 1, 3, -2};
        // pairs: (1, 2) → 0.3, 0.7; (−3, 0.5) → 0.7, 0.3; (−4, 3) → 0.7, 0.3; (1, −2) → 0.3, 0.7
        assertThat(probabilities(tau, new long[] {2, 2, 2}, 0.5, 0.2))
                .containsExactly(new double[] {0.3, 0.7, 0.7, 0.3, 0.7, 0.3, 0.3, 0.7}, within(1e-15));
    }

    @Test
    void equalMagnitudesRankTheLowerIndexHigherAndALineOfOneGetsTheDensity() {
        assertThat(probabilities(new double[] {-1, 1, 1}, new long[] {3}, 0.5, 0.1))
                .containsExactly(new double[] {0.6, 0.5, 0.4}, within(1e-15));
        assertThat(probabilities(new double[] {5, -7}, new long[] {2, 1}, 0.3, 0.1))
                .containsExactly(new double[] {0.3, 0.3}, within(0.0));
        assertThat(probabilities(new double[] {5}, new long[] {}, 0.3, 0.1)).containsExactly(0.3);
    }

    @Test
    void theRequestsShapeDecidesTheLinesRankedTogether() {
        // draws all 0.55: kept where p > 0.55. Rows of [2, 3] (p as above): entries 1 and 3;
        // one line of 6: p = 0.44, 0.52, 0.48, 0.6, 0.56, 0.4, entries 3 and 4. One model, base 0, rescale false.
        float[] model = {0.1f, -0.5f, 0.3f, 2, -1, 0};
        MergeRequest.Builder request = MergeRequest.builder().setTensorName("w").setModels(model)
                .optBase(new float[6]).optPerModelParameters(List.of(Map.of("density", 0.5, "epsilon", 0.1)))
                .optGlobalParameter("rescale", Rescale.NONE.code());
        TaskVectorFamilyMethod della = (TaskVectorFamilyMethod) method();
        double[] same = {0.55, 0.55, 0.55, 0.55, 0.55, 0.55};
        assertClose(della.mergeDrawingFrom(request.optShape(new long[] {2, 3}).build(), List.of(replay(same))),
                new double[] {0, -0.5, 0, 2, 0, 0}, 1e-7);
        assertClose(della.mergeDrawingFrom(request.optShape(new long[] {6}).build(), List.of(replay(same))),
                new double[] {0, 0, 0, 2, -1, 0}, 1e-7);
    }

    @Test
    void survivorsKeepTheTaskVectorsL1NormByDefaultOrAreDividedByTheirProbabilityWithThePapersRule() {
        // τ = [1, −2, 3, −4], keep entries 0 and 2. L1: ‖τ‖₁ = 10, kept 4 → × 2.5 = [2.5, 0, 7.5, 0].
        // inverse_density, density 0.5, epsilon 0.1: p = 0.4, 0.4667, 0.5333, 0.6 → [1/0.4, 0, 3/0.5333…, 0]
        MergeRequest.Builder request = MergeRequest.builder().setTensorName("w").setModels(new float[] {1, -2, 3, -4})
                .optBase(new float[4]).optPerModelParameters(List.of(Map.of("density", 0.5, "epsilon", 0.1)));
        TaskVectorFamilyMethod della = (TaskVectorFamilyMethod) method();
        assertClose(della.mergeDrawingFrom(request.build(), List.of(mask(1, 0, 1, 0))),
                new double[] {2.5, 0, 7.5, 0}, 1e-6);
        assertClose(della.mergeDrawingFrom(request.optGlobalParameter("rescale", Rescale.INVERSE_DENSITY.code())
                .build(), List.of(mask(1, 0, 1, 0))), new double[] {2.5, 0, 5.625, 0}, 1e-6);
    }

    @Test
    void fullDensityDropsNothingAndIsTies() {
        // density 1 (the default): no draw, no rescale; normalize defaults to true, so this is
        // TiesMergeTest.fullDensityIsSignElectionWithoutTrim: [3, 2.5, −2, −1.25, 2.25]
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(TiesMergeTest.MODELS)
                .optBase(TiesMergeTest.BASE).optSeed(3).build();
        assertClose(method().merge(request), new double[] {3, 2.5, -2, -1.25, 2.25}, 1e-6);
    }

    @Test
    void signElectionSeesTheSampledTaskVectors() {
        // base 1, τ as TiesMergeTest. Masks: τ1 keeps [1, 1, 0, 0, 1], τ2 [1, 0, 1, 1, 0], τ3 [0, 1, 1, 1, 1];
        // rescale false, normalize true (disjoint mean):
        //   τ1' = [3, −1, 0, 0, 2], τ2' = [−2, 0, −3, 1, 0], τ3' = [0, 2, 1, −0.5, −1]
        //   Σ = [1, 1, −2, 0.5, 1] → signs [+, +, −, +, +]
        //   e0 {3} → 3; e1 {2} → 2; e2 {−3} → −3; e3 {1} → 1; e4 {2} → 2;  θ = 1 + that
        List<Map<String, Double>> perModel = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            perModel.add(Map.of("density", 0.5));
        }
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(TiesMergeTest.MODELS)
                .optBase(TiesMergeTest.BASE).optPerModelParameters(perModel)
                .optGlobalParameter("rescale", Rescale.NONE.code()).build();
        float[] merged = ((TaskVectorFamilyMethod) method()).mergeDrawingFrom(request,
                List.of(mask(1, 1, 0, 0, 1), mask(1, 0, 1, 1, 0), mask(0, 1, 1, 1, 1)));
        assertClose(merged, new double[] {4, 3, -2, 2, 3}, 1e-6);
    }

    @Test
    void densityAndEpsilonMustKeepEveryProbabilityInsideZeroAndOne() {
        MergeRequest.Builder request = MergeRequest.builder().setTensorName("layers.0.mlp.up_proj.weight")
                .setModels(new float[] {1, 2}, new float[] {3, 4}).optBase(new float[2]);
        assertThatThrownBy(() -> method().merge(request.optPerModelParameters(
                        List.of(Map.of("density", 0.5), Map.of("density", 0.9))).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'layers.0.mlp.up_proj.weight'").hasMessageContaining("model 1")
                .hasMessageContaining("density 0.9").hasMessageContaining("epsilon 0.15");
        assertThatThrownBy(() -> method().merge(request.optPerModelParameters(
                        List.of(Map.of("density", 0.1, "epsilon", 0.1), Map.of())).build()))
                .hasMessageContaining("model 0").hasMessageContaining("density - epsilon > 0");
    }

    @Test
    void eachEntrySurvivesWithItsProbabilityAndThePapersRuleIsUnbiased() {
        // τ of 4 entries, density 0.5, epsilon 0.2 → p = 0.3, 0.4333, 0.5667, 0.7 by ascending |τ|.
        // Over S seeds the survival fraction of entry j has sd √(p(1−p)/S), the mean of τ'_j (inverse_density)
        // sd |τ_j| √((1−p)/p) / √S. Allow 5 sd.
        float[] tau = {0.25f, -2, 1, -0.5f};
        double[] p = {0.3, 0.7, 0.3 + 0.4 * 2 / 3, 0.3 + 0.4 / 3};
        int seeds = 20_000;
        double[] sum = new double[4];
        int[] survivors = new int[4];
        for (long seed = 0; seed < seeds; seed++) {
            float[] merged = method().merge(MergeRequest.builder().setTensorName("w").setModels(tau)
                    .optBase(new float[4]).optSeed(seed)
                    .optPerModelParameters(List.of(Map.of("density", 0.5, "epsilon", 0.2)))
                    .optGlobalParameter("rescale", Rescale.INVERSE_DENSITY.code()).build());
            for (int j = 0; j < 4; j++) {
                sum[j] += merged[j];
                survivors[j] += merged[j] != 0 ? 1 : 0;
                if (merged[j] != 0) {
                    assertThat((double) merged[j]).isCloseTo(tau[j] / p[j], within(1e-6));
                }
            }
        }
        for (int j = 0; j < 4; j++) {
            assertThat((double) survivors[j] / seeds).as("survival of %d", j)
                    .isCloseTo(p[j], within(5 * Math.sqrt(p[j] * (1 - p[j]) / seeds)));
            double sdOfMean = Math.abs(tau[j]) * Math.sqrt((1 - p[j]) / p[j]) / Math.sqrt(seeds);
            assertThat(sum[j] / seeds).as("mean of τ'_%d", j).isCloseTo(tau[j], within(5 * sdOfMean));
        }
    }

    @Test
    void withATinyEpsilonTheMasksAreDaresForTheSameSeed() {
        // the same stream and draws as DARE; probabilities within 2e-12 of density give the same mask
        float[] tau = MergeMethodContractTest.randomTensor(new SplittableRandom(41), 1000);
        MergeRequest.Builder request = MergeRequest.builder().setTensorName("blocks.1.attn.weight").setModels(tau)
                .optBase(new float[1000]).optSeed(17).optGlobalParameter("normalize", 0);
        float[] della = method().merge(request.optPerModelParameters(
                List.of(Map.of("density", 0.4, "epsilon", 1e-12))).build());
        float[] dare = MergeMethods.byName("dare_ties").merge(request.optPerModelParameters(
                List.of(Map.of("density", 0.4))).build());
        assertThat(della).containsExactly(dare);
    }
}
