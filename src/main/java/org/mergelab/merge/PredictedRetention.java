package org.mergelab.merge;

/**
 * A retention predicted from weights alone, without probes (docs/predicted-retention.md gives the reasoning). The
 * knowledge a model k gained in training is taken to lie along its task vector τ_k = θ_k − θ_init (θ_init: where that
 * training started), and a merge θ_m to keep of it the coefficient of θ_m − θ_init along τ_k:
 *
 * <pre>  R̂_k = ⟨θ_m − θ_init, τ_k⟩ / |τ_k|²</pre>
 *
 * R̂_k = 1 at θ_m = θ_k and 0 at θ_m = θ_init. For a merge that is a linear combination of the task vectors,
 * τ_m = w_own τ_k + w_other τ_other (linear interpolation at α: 1 − α and α; task arithmetic: λ and λ), it follows
 * from the forensics figures alone: {@link #ofLinearCombination}. It is a first-order prediction: it ranks merges by
 * how much of each task vector they keep, and does not model how retention falls off away from it.
 */
public final class PredictedRetention {

    private PredictedRetention() {}

    /**
     * R̂_k from ⟨τ_m, τ_k⟩ and |τ_k|²; NaN (undefined) when τ_k = 0 or either figure is undefined.
     */
    public static double projection(double mergedDotOwn, double squaredNormOwn) {
        return squaredNormOwn == 0.0 || Double.isNaN(squaredNormOwn) ? Double.NaN : mergedDotOwn / squaredNormOwn;
    }

    /**
     * R̂_k of the merge τ_m = w_own τ_k + w_other τ_other: w_own + w_other ⟨τ_k, τ_other⟩ / |τ_k|²; NaN when τ_k = 0.
     *
     * @param weightOwn the weight of τ_k
     * @param weightOther the weight of the other task vector
     * @param squaredNormOwn |τ_k|²
     * @param dot ⟨τ_k, τ_other⟩
     */
    public static double ofLinearCombination(double weightOwn, double weightOther, double squaredNormOwn, double dot) {
        return projection(weightOwn * squaredNormOwn + weightOther * dot, squaredNormOwn);
    }
}
