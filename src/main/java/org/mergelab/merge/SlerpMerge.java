package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.T;

import java.util.Map;

/**
 * {@code slerp}: spherical linear interpolation between two models, treating each tensor as one
 * flattened vector (Shoemake 1985; as mergekit applies it to weights).
 *
 * <pre>  cos Ω = v0·v1 / (|v0| |v1|),  Ω = acos(cos Ω)
 *   θ = sin((1−t) Ω)/sin Ω · v0 + sin(t Ω)/sin Ω · v1</pre>
 *
 * The angle comes from the normalised vectors, the coefficients are applied to the original
 * ones. Falls back to linear interpolation (1−t) v0 + t v1 when the vectors are nearly parallel
 * or antiparallel, |cos Ω| &gt; 0.9995 (mergekit's {@code DOT_THRESHOLD} in
 * {@code merge_methods/slerp.py}). t = 0 and t = 1 return the first and second model exactly.
 *
 * <p>A tensor of norm below 1e-12 has no direction, and mergelab interpolates linearly: an
 * all-zero v0 gives t·v1. mergekit differs on purpose here: it leaves a vector of norm
 * &le; 1e-8 unnormalised, so an all-zero tensor makes cos Ω = 0, Ω = π/2, and gives
 * sin(tπ/2)·v1 (a path of a quarter circle towards nothing in particular).
 *
 * <p>Exactly two models, no base. Global: {@code t} in [0, 1] (default 0.5).
 */
final class SlerpMerge extends AbstractMergeMethod implements RangeMergeable {

    /** |cos Ω| above this counts as parallel (mergekit's threshold). */
    static final double DOT_THRESHOLD = 0.9995;
    /** Norms below this count as zero. */
    static final double ZERO_NORM = 1e-12;

    SlerpMerge() {
        super("slerp", References.SLERP, MethodSignature.of(2, 2, false, Map.of(), Map.of(T, 0.5)));
    }

    /** mergekit's convention: a recipe's base_model is the t = 0 end. */
    @Override
    public boolean recipeBaseIsFirstModel() {
        return true;
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /** Sums v0·v1, |v0|², |v1|² per block of {@link #RANGE_ALIGNMENT} elements, in index order. */
    record BlockSums(double[] dot, double[] squares0, double[] squares1) implements TensorStatistics {}

    /** The two interpolation coefficients of a tensor, or which input to copy (t = 0 or 1). */
    record Coefficients(double c0, double c1, int copy) implements TensorStatistics {}

    @Override
    TensorStatistics rangeStatistics(MergeRequest range, long offset) {
        float[] v0 = range.models().get(0);
        float[] v1 = range.models().get(1);
        int n = v0.length;
        int blocks = (n + RANGE_ALIGNMENT - 1) / RANGE_ALIGNMENT;
        double[] dot = new double[blocks];
        double[] squares0 = new double[blocks];
        double[] squares1 = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            double d = 0.0;
            double s0 = 0.0;
            double s1 = 0.0;
            for (int j = b * RANGE_ALIGNMENT, end = Math.min(n, j + RANGE_ALIGNMENT); j < end; j++) {
                d += (double) v0[j] * v1[j];
                s0 += (double) v0[j] * v0[j];
                s1 += (double) v1[j] * v1[j];
            }
            dot[b] = d;
            squares0[b] = s0;
            squares1[b] = s1;
        }
        return new BlockSums(dot, squares0, squares1);
    }

    /**
     * Adds the block sums in index order (so the result does not depend on how the tensor was
     * split, as long as ranges start at multiples of {@link #RANGE_ALIGNMENT}) and derives the
     * coefficients.
     */
    @Override
    public TensorStatistics tensorStatistics(MergeRequest first, java.util.List<TensorStatistics> ranges) {
        double t = signature().global(first, T);
        if (t == 0.0 || t == 1.0) {
            return new Coefficients(1.0 - t, t, t == 0.0 ? 0 : 1);
        }
        double dot = 0.0;
        double norm0 = 0.0;
        double norm1 = 0.0;
        for (TensorStatistics r : ranges) {
            BlockSums sums = (BlockSums) r;
            for (int b = 0; b < sums.dot().length; b++) {
                dot += sums.dot()[b];
                norm0 += sums.squares0()[b];
                norm1 += sums.squares1()[b];
            }
        }
        norm0 = Math.sqrt(norm0);
        norm1 = Math.sqrt(norm1);
        double cos = norm0 < ZERO_NORM || norm1 < ZERO_NORM ? 1.0
                : Math.max(-1.0, Math.min(1.0, dot / (norm0 * norm1)));
        if (Math.abs(cos) > DOT_THRESHOLD) {
            return new Coefficients(1.0 - t, t, -1);
        }
        double omega = Math.acos(cos);
        double sin = Math.sin(omega);
        return new Coefficients(Math.sin((1.0 - t) * omega) / sin, Math.sin(t * omega) / sin, -1);
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        Coefficients c = (Coefficients) statistics;
        float[] v0 = range.models().get(0);
        float[] v1 = range.models().get(1);
        if (c.copy() >= 0) {
            return range.models().get(c.copy()).clone();
        }
        int n = v0.length;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (c.c0() * v0[j] + c.c1() * v1[j]);
        }
        return out;
    }

    @Override
    float[] compute(MergeRequest request) {
        return computeRange(request, 0, tensorStatistics(request, java.util.List.of(rangeStatistics(request, 0))));
    }
}
