package org.mergelab.merge;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * How a task vector τ (length n) is made sparse before the models are combined; the first stage
 * of a {@link SparsifiedTaskVectorMerge}. Follows mergekit's {@code mergekit.sparsify}: counts are
 * {@code int(fraction · n)} ({@link MagnitudeRanking#count}), a density of 1 leaves τ unchanged
 * (nothing dropped, nothing rescaled), and the survivors are rescaled by the request's
 * {@link Rescale} rule.
 */
enum Sparsification {
    /** Keep τ as is (task arithmetic). */
    NONE,
    /**
     * TIES trim (Yadav et al. 2023; mergekit {@code magnitude}): keep the {@code k = int(density · n)}
     * entries of largest magnitude, zero the rest; ties in magnitude go to the lower index.
     */
    MAGNITUDE,
    /**
     * DARE (Yu et al. 2023; mergekit {@code bernoulli}): keep each entry independently with
     * probability {@code density}, zero it otherwise.
     */
    RANDOM,
    /**
     * Model Breadcrumbs (Davari &amp; Belilovsky 2023; mergekit {@code magnitude_outliers}): keep
     * {@code kept = int(density · n)} entries after dropping the {@code int(gamma · n)} of largest
     * magnitude (the outliers); when the two overlap (gamma + density &gt; 1) fewer outliers are
     * dropped, {@code n − kept}, so that {@code kept} entries remain (mergekit's rule). When
     * {@code int(gamma · n) = 0} no outlier is dropped and the {@code kept} largest entries remain;
     * mergekit drops the whole task vector there (an empty slice, {@code indices[n_bot:-0]}), which
     * mergelab does not copy.
     */
    MAGNITUDE_OUTLIERS,
    /**
     * DELLA's MagPrune (Deep et al. 2024; mergekit {@code della_magprune}): keep each entry independently with a
     * probability that grows with its magnitude rank, from {@code density − epsilon} for the smallest to
     * {@code density + epsilon} for the largest, linearly in the rank ({@link #keepProbabilities}); ranks are taken
     * along axis 1 of the tensor (within each row of a matrix; over the whole of a one-dimensional tensor), as mergekit
     * does. Needs {@code 0 < density − epsilon} and {@code density + epsilon < 1} when density &lt; 1 (mergekit's
     * check). With {@code rescale: inverse_density} each kept entry is divided by its own keep probability (the paper's
     * rule); {@code true} (L1) and {@code false} act as for DARE.
     */
    MAGNITUDE_SAMPLING;

    /**
     * One model's sparsity parameters; a method that does not take one gets the value that leaves its stage inert.
     *
     * @param density fraction kept, in (0, 1]
     * @param gamma breadcrumbs' fraction of outliers dropped
     * @param epsilon della's half-width of the keep probabilities around density
     */
    record ModelSparsity(double density, double gamma, double epsilon) {}

    /** Entries of magnitude rank in {@code [from, to)} are kept (rank 0 = largest). */
    record RankWindow(int from, int to) {}

    /**
     * The ranks a magnitude sparsification keeps of a task vector of length {@code n}; everything
     * ({@code [0, n)}) when {@code density >= 1}.
     */
    RankWindow window(double density, double gamma, int n) {
        if (density >= 1.0) {
            return new RankWindow(0, n);
        }
        int kept = MagnitudeRanking.count(density, n);
        return switch (this) {
            case MAGNITUDE -> new RankWindow(0, kept);
            case MAGNITUDE_OUTLIERS -> {
                int outliers = Math.min(MagnitudeRanking.count(gamma, n), n - kept);
                yield new RankWindow(outliers, outliers + kept);
            }
            case NONE, RANDOM, MAGNITUDE_SAMPLING -> throw new IllegalStateException(this + " keeps no rank window");
        };
    }

    /**
     * Throws, naming {@code where}, unless {@code sparsity} suits this sparsification: for
     * {@link #MAGNITUDE_SAMPLING} with density &lt; 1, {@code density − epsilon > 0} and {@code density + epsilon < 1}.
     */
    void check(ModelSparsity sparsity, String where) {
        double density = sparsity.density();
        double epsilon = sparsity.epsilon();
        if (this == MAGNITUDE_SAMPLING && density < 1.0 && (density - epsilon <= 0.0 || density + epsilon >= 1.0)) {
            throw new IllegalArgumentException(where + ": density " + density + " and epsilon " + epsilon
                    + " must give keep probabilities inside (0, 1): need density - epsilon > 0 and density + epsilon"
                    + " < 1 (mergekit's rule); lower epsilon or move density");
        }
    }

    /**
     * Sparsifies and rescales {@code taskVector} in place; {@link #check} has passed.
     *
     * @param shape the tensor's shape, read by {@link #MAGNITUDE_SAMPLING} only
     * @param random this model's stream; read only by {@link #RANDOM} and {@link #MAGNITUDE_SAMPLING} with
     *     {@code density < 1}, one {@code nextDouble()} per entry in index order
     */
    void apply(double[] taskVector, ModelSparsity sparsity, long[] shape, Rescale rescale, RandomGenerator random) {
        double density = sparsity.density();
        if (this == NONE || density >= 1.0) {
            return;
        }
        double l1Before = Rescale.l1(taskVector);
        switch (this) {
            case NONE -> { }
            case MAGNITUDE, MAGNITUDE_OUTLIERS -> {
                RankWindow window = window(density, sparsity.gamma(), taskVector.length);
                MagnitudeRanking.keepRankWindow(taskVector, window.from(), window.to());
            }
            case RANDOM, MAGNITUDE_SAMPLING -> {
                drawMask(taskVector, this == RANDOM ? null
                        : keepProbabilities(taskVector, shape, density, sparsity.epsilon()), density, rescale, random);
                if (rescale == Rescale.INVERSE_DENSITY) {
                    return; // each survivor is already divided by its own keep probability
                }
            }
        }
        rescale.apply(taskVector, l1Before, density);
    }

    /**
     * The random mask of {@link #RANDOM} and {@link #MAGNITUDE_SAMPLING}, in place: one {@code nextDouble()} from
     * {@code random} per entry in index order, kept or not (so the mask depends on position only), entry j kept when
     * the draw is below its probability ({@code probabilities[j]}, or {@code density} when {@code probabilities} is
     * null), and a kept entry divided by that probability under {@link Rescale#INVERSE_DENSITY}. A range of a tensor
     * is masked as the whole is when {@code random} has been moved on to the range's first entry and the
     * probabilities are the range's (della's, of whole rows, are).
     */
    static void drawMask(double[] taskVector, double[] probabilities, double density, Rescale rescale,
            RandomGenerator random) {
        for (int i = 0; i < taskVector.length; i++) {
            double p = probabilities == null ? density : probabilities[i];
            boolean keep = random.nextDouble() < p;
            taskVector[i] = !keep ? 0.0
                    : rescale == Rescale.INVERSE_DENSITY ? taskVector[i] * (1.0 / p) : taskVector[i];
        }
    }

    /**
     * DELLA's keep probabilities (mergekit {@code della_magprune}): along axis 1 of {@code shape} (a one-dimensional
     * tensor is one line), the entries of a line of m are ranked by magnitude, ascending, r = 0 … m − 1, and entry
     * r keeps with probability {@code (density − epsilon) + r / (m − 1) · 2 · epsilon}. Magnitudes are ranked as
     * {@link MagnitudeRanking} ranks them: {@code |τ|} rounded to float32, equal magnitudes by index, the lower index
     * counting as the larger (mergekit's {@code argsort} leaves their order open). A line of one entry keeps with
     * probability {@code density}; mergekit divides 0 by 0 there and fails.
     */
    static double[] keepProbabilities(double[] taskVector, long[] shape, double density, double epsilon) {
        int n = taskVector.length;
        double[] probabilities = new double[n];
        int along = shape.length < 2 ? n : Math.toIntExact(shape[1]);
        long innerProduct = 1;
        for (int d = 2; d < shape.length; d++) {
            innerProduct *= shape[d];
        }
        int inner = Math.toIntExact(innerProduct);
        if (n == 0 || along == 0 || inner == 0) {
            return probabilities;
        }
        int outer = n / along / inner;
        long[] keys = new long[along];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int start = o * along * inner + i;
                for (int k = 0; k < along; k++) {
                    int bits = Float.floatToRawIntBits(MagnitudeRanking.magnitude(taskVector[start + k * inner]));
                    // ascending magnitude; among equals the higher index first, so the lower one ranks higher
                    keys[k] = ((long) bits << 32) | (0xFFFFFFFFL - k);
                }
                Arrays.sort(keys);
                for (int r = 0; r < along; r++) {
                    int k = (int) (0xFFFFFFFFL - (keys[r] & 0xFFFFFFFFL));
                    double rankNorm = along == 1 ? 0.5 : (double) r / (along - 1);
                    probabilities[start + k * inner] = (density - epsilon) + rankNorm * 2 * epsilon;
                }
            }
        }
        return probabilities;
    }
}
