package org.mergelab.merge;

import java.util.SplittableRandom;

/**
 * How a task vector τ (length n) is made sparse before the models are combined; the first stage
 * of a {@link SparsifiedTaskVectorMerge}. Mirrors mergekit's sparsification methods.
 */
enum Sparsification {
    /** Keep τ as is (task arithmetic). */
    NONE,
    /**
     * TIES trim (Yadav et al. 2023): keep the {@code k = floor(density * n)} entries of largest
     * magnitude, zero the rest; ties in magnitude go to the lower index.
     */
    MAGNITUDE,
    /**
     * DARE (Yu et al. 2023): keep each entry independently with probability {@code density},
     * zero it otherwise; with {@code rescale}, multiply survivors by {@code 1/density} so that
     * E[τ'] = τ.
     */
    RANDOM,
    /**
     * Model Breadcrumbs (Davari &amp; Belilovsky 2023): drop the {@code floor(gamma * n)} entries of
     * largest magnitude (outliers), keep the next {@code floor(density * n)}, drop the rest
     * (the small ones). When gamma + density exceeds 1 everything below the outliers is kept.
     */
    MAGNITUDE_OUTLIERS;

    /**
     * Sparsifies {@code taskVector} in place.
     *
     * @param random this model's stream; read only by {@link #RANDOM}
     */
    void apply(double[] taskVector, double density, double gamma, boolean rescale, SplittableRandom random) {
        int n = taskVector.length;
        switch (this) {
            case NONE -> { }
            case MAGNITUDE -> MagnitudeRanking.keepRankWindow(taskVector, 0, MagnitudeRanking.count(density, n));
            case RANDOM -> {
                double scale = rescale ? 1.0 / density : 1.0;
                for (int i = 0; i < n; i++) {
                    // draw for every entry, kept or not, so the mask depends on position only
                    boolean keep = random.nextDouble() < density;
                    taskVector[i] = keep ? taskVector[i] * scale : 0.0;
                }
            }
            case MAGNITUDE_OUTLIERS -> {
                int outliers = MagnitudeRanking.count(gamma, n);
                int kept = MagnitudeRanking.count(density, n);
                MagnitudeRanking.keepRankWindow(taskVector, outliers, outliers + kept);
            }
        }
    }
}
