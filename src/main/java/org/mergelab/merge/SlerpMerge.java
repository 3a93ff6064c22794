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

    /** The two interpolation coefficients of a tensor, or which input to copy (t = 0 or 1). */
    record Coefficients(double c0, double c1, int copy) implements TensorStatistics {}

    /**
     * Sums v0·v1, |v0|², |v1|² per block of {@link #RANGE_ALIGNMENT} elements, and adds the block sums in index
     * order (so the result does not depend on how the tensor was split, as long as ranges start at multiples of
     * {@link #RANGE_ALIGNMENT}); one pass, then the coefficients. The block sums are taken on the workers
     * ({@link StatisticsScan#prepare}), only their sums in index order on the scanning thread.
     */
    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        double t = signature().global(first, T);
        return new PreparedScan() {
            private double dot;
            private double norm0;
            private double norm1;

            /** The range's block sums (v0·v1, |v0|², |v1|² per block), on a worker; null when t needs none. */
            @Override
            public Object prepare(MergeRequest range, long offset) {
                if (t == 0.0 || t == 1.0) {
                    return null;
                }
                float[] v0 = range.models().get(0);
                float[] v1 = range.models().get(1);
                int n = v0.length;
                double[] sums = new double[3 * ((n + RANGE_ALIGNMENT - 1) / RANGE_ALIGNMENT)];
                for (int from = 0, block = 0; from < n; from += RANGE_ALIGNMENT, block += 3) {
                    double d = 0.0;
                    double s0 = 0.0;
                    double s1 = 0.0;
                    for (int j = from, end = Math.min(n, from + RANGE_ALIGNMENT); j < end; j++) {
                        d += (double) v0[j] * v1[j];
                        s0 += (double) v0[j] * v0[j];
                        s1 += (double) v1[j] * v1[j];
                    }
                    sums[block] = d;
                    sums[block + 1] = s0;
                    sums[block + 2] = s1;
                }
                return sums;
            }

            /** Adds the range's block sums in index order. */
            @Override
            public void add(MergeRequest range, long offset, Object prepared) {
                if (prepared instanceof double[] sums) {
                    for (int block = 0; block < sums.length; block += 3) {
                        dot += sums[block];
                        norm0 += sums[block + 1];
                        norm1 += sums[block + 2];
                    }
                }
            }

            @Override
            public boolean endPass() {
                return false;
            }

            @Override
            public TensorStatistics statistics() {
                return coefficients(t, dot, Math.sqrt(norm0), Math.sqrt(norm1));
            }
        };
    }

    private static Coefficients coefficients(double t, double dot, double norm0, double norm1) {
        if (t == 0.0 || t == 1.0) {
            return new Coefficients(1.0 - t, t, t == 0.0 ? 0 : 1);
        }
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
        return computeRange(request, 0, scanWhole(scan(request, request.length()), request));
    }
}
