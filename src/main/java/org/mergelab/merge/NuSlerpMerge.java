package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.NUSLERP_FLATTEN;
import static org.mergelab.merge.MergeParameter.NUSLERP_ROW_WISE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code nuslerp}: spherical interpolation of two models with the factor given by their weights, of the whole
 * tensor as one vector or of each row or column apart (as mergekit's {@code merge_methods/nuslerp.py},
 * {@code nuslerp} and {@code _nuslerp_merge}).
 *
 * <pre>  t = w_1 / (w_0 + w_1)   (0.5 when |w_0 + w_1| &lt; 1e-6)
 *   for each vector pair v0, v1:
 *     cos Ω = (v0 / max(|v0|, 1e-7)) · (v1 / max(|v1|, 1e-7)),  Ω = acos(clamp(cos Ω, −1, 1))
 *     θ = (sin((1 − t) Ω) v0 + sin(t Ω) v1) / sin Ω,  or (1 − t) v0 + t v1 when |sin Ω| &lt; 1e-8</pre>
 *
 * The vectors: the whole tensor with {@code nuslerp_flatten} (the default); else, for a tensor of shape
 * [d_0, ..., d_k], the d_0 · ... · d_{k−1} vectors along the last dimension (rows of a matrix), or with
 * {@code nuslerp_row_wise} the vectors along the first dimension (columns of a matrix). Unlike {@code slerp}, which
 * interpolates linearly from a zero vector, a zero vector here has cos Ω = 0, so Ω = π/2, as in mergekit.
 *
 * <p>Exactly two models. With a base b (optional, as in mergekit) the vectors are the task vectors θ_i − b and
 * the result is b + the interpolation. With {@code nuslerp_flatten} (one vector: three sums over the tensor, then an
 * elementwise step) it merges range by range after a one-pass scan; by rows or columns it needs the tensor's shape,
 * so it merges whole tensors. Per model: {@code weight} (default 1). Global: {@code nuslerp_flatten} (default
 * true), {@code nuslerp_row_wise} (default false).
 */
final class NuSlerpMerge extends AbstractMergeMethod implements RangeMergeable {

    /** |sin Ω| below this counts as colinear (mergekit's eps). */
    static final double COLINEAR = 1e-8;
    /** Norms are clamped to at least this before normalising (mergekit's {@code _normalize}). */
    static final double NORM_FLOOR = 1e-7;

    NuSlerpMerge() {
        super("nuslerp", References.NUSLERP, MethodSignature.of(2, 2, false, Map.of(WEIGHT, 1.0),
                Map.of(NUSLERP_FLATTEN, 1.0, NUSLERP_ROW_WISE, 0.0)).withOptionalBase());
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return signature().global(globalParameters, NUSLERP_FLATTEN) != 0.0 ? Locality.TENSOR_STATISTICS
                : Locality.WHOLE_TENSOR;
    }

    /** The two coefficients of a flattened tensor: θ = c0 v0 + c1 v1 (+ b). */
    record Coefficients(double c0, double c1) implements TensorStatistics {}

