package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task-vector methods that merge element by element in one pass (task arithmetic, and TIES and Breadcrumbs with
 * their magnitude cuts) give the bits of the array-by-array stages they replace, for every rescale, normalize on and
 * off, densities below and at 1, and inputs on a coarse grid so that many magnitudes tie at the cuts.
 */
class TaskVectorOnePassTest {

    @ParameterizedTest
    @ValueSource(strings = {"task_arithmetic", "ties", "breadcrumbs", "breadcrumbs_ties"})
    void theOnePassMergeGivesTheStagesBits(String name) {
        TaskVectorFamilyMethod method = (TaskVectorFamilyMethod) MergeMethods.byName(name);
        SplittableRandom random = new SplittableRandom(20261202L);
        int checked = 0;
        for (int trial = 0; trial < 60; trial++) {
            int models = 1 + trial % 4;
            int n = 1 + random.nextInt(3000);
            boolean coarse = trial % 2 == 0; // a grid of 9 values: ties in magnitude everywhere
            float[] base = values(random, n, coarse);
            List<float[]> inputs = new ArrayList<>();
            List<Map<String, Double>> perModel = new ArrayList<>();
            for (int i = 0; i < models; i++) {
                inputs.add(values(random, n, coarse));
                perModel.add(perModelParameters(method, random, trial));
            }
            MergeRequest.Builder request = MergeRequest.builder().setTensorName("layers." + trial + ".weight")
                    .setModels(inputs).optBase(base).optPerModelParameters(perModel)
                    .optGlobalParameter(MergeParameter.LAMBDA.key(), trial % 3 == 0 ? 1.0 : 0.5 + random.nextDouble())
                    .optGlobalParameter(MergeParameter.NORMALIZE.key(), trial % 5 < 2 ? 0.0 : 1.0);
            if (method.signature().global().containsKey(MergeParameter.RESCALE)) {
                request.optGlobalParameter(MergeParameter.RESCALE.key(), trial % 3);
            }
            MergeRequest built = request.build();
            float[] stages = method.mergeInStages(built);
            float[] onePass = method.merge(built);
            assertThat(floatBits(onePass)).as("%s, trial %d (%d models, %d elements)", name, trial, models, n)
                    .containsExactly(floatBits(stages));
            checked++;
        }
        assertThat(checked).isEqualTo(60);
    }

    /**
     * The scan a merge gets (checked against the method's signature) passes on what the family's scan allows: TIES'
     * cut passes on every worker, and DARE's masks drawn on the workers ({@code StatisticsScan.prepare}).
     */
    @org.junit.jupiter.api.Test
    void theCheckedScanKeepsTheFamilysConcurrencyAndPreparation() {
        int n = 3 * RangeMergeable.RANGE_ALIGNMENT;
        SplittableRandom random = new SplittableRandom(5);
        MergeRequest whole = MergeRequest.builder().setTensorName("w")
                .setModels(values(random, n, false), values(random, n, false)).optBase(values(random, n, false))
                .optPerModelParameters(List.of(Map.of(MergeParameter.DENSITY.key(), 0.3),
                        Map.of(MergeParameter.DENSITY.key(), 0.6)))
                .build();
        RangeMergeable ties = (RangeMergeable) MergeMethods.byName("ties");
        assertThat(ties.statisticsScan(whole, n).concurrentPass()).as("ties' first pass").isTrue();
        RangeMergeable dare = (RangeMergeable) MergeMethods.byName("dare_ties");
        RangeMergeable.StatisticsScan scan = dare.statisticsScan(whole, n);
        assertThat(scan.concurrentPass()).as("dare_ties' L1 pass sums in index order").isFalse();
        assertThat(scan.prepare(whole, 0)).as("dare_ties' masks, drawn on a worker").isInstanceOf(long[][].class);
    }

    private static Map<String, Double> perModelParameters(TaskVectorFamilyMethod method, SplittableRandom random,
            int trial) {
        Map<String, Double> p = new java.util.HashMap<>();
        p.put(MergeParameter.WEIGHT.key(), trial % 7 == 0 ? 1.0 : random.nextDouble(-0.5, 1.5));
        if (method.signature().perModel().containsKey(MergeParameter.DENSITY)) {
            p.put(MergeParameter.DENSITY.key(), trial % 6 == 0 ? 1.0 : 0.05 + 0.9 * random.nextDouble());
        }
        if (method.signature().perModel().containsKey(MergeParameter.GAMMA)) {
            p.put(MergeParameter.GAMMA.key(), 0.01 + 0.1 * random.nextDouble());
        }
        return p;
    }

    private static float[] values(SplittableRandom random, int n, boolean coarse) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = coarse ? (random.nextInt(9) - 4) * 0.25f : (float) random.nextGaussian();
        }
        return v;
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int j = 0; j < values.length; j++) {
            bits[j] = Float.floatToRawIntBits(values[j]);
        }
        return bits;
    }
}
