package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DareLinearMergeTest extends SeededMergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("dare_linear");
    }

    private static MergeRequest.Builder single(float[] model, float[] base, double density, long seed) {
        return MergeRequest.builder().setTensorName("w").setModels(model).optBase(base).optSeed(seed)
                .optPerModelParameters(List.of(Map.of("density", density)));
    }

    /** The DARE paper's rescale, a named option since mergelab follows mergekit's L1 rule by default. */
    private static MergeRequest.Builder paperRescale(float[] model, float[] base, double density, long seed) {
        return single(model, base, density, seed).optGlobalParameter("rescale", Rescale.INVERSE_DENSITY.code());
    }

    @Test
    void fullDensityIsTaskArithmetic() {
        // density 1: nothing dropped, survivors scaled by 1/1; same as TaskArithmeticMergeTest:
        // 1 + 2·(1·[1, −1, 0, 2] + 0.5·[0, 2, −1, 0]) = [3, 1, 0, 5]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 0, 1, 3}, new float[] {1, 3, 0, 1})
                .optBase(new float[] {1, 1, 1, 1})
                .optPerModelParameters(List.of(Map.of("weight", 1.0, "density", 1.0),
                        Map.of("weight", 0.5, "density", 1.0)))
                .optGlobalParameter("lambda", 2.0).build();
        assertClose(method().merge(request), new double[] {3, 1, 0, 5}, 1e-7);
    }

    @Test
    void byDefaultTheSurvivorsAreScaledToKeepTheTaskVectorsL1Norm() {
        // mergekit's rescale (issue 11 item 1): τ' = m ⊙ τ · ‖τ‖₁ / ‖m ⊙ τ‖₁, one factor for the whole tensor
        float[] tau = MergeMethodContractTest.randomTensor(new SplittableRandom(31), 500);
        float[] merged = method().merge(single(tau, new float[500], 0.3, 9).build());
        double l1Before = 0.0;
        double l1After = 0.0;
        double keptBefore = 0.0;
        for (int j = 0; j < tau.length; j++) {
            l1Before += Math.abs(tau[j]);
            l1After += Math.abs(merged[j]);
            keptBefore += merged[j] != 0 ? Math.abs(tau[j]) : 0.0;
        }
        assertThat(l1After).isCloseTo(l1Before, within(1e-4));
        double factor = l1Before / keptBefore;
        for (int j = 0; j < tau.length; j++) {
            if (merged[j] != 0) {
                assertThat((double) merged[j]).isCloseTo(tau[j] * factor, within(1e-6));
            }
        }
    }

    @Test
    void eachEntryIsDroppedOrRescaledByOneOverDensityWithThePapersRule() {
        // base = [1, 2, 3, 4, 5, 6], τ = [0.5, −1, 2, 0.25, −3, 1]; density 0.5:
        // each θ_j is base_j (dropped) or base_j + τ_j / 0.5 = base_j + 2 τ_j (kept)
        float[] base = {1, 2, 3, 4, 5, 6};
        float[] model = {1.5f, 1, 5, 4.25f, 2, 7};
        double[] kept = {2, 0, 7, 4.5, -1, 8};
        boolean sawDrop = false;
        boolean sawKeep = false;
        for (long seed = 0; seed < 20; seed++) {
            float[] merged = method().merge(paperRescale(model, base, 0.5, seed).build());
            for (int j = 0; j < base.length; j++) {
                assertThat((double) merged[j]).isIn((double) base[j], kept[j]);
                sawDrop |= merged[j] == base[j];
                sawKeep |= merged[j] != base[j];
            }
        }
        assertThat(sawDrop).isTrue();
        assertThat(sawKeep).isTrue();
    }

    @Test
    void withoutRescaleSurvivorsKeepTheirValue() {
        // rescale = 0: each θ_j is base_j or base_j + τ_j = model_j
        float[] base = {1, 2, 3, 4, 5, 6};
        float[] model = {1.5f, 1, 5, 4.25f, 2, 7};
        float[] merged = method().merge(single(model, base, 0.5, 3).optGlobalParameter("rescale", 0).build());
        for (int j = 0; j < base.length; j++) {
            assertThat(merged[j]).isIn(base[j], model[j]);
        }
    }

    @Test
    void survivorsRescaledByThePapersRuleAreUnbiasedPerEntryOverSeeds() {
        // E[τ'_j] = τ_j; over S seeds the mean of τ'_j has standard deviation |τ_j| √((1−p)/p) / √S.
        // Allow 5 standard deviations. The survivor fraction has sd √(p(1−p)/S).
        double p = 0.3;
        int seeds = 20_000;
        float[] tau = {0.5f, -1, 2, 0.25f};
        float[] base = new float[tau.length];
        double[] sum = new double[tau.length];
        int[] survivors = new int[tau.length];
        for (long seed = 0; seed < seeds; seed++) {
            float[] merged = method().merge(paperRescale(tau, base, p, seed).build());
            for (int j = 0; j < tau.length; j++) {
                sum[j] += merged[j];
                survivors[j] += merged[j] != 0 ? 1 : 0;
            }
        }
        for (int j = 0; j < tau.length; j++) {
            double sdOfMean = Math.abs(tau[j]) * Math.sqrt((1 - p) / p) / Math.sqrt(seeds);
            assertThat(sum[j] / seeds).as("mean of τ'_%d", j).isCloseTo(tau[j], within(5 * sdOfMean));
            double sdOfFraction = Math.sqrt(p * (1 - p) / seeds);
            assertThat((double) survivors[j] / seeds).as("survival of %d", j).isCloseTo(p, within(5 * sdOfFraction));
        }
    }

    @Test
    void onALargeTensorTheSurvivorFractionIsDensityAndThePapersRuleIsUnbiased() {
        // n entries, τ_j uniform in [−1, 1]. Kept count ~ Binomial(n, p): sd √(n p (1−p)).
        // Σ_j (τ'_j − τ_j) has mean 0 and variance Σ_j τ_j² (1−p)/p. Allow 5 sd each.
        int n = 200_000;
        double p = 0.3;
        float[] tau = MergeMethodContractTest.randomTensor(new SplittableRandom(77), n);
        float[] merged = method().merge(paperRescale(tau, new float[n], p, 42).build());
        int kept = 0;
        double error = 0.0;
        double variance = 0.0;
        for (int j = 0; j < n; j++) {
            kept += merged[j] != 0 ? 1 : 0;
            error += merged[j] - (double) tau[j];
            variance += (double) tau[j] * tau[j] * (1 - p) / p;
            if (merged[j] != 0) {
                assertThat((double) merged[j]).isCloseTo(tau[j] / p, within(1e-6));
            }
        }
        assertThat((double) kept).isCloseTo(n * p, within(5 * Math.sqrt(n * p * (1 - p))));
        assertThat(error).isCloseTo(0.0, within(5 * Math.sqrt(variance)));
    }

    @Test
    void dareTiesDropsTheSameEntriesForTheSameSeed() {
        float[] tau = MergeMethodContractTest.randomTensor(new SplittableRandom(5), 100);
        float[] base = new float[100];
        float[] linear = method().merge(single(tau, base, 0.4, 8).build());
        float[] ties = MergeMethods.byName("dare_ties").merge(single(tau, base, 0.4, 8).build());
        // one model: every kept entry agrees with its own sign, so the results coincide
        assertArrayEquals(linear, ties);
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