    /** One pass: v0·v1, |v0|² and |v1|² summed in float64 in index order, as {@link #interpolate} sums them. */
    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        double t = factor(first);
        double[] sums = new double[3];
        return new StatisticsScan() {
            @Override
            public void add(MergeRequest range, long offset) {
                float[] base = range.base();
                double[] v0 = taskVector(range.models().get(0), base);
                double[] v1 = taskVector(range.models().get(1), base);
                double dot = sums[0];
                double squares0 = sums[1];
                double squares1 = sums[2];
                for (int j = 0; j < v0.length; j++) {
                    dot += v0[j] * v1[j];
                    squares0 += v0[j] * v0[j];
                    squares1 += v1[j] * v1[j];
                }
                sums[0] = dot;
                sums[1] = squares0;
                sums[2] = squares1;
            }

            @Override
            public boolean endPass() {
                return false;
            }

            @Override
            public TensorStatistics statistics() {
                double[] c = coefficients(sums[0], sums[1], sums[2], t);
                return new Coefficients(c[0], c[1]);
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        Coefficients c = (Coefficients) statistics;
        float[] base = range.base();
        double[] v0 = taskVector(range.models().get(0), base);
        double[] v1 = taskVector(range.models().get(1), base);
        float[] out = new float[v0.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (c.c0() * v0[j] + c.c1() * v1[j] + (base == null ? 0.0 : base[j]));
        }
        return out;
    }

    /** t = w_1 / (w_0 + w_1), or 0.5 when the weights cancel. */
    private double factor(MergeRequest request) {
        double w0 = signature().perModel(request, 0, WEIGHT);
        double w1 = signature().perModel(request, 1, WEIGHT);
        double total = w0 + w1;
        return Math.abs(total) < 1e-6 ? 0.5 : w1 / total;
    }

    @Override
    float[] compute(MergeRequest request) {
        double t = factor(request);
        float[] base = request.base();
        double[] v0 = taskVector(request.models().get(0), base);
        double[] v1 = taskVector(request.models().get(1), base);
        int n = v0.length;
        float[] out = new float[n];
        if (n == 0) {
            return out;
        }
        long[] shape = request.shape();
        int vectors;
        int stride;
        if (signature().globalFlag(request, NUSLERP_FLATTEN) || shape.length == 0) {
            vectors = 1;
            stride = 1;
        } else if (signature().globalFlag(request, NUSLERP_ROW_WISE)) {
            vectors = (int) (n / shape[0]); // vector r: elements r, r + S, r + 2S, ... with S = n / d_0
            stride = vectors;
        } else {
            vectors = (int) (n / shape[shape.length - 1]); // vector r: d_k contiguous elements from r · d_k
            stride = 1;
        }
        int length = n / vectors;
        for (int r = 0; r < vectors; r++) {
            int start = stride == 1 ? r * length : r;
            interpolate(v0, v1, t, start, stride, length, base, out);
        }
        return out;
    }

    /** {@code model − base} in float64, or the model when there is no base. */
    private static double[] taskVector(float[] model, float[] base) {
        double[] out = new double[model.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = base == null ? model[j] : (double) model[j] - base[j];
        }
        return out;
    }

    /**
     * Interpolates the vectors of {@code length} elements from {@code start} with {@code stride} into {@code out},
     * adding the base where there is one.
     */
    private static void interpolate(double[] v0, double[] v1, double t, int start, int stride, int length,
            float[] base, float[] out) {
        double dot = 0.0;
        double squares0 = 0.0;
        double squares1 = 0.0;
        for (int k = 0, j = start; k < length; k++, j += stride) {
            dot += v0[j] * v1[j];
            squares0 += v0[j] * v0[j];
            squares1 += v1[j] * v1[j];
        }
        double[] c = coefficients(dot, squares0, squares1, t);
        for (int k = 0, j = start; k < length; k++, j += stride) {
            out[j] = (float) (c[0] * v0[j] + c[1] * v1[j] + (base == null ? 0.0 : base[j]));
        }
    }

    /** c0 and c1 of a vector pair from its sums: slerp's, or linear's (1 − t, t) when the pair is colinear. */
    private static double[] coefficients(double dot, double squares0, double squares1, double t) {
        double cos = dot / (Math.max(Math.sqrt(squares0), NORM_FLOOR) * Math.max(Math.sqrt(squares1), NORM_FLOOR));
        double omega = Math.acos(Math.max(-1.0, Math.min(1.0, cos)));
        double sin = Math.sin(omega);
        if (Math.abs(sin) < COLINEAR) {
            return new double[] {1.0 - t, t};
        }
        return new double[] {Math.sin((1.0 - t) * omega) / sin, Math.sin(t * omega) / sin};
    }
}
