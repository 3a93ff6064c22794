package org.mergelab.merge;

import java.util.random.RandomGenerator;
import org.mergelab.checkpoint.ConversionKernels;
import org.mergelab.checkpoint.KernelWarmUp;

/**
 * One range of a task-vector merge that goes element by element in one pass (task arithmetic; TIES and Breadcrumbs
 * with their magnitude cuts; DARE's random drop), its parameters fixed. For every element j and model i, in this
 * order:
 *
 * <pre>
 *   t    = (double) x_i[j] − base[j]
 *   t    = 0 where model i's mask drops it: its random draw ≥ density_i (a kept entry times 1/density_i with the
 *          inverse-density rescale), or its magnitude outside its rank window
 *   e_i  = t · factor_i · w_i                     (factor: the rescale after the mask, 1 where there is none)
 *   out  = (float) (base[j] + λ · combine(e))     ({@link Consensus#combine})
 * </pre>
 *
 * {@link #merge} runs the Vector API kernel ({@link OnePassVectorKernel}) where the JVM has it and it is compiled,
 * else {@link #scalar}; both give the same bits (every operation is element by element, in the same order).
 */
final class OnePassRange {

    /** The kernel's warm-up (see {@link KernelWarmUp}); only touched when the JVM has the Vector API. */
    private static final class WarmUp {
        static final KernelWarmUp KERNEL = new KernelWarmUp("mergelab-vector-warm-up-task-vectors",
                OnePassVectorKernel::warmUp);
    }

    /** Whether this JVM can run the Vector API kernel at all (the module, not forced scalar, wide enough vectors). */
    static final boolean VECTOR = ConversionKernels.vector() && OnePassVectorKernel.usable();

    /** The kernel in use, for {@code mergelab doctor}: {@code vector, 8 float64 lanes} or {@code scalar}. */
    static String describe() {
        return VECTOR ? "vector, " + OnePassVectorKernel.lanes() + " float64 lanes" : "scalar";
    }

    final float[] base;
    final float[][] inputs;
    final float[] out;
    final int models;
    final Consensus consensus;
    final boolean normalize;
    final double sumDivisor;
    final double lambda;
    final double[] weights;
    final double[] factor;
    /** Per model: whether its entries are dropped at random (a draw each, in index order, from its generator). */
    final boolean[] draws;
    final double[] densities;
    final double[] inverseDensity;
    /** Whether a kept random draw is multiplied by 1/density (the inverse-density rescale). */
    final boolean inverseDensityRescale;
    /** Per model, its magnitude window, or null when no model is cut by magnitude. */
    final MagnitudeRanking.Window[] windows;
    final RandomGenerator[] generators;
    private final double[] entries;

    /**
     * A range to merge into {@code out} (as long as {@code base} and every input).
     *
     * @param weights the models' weights w_i
     * @param factor per model, the rescale after its mask (1 for none)
     * @param draws per model, whether its mask is drawn at random
     * @param densities per model, its density (read where it draws)
     * @param inverseDensity per model, 1/density (read where it draws with the inverse-density rescale)
     * @param windows per model, its magnitude window, or null for no magnitude cuts
     * @param generators per model, its random stream moved on to the range's first element (read where it draws)
     */
    OnePassRange(float[] base, float[][] inputs, float[] out, Consensus consensus, boolean normalize,
            double sumDivisor, double lambda, double[] weights, double[] factor, boolean[] draws, double[] densities,
            double[] inverseDensity, boolean inverseDensityRescale, MagnitudeRanking.Window[] windows,
            RandomGenerator[] generators) {
        this.base = base;
        this.inputs = inputs;
        this.out = out;
        this.models = inputs.length;
        this.consensus = consensus;
        this.normalize = normalize;
        this.sumDivisor = sumDivisor;
        this.lambda = lambda;
        this.weights = weights;
        this.factor = factor;
        this.draws = draws;
        this.densities = densities;
        this.inverseDensity = inverseDensity;
        this.inverseDensityRescale = inverseDensityRescale;
        this.windows = windows;
        this.generators = generators;
        this.entries = new double[models];
    }

    /** Merges the whole range: the Vector API kernel once it is compiled, the scalar loop until then or without it. */
    void merge() {
        if (VECTOR && WarmUp.KERNEL.ready(out.length)) {
            OnePassVectorKernel.merge(this);
        } else {
            scalar(0, out.length, null, 0);
        }
    }

    /** Whether any model's mask is drawn at random. */
    boolean drawsAny() {
        for (boolean d : draws) {
            if (d) {
                return true;
            }
        }
        return false;
    }

    /**
     * Merges elements {@code [from, to)} one by one. {@code drawn}: null to draw from the generators, else model i's
     * draw for element j is {@code drawn[i][j - drawnFrom]} (drawn ahead, in index order, by the vector kernel).
     */
    void scalar(int from, int to, double[][] drawn, int drawnFrom) {
        for (int j = from; j < to; j++) {
            for (int i = 0; i < models; i++) {
                double t = (double) inputs[i][j] - base[j];
                if (draws[i]) {
                    double draw = drawn == null ? generators[i].nextDouble() : drawn[i][j - drawnFrom];
                    t = !(draw < densities[i]) ? 0.0 : inverseDensityRescale ? t * inverseDensity[i] : t;
                } else if (windows != null && !windows[i].keeps(MagnitudeRanking.magnitude(t))) {
                    t = 0.0;
                }
                entries[i] = t * factor[i] * weights[i];
            }
            out[j] = (float) (base[j] + lambda * consensus.combine(entries, weights, normalize, sumDivisor));
        }
    }

    /**
     * Waits up to {@code limit} for the Vector API kernel to be compiled (starting its warm-up); true when
     * {@link #merge} runs it from now on. For tests and benchmarks.
     */
    static boolean warmUp(java.time.Duration limit) throws InterruptedException {
        return VECTOR && WarmUp.KERNEL.await(System.nanoTime() + limit.toNanos());
    }
}
