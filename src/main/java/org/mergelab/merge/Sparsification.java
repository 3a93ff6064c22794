package org.mergelab.merge;

import java.util.SplittableRandom;

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
    MAGNITUDE_OUTLIERS;

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
            case NONE, RANDOM -> throw new IllegalStateException(this + " keeps no rank window");
        };
    }

    /**
     * Sparsifies and rescales {@code taskVector} in place.
     *
     * @param random this model's stream; read only by {@link #RANDOM} with {@code density < 1}
     */
    void apply(double[] taskVector, double density, double gamma, Rescale rescale, SplittableRandom random) {
        if (this == NONE || density >= 1.0) {
            return;
        }
        double l1Before = Rescale.l1(taskVector);
        switch (this) {
            case NONE -> { }
            case MAGNITUDE, MAGNITUDE_OUTLIERS -> {
                RankWindow window = window(density, gamma, taskVector.length);
                MagnitudeRanking.keepRankWindow(taskVector, window.from(), window.to());
            }
            case RANDOM -> {
                for (int i = 0; i < taskVector.length; i++) {
                    // draw for every entry, kept or not, so the mask depends on position only
                    boolean keep = random.nextDouble() < density;
                    taskVector[i] = keep ? taskVector[i] : 0.0;
                }
            }
        }
        rescale.apply(taskVector, l1Before, density);
    }
}
