package org.mergelab.merge;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link OnePassRange#scalar} written with the JDK's Vector API: as many elements at once as a vector holds float64
 * lanes (8 with AVX-512, 4 with AVX2), without the branches (a kept or dropped entry, an agreeing sign) that the
 * scalar loop mispredicts on every other element of real task vectors.
 *
 * <p>The bits are the scalar loop's at every vector width: every operation is element by element and IEEE-exact in
 * both (float to double, subtraction, |x| rounded to float, comparisons, products and sums in model order from +0.0,
 * a quotient, a double rounded to float), a dropped entry becomes +0.0 as in the scalar loop, and a sum over the
 * models that skips non-agreeing entries is a masked addition. Two things stay scalar: an element group in which some
 * model's magnitude equals a cut's threshold (the tie is broken by counting, in index order, in the scalar loop, which
 * then takes the whole group), and the tail of a range shorter than a vector. Random draws are drawn ahead, block by
 * block, from each model's generator in index order, so each generator gives the same numbers to the same elements.
 * {@code OnePassVectorKernelTest} and {@code OnePassVectorWidthTest} check the bits.
 *
 * <p>Only {@link OnePassRange} refers to this class, and only when the JVM has the module {@code jdk.incubator.vector}.
 */
final class OnePassVectorKernel {

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** As many float lanes as {@link #DOUBLES} has, in half the bits. */
    private static final VectorSpecies<Float> FLOATS = DOUBLES.vectorBitSize() >= 128
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2))
            : null;
    /** Elements whose random draws are drawn ahead at a time. */
    static final int DRAW_BLOCK = 2048;

    private OnePassVectorKernel() {}

    /** Whether the preferred vectors hold two float64 lanes or more. */
    static boolean usable() {
        return FLOATS != null && FLOATS.length() == DOUBLES.length();
    }

    /** The vector lanes, for diagnostics and tests. */
    static int lanes() {
        return DOUBLES.length();
    }

    /** Merges {@code range} as {@link OnePassRange#scalar} merges it, a vector of elements at a time. */
    static void merge(OnePassRange range) {
        int n = range.out.length;
        int lanes = DOUBLES.length();
        boolean drawing = range.drawsAny();
        double[][] drawn = drawing ? new double[range.models][] : null;
        for (int i = 0; drawing && i < range.models; i++) {
            drawn[i] = range.draws[i] ? new double[Math.min(n, DRAW_BLOCK)] : null;
        }
        double[] entries = new double[range.models * lanes];
        int block = drawing ? DRAW_BLOCK : Math.max(n, 1);
        for (int from = 0; from < n; from += block) {
            int to = Math.min(n, from + block);
            for (int i = 0; drawing && i < range.models; i++) {
                if (range.draws[i]) {
                    RandomGenerator generator = range.generators[i];
                    double[] draws = drawn[i];
                    for (int j = from; j < to; j++) {
                        draws[j - from] = generator.nextDouble();
                    }
                }
            }
            int upper = from + (to - from) / lanes * lanes;
            int j = from;
            for (; j < upper; j += lanes) {
                if (!mergeLanes(range, j, drawn, from, entries)) {
                    range.scalar(j, j + lanes, drawn, from);
                }
            }
            range.scalar(j, to, drawn, from);
        }
    }

    /**
     * Merges elements {@code [j, j + lanes)}; false, with nothing written and no state changed, when a model's
     * magnitude equals one of its cuts' thresholds in one of them (the scalar loop then merges them).
     */
    private static boolean mergeLanes(OnePassRange range, int j, double[][] drawn, int drawnFrom, double[] entries) {
        int lanes = DOUBLES.length();
        DoubleVector zero = DoubleVector.zero(DOUBLES);
        DoubleVector base = widen(range.base, j);
        DoubleVector total = zero;
        boolean election = range.consensus == Consensus.SIGN_ELECTION;
        for (int i = 0; i < range.models; i++) {
            DoubleVector t = widen(range.inputs[i], j).sub(base);
            if (range.draws[i]) {
                VectorMask<Double> keep = DoubleVector.fromArray(DOUBLES, drawn[i], j - drawnFrom)
                        .compare(VectorOperators.LT, range.densities[i]);
                if (range.inverseDensityRescale) {
                    t = t.mul(range.inverseDensity[i]);
                }
                t = zero.blend(t, keep);
            } else if (range.windows != null) {
                MagnitudeRanking.Window window = range.windows[i];
                FloatVector magnitude = (FloatVector) t.abs().convertShape(VectorOperators.D2F, FLOATS, 0);
                if (ties(window.to(), magnitude) || ties(window.from(), magnitude)) {
                    return false;
                }
                VectorMask<Float> keep = below(window.to(), magnitude).andNot(below(window.from(), magnitude));
                t = zero.blend(t, keep.cast(DOUBLES));
            }
            DoubleVector entry = t.mul(range.factor[i]).mul(range.weights[i]);
            total = total.add(entry);
            if (election) {
                entry.intoArray(entries, i * lanes);
            }
        }
        DoubleVector combined;
        if (!election) {
            combined = range.normalize ? total.div(range.sumDivisor) : total;
        } else {
            VectorMask<Double> positive = total.compare(VectorOperators.GE, 0.0);
            DoubleVector agreeing = zero;
            DoubleVector divisor = zero;
            for (int i = 0; i < range.models; i++) {
                DoubleVector entry = DoubleVector.fromArray(DOUBLES, entries, i * lanes);
                VectorMask<Double> agrees = entry.compare(VectorOperators.GT, 0.0).and(positive)
                        .or(entry.compare(VectorOperators.LT, 0.0).andNot(positive));
                agreeing = agreeing.add(entry, agrees);
                divisor = divisor.add(range.weights[i], agrees);
            }
            combined = range.normalize
                    ? agreeing.blend(agreeing.div(divisor), divisor.compare(VectorOperators.NE, 0.0))
                    : agreeing;
        }
        ((FloatVector) base.add(combined.mul(range.lambda)).convertShape(VectorOperators.D2F, FLOATS, 0))
                .intoArray(range.out, j);
        return true;
    }

    /** Elements {@code [j, j + lanes)} of {@code values} as float64. */
    private static DoubleVector widen(float[] values, int j) {
        return (DoubleVector) FloatVector.fromArray(FLOATS, values, j).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * Whether a magnitude equals {@code cut}'s threshold: whether that one is below the cut depends on how many equal
     * ones precede it, which the scalar loop counts. (Asked apart from {@link #below}, whose masks are never null: a
     * first version returned a null mask for a tie, and C2 of JDK 25.0.3 compiled that into code that stopped the JVM
     * with an internal error.)
     */
    private static boolean ties(MagnitudeRanking.RankCut cut, FloatVector magnitude) {
        return !cut.all() && !cut.none() && magnitude.compare(VectorOperators.EQ, cut.threshold()).anyTrue();
    }

    /** Which magnitudes are below {@code cut} (above its threshold), none being equal to it ({@link #ties}). */
    private static VectorMask<Float> below(MagnitudeRanking.RankCut cut, FloatVector magnitude) {
        if (cut.all()) {
            return FLOATS.maskAll(true);
        }
        if (cut.none()) {
            return FLOATS.maskAll(false);
        }
        return magnitude.compare(VectorOperators.GT, cut.threshold());
    }

    /**
     * Runs the kernel on small ranges of every kind (plain sum and sign election, normalized or not, magnitude cuts
     * with and without ties at the threshold, random drops with either rescale) until each call is fast, i.e. the JIT
     * has compiled it: at most a few seconds, whatever happens.
     */
    static void warmUp() {
        int n = 512;
        SplittableRandom random = new SplittableRandom(1);
        float[] base = new float[n];
        float[][] inputs = new float[2][n];
        for (int j = 0; j < n; j++) {
            base[j] = (float) random.nextGaussian();
            inputs[0][j] = base[j] + (j % 97 == 0 ? 0.5f : (float) random.nextGaussian());
            inputs[1][j] = (float) random.nextGaussian();
        }
        MagnitudeRanking.RankCut all = new MagnitudeRanking.RankCut(false, true, 0f, 0, null);
        MagnitudeRanking.RankCut none = new MagnitudeRanking.RankCut(true, false, 0f, 0, null);
        MagnitudeRanking.RankCut cut = new MagnitudeRanking.RankCut(false, false, 0.5f, 3, new long[] {0});
        float[] out = new float[n];
        double[] ones = {1.0, 1.0};
        long deadline = System.nanoTime() + 5_000_000_000L;
        int fastInARow = 0;
        for (int call = 0; call < 100_000 && fastInARow < 200 && System.nanoTime() < deadline; call++) {
            long start = System.nanoTime();
            for (Consensus consensus : Consensus.values()) {
                boolean normalize = call % 2 == 0;
                MagnitudeRanking.Window[] windows = {new MagnitudeRanking.Window(none, cut, 0),
                    new MagnitudeRanking.Window(none, all, 0)};
                merge(new OnePassRange(base, inputs, out, consensus, normalize, 2.0, 1.0, ones,
                        new double[] {1.25, 1.0}, new boolean[2], ones, ones, false, windows, null));
                merge(new OnePassRange(base, inputs, out, consensus, normalize, 2.0, 0.5, new double[] {0.3, 0.7},
                        ones, new boolean[] {true, true}, new double[] {0.2, 0.9}, new double[] {5.0, 1 / 0.9},
                        call % 3 != 0, null, new RandomGenerator[] {new SplitMixStream(call),
                            new SplitMixStream(~call)}));
            }
            // compiled, the calls take a few microseconds; interpreted, milliseconds
            fastInARow = System.nanoTime() - start < 50_000 ? fastInARow + 1 : 0;
        }
    }
}
