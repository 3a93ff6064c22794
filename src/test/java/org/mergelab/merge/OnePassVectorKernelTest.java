package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel of the one-pass task-vector merge ({@link OnePassVectorKernel}) gives the bits of the scalar
 * loop ({@link OnePassRange#scalar}) it stands for: both consensus rules, normalize on and off, magnitude windows cut
 * from the data with many magnitudes tied at the thresholds, random drops with every rescale, 1 to 5 models, lengths
 * that are not multiples of the vector width or of the draw block, and inputs with zeros, negative zeros and entries
 * equal to the base. The tie counters and the random generators must end where the scalar loop leaves them.
 */
class OnePassVectorKernelTest {

    @Test
    void theVectorKernelGivesTheScalarLoopsBits() {
        assertThat(OnePassRange.VECTOR).as("the tests run with the Vector API module (see test.argLine)").isTrue();
        SplittableRandom random = new SplittableRandom(20261202L);
        int vectorGroups = 0;
        for (int trial = 0; trial < 300; trial++) {
            int models = 1 + trial % 5;
            int n = trial % 10 == 0 ? random.nextInt(1, 8) : random.nextInt(1, 3 * OnePassVectorKernel.DRAW_BLOCK);
            int kind = trial % 3; // 0: no mask (task arithmetic), 1: magnitude windows, 2: random drops
            boolean coarse = trial % 2 == 0; // a grid of 9 values: magnitudes tie at the cuts
            float[] base = values(random, n, coarse);
            float[][] inputs = new float[models][];
            for (int i = 0; i < models; i++) {
                inputs[i] = values(random, n, coarse);
                for (int j = 0; j < n; j += 1 + random.nextInt(50)) {
                    inputs[i][j] = base[j]; // a zero task-vector entry
                }
            }
            double[] weights = new double[models];
            double[] factor = new double[models];
            double[] densities = new double[models];
            double[] inverseDensity = new double[models];
            boolean[] draws = new boolean[models];
            for (int i = 0; i < models; i++) {
                weights[i] = trial % 7 == 0 ? 1.0 : random.nextDouble(-0.5, 1.5);
                factor[i] = trial % 4 == 0 ? 1.0 : random.nextDouble(0.5, 4.0);
                densities[i] = random.nextDouble(0.05, 1.0);
                inverseDensity[i] = 1.0 / densities[i];
                draws[i] = kind == 2 && (models == 1 || i != 1); // model 1 of several keeps every entry
            }
            Consensus consensus = trial % 4 < 2 ? Consensus.SIGN_ELECTION : Consensus.SUM;
            boolean normalize = trial % 5 < 3;
            double sumDivisor = Consensus.sumDivisor(weights);
            double lambda = trial % 3 == 0 ? 1.0 : random.nextDouble(0.2, 2.0);
            boolean inverseRescale = trial % 2 == 1;
            long seed = random.nextLong();
            double windowFrom = random.nextDouble(0.0, 0.3);
            double windowTo = windowFrom + random.nextDouble(0.0, 0.7);

            Run scalar = new Run(base, inputs, consensus, normalize, sumDivisor, lambda, weights, factor, draws,
                    densities, inverseDensity, inverseRescale, kind == 1, windowFrom, windowTo, seed);
            Run vector = new Run(base, inputs, consensus, normalize, sumDivisor, lambda, weights, factor, draws,
                    densities, inverseDensity, inverseRescale, kind == 1, windowFrom, windowTo, seed);
            scalar.range.scalar(0, n, null, 0);
            OnePassVectorKernel.merge(vector.range);
            String what = String.format("trial %d: %d models, %d elements, kind %d, %s, normalize %s", trial, models,
                    n, kind, consensus, normalize);
            assertThat(MergeMethodContractTest.bits(vector.range.out)).as(what)
                    .containsExactly(MergeMethodContractTest.bits(scalar.range.out));
            for (int i = 0; i < models; i++) {
                assertThat(vector.range.generators[i].nextLong()).as("%s: model %d's generator after", what, i)
                        .isEqualTo(scalar.range.generators[i].nextLong());
                if (kind == 1) {
                    assertThat(vector.range.windows[i].keeps(0.5f)).as("%s: model %d's window after", what, i)
                            .isEqualTo(scalar.range.windows[i].keeps(0.5f));
                }
            }
            vectorGroups += n / OnePassVectorKernel.lanes();
        }
        assertThat(vectorGroups).as("element groups a vector wide").isGreaterThan(10_000);
    }

    /** One range set up from the same inputs, with its own windows (tie counters) and generators. */
    private static final class Run {
        final OnePassRange range;

        Run(float[] base, float[][] inputs, Consensus consensus, boolean normalize, double sumDivisor, double lambda,
                double[] weights, double[] factor, boolean[] draws, double[] densities, double[] inverseDensity,
                boolean inverseRescale, boolean cut, double windowFrom, double windowTo, long seed) {
            int models = inputs.length;
            int n = base.length;
            MagnitudeRanking.Window[] windows = null;
            if (cut) {
                windows = new MagnitudeRanking.Window[models];
                for (int i = 0; i < models; i++) {
                    float[] magnitudes = new float[n];
                    for (int j = 0; j < n; j++) {
                        magnitudes[j] = MagnitudeRanking.magnitude((double) inputs[i][j] - base[j]);
                    }
                    int[] histogram = new int[MagnitudeRanking.BINS];
                    MagnitudeRanking.addHighBits(magnitudes, histogram);
                    // model 0 keeps everything up to its cut; the others a window between two cuts
                    long from = i == 0 ? 0 : (long) (windowFrom * n);
                    long to = i == models - 1 && models > 1 ? n : (long) (windowTo * n);
                    windows[i] = new MagnitudeRanking.Window(
                            MagnitudeRanking.RankCut.of(from, histogram, List.of(magnitudes)),
                            MagnitudeRanking.RankCut.of(to, histogram, List.of(magnitudes)), 0);
                }
            }
            RandomGenerator[] generators = new RandomGenerator[models];
            SplitMixStream streams = new SplitMixStream(seed);
            for (int i = 0; i < models; i++) {
                generators[i] = streams.split();
            }
            range = new OnePassRange(base, inputs, new float[n], consensus, normalize, sumDivisor, lambda, weights,
                    factor, draws, densities, inverseDensity, inverseRescale, windows, generators);
        }
    }

    private static float[] values(SplittableRandom random, int n, boolean coarse) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = coarse ? (random.nextInt(9) - 4) * 0.25f : (float) random.nextGaussian();
            if (random.nextInt(100) == 0) {
                v[j] = random.nextBoolean() ? 0.0f : -0.0f;
            }
        }
        return v;
    }
}
