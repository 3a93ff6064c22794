package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.EPS;
import static org.mergelab.merge.MergeParameter.NORMALIZE_WEIGHTS;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.List;
import java.util.Map;

/**
 * {@code multislerp}: barycentric interpolation of N models on the hypersphere, each tensor one flattened vector
 * (Goddard 2025, "Multi-SLERP"; as mergekit's {@code merge_methods/multislerp.py}, {@code multislerp}).
 *
 * <pre>  w_i   = weight_i / Σ weight_k                       (normalize_weights, the default; else weight_i)
 *   u_i   = θ_i / (|θ_i| + eps)
 *   m     = Σ w_i u_i / |Σ w_i u_i|                       (the point the tangent space touches)
 *   T     = Σ w_i (u_i − (u_i·m) m),   τ = |T| + eps      (the weighted mean in the tangent space)
 *   θ     = (Σ w_i |θ_i|) · (cos τ · m + sin τ / τ · T)  (the exponential map, scaled by the mean norm)</pre>
 *
 * One model comes back unchanged. When |Σ w_i u_i| &lt; eps (antipodal models whose weights balance), two models
 * are interpolated linearly, w_0 θ_0 + w_1 θ_1, and more are an error naming the tensor, as in mergekit. With
 * {@code normalize_weights}, weights summing to 0 are an error (mergekit divides by 0).
 *
 * <p>Every step is elementwise except four sums over the tensor (the norms |θ_i|, then |Σ w_i u_i|, then each u_i·m,
 * then |T|), so it merges range by range after a scan of four passes, each summing in float64 in index order and
 * recomputing the elementwise steps before it from the sums already known: the bits of the whole-tensor merge.
 *
 * <p>With a base b (optional, as in mergekit), the θ_i above are the task vectors θ_i − b and b is added to the
 * result (also to the linear fallback); one model still comes back unchanged. Per model: {@code weight} (default 1). Global: {@code normalize_weights} (default true), {@code eps} (1e-8).
 */
final class MultiSlerpMerge extends AbstractMergeMethod implements RangeMergeable {

    MultiSlerpMerge() {
        super("multislerp", References.MULTISLERP, MethodSignature.of(1, ANY, false, Map.of(WEIGHT, 1.0),
                Map.of(NORMALIZE_WEIGHTS, 1.0, EPS, 1e-8)).withOptionalBase());
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /**
     * The sums of a tensor, as far as they go: with one model none; when |Σ w_i u_i| &lt; eps with two models, the
     * linear fallback ({@code linear}); otherwise every one.
     *
     * @param w the weights (normalised when asked)
     * @param norms |θ_i|
     * @param meanNorm |Σ w_i u_i|
     * @param dots u_i·m
     * @param tangentNorm |T| + eps
     * @param linear whether the linear fallback applies
     */
    record Sums(double[] w, double[] norms, double meanNorm, double[] dots, double tangentNorm, boolean linear)
            implements TensorStatistics {}

    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        int models = first.modelCount();
        double eps = signature().global(first, EPS);
        double[] w = weights(first);
        double[] squares = new double[models];
        double[] dots = new double[models];
        return new StatisticsScan() {
            private int pass = models == 1 ? 0 : 1;
            private double meanSquares;
            private double tangentSquares;
            private boolean linear;

            @Override
            public void add(MergeRequest range, long offset) {
                if (pass == 0) {
                    return;
                }
                double[][] tensors = taskVectors(range);
                int n = range.length();
                if (pass == 1) {
                    for (int i = 0; i < models; i++) {
                        double sum = squares[i];
                        for (double v : tensors[i]) {
                            sum += v * v;
                        }
                        squares[i] = sum;
                    }
                    return;
                }
                double[] norms = norms(squares);
                double meanNorm = Math.sqrt(meanSquares);
                for (int j = 0; j < n; j++) {
                    double mean = mean(tensors, w, norms, eps, j);
                    if (pass == 2) {
                        meanSquares += mean * mean;
                        continue;
                    }
                    double unit = mean / meanNorm;
                    if (pass == 3) {
                        for (int i = 0; i < models; i++) {
                            dots[i] += tensors[i][j] * (1.0 / (norms[i] + eps)) * unit;
                        }
                    } else {
                        double t = tangent(tensors, w, norms, eps, dots, unit, j);
                        tangentSquares += t * t;
                    }
                }
            }

            @Override
            public boolean endPass() {
                if (pass == 0) {
                    return false;
                }
                if (pass == 2 && Math.sqrt(meanSquares) < eps) {
                    if (models != 2) {
                        throw new IllegalArgumentException("method 'multislerp', tensor '" + first.tensorName()
                                + "': the weighted sum of the unit tensors is zero (|Σ w_i u_i| = " + Math.sqrt(meanSquares)
                                + " < eps = " + eps + "): antipodal models whose weights balance; change the weights");
                    }
                    linear = true;
                    return false;
                }
                pass++;
                return pass <= 4;
            }

            @Override
            public TensorStatistics statistics() {
                return new Sums(w, norms(squares), Math.sqrt(meanSquares), dots.clone(),
                        Math.sqrt(tangentSquares) + eps, linear);
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        if (range.modelCount() == 1) {
            return range.models().getFirst().clone();
        }
        Sums sums = (Sums) statistics;
        double eps = signature().global(range, EPS);
        double[][] tensors = taskVectors(range);
        float[] base = range.base();
        double[] w = sums.w();
        int n = range.length();
        float[] out = new float[n];
        if (sums.linear()) {
            for (int j = 0; j < n; j++) {
                out[j] = (float) (tensors[0][j] * w[0] + tensors[1][j] * w[1] + baseAt(base, j));
            }
            return out;
        }
        double averageNorm = 0.0;
        for (int i = 0; i < w.length; i++) {
            averageNorm += sums.norms()[i] * w[i];
        }
        double cos = Math.cos(sums.tangentNorm());
        double sinOver = Math.sin(sums.tangentNorm()) / sums.tangentNorm();
        for (int j = 0; j < n; j++) {
            double unit = mean(tensors, w, sums.norms(), eps, j) / sums.meanNorm();
            double tangent = tangent(tensors, w, sums.norms(), eps, sums.dots(), unit, j);
            out[j] = (float) ((unit * cos + tangent * sinOver) * averageNorm + baseAt(base, j));
        }
        return out;
    }

    @Override
    float[] compute(MergeRequest request) {
        return computeRange(request, 0, scanWhole(scan(request, request.length()), request));
    }

    /** The weights, normalised to sum 1 with {@code normalize_weights}; weights summing to 0 then are an error. */
    private double[] weights(MergeRequest request) {
        int models = request.modelCount();
        double[] w = new double[models];
        double total = 0.0;
        for (int i = 0; i < models; i++) {
            w[i] = signature().perModel(request, i, WEIGHT);
            total += w[i];
        }
        if (models > 1 && signature().globalFlag(request, NORMALIZE_WEIGHTS)) {
            if (Math.abs(total) < 1e-12) {
                throw new IllegalArgumentException("method 'multislerp', tensor '" + request.tensorName()
                        + "': normalize_weights is on but the weights sum to " + total);
            }
            for (int i = 0; i < models; i++) {
                w[i] /= total;
            }
        }
        return w;
    }

    /** θ_i, or θ_i − b with a base, in float64. */
    private static double[][] taskVectors(MergeRequest range) {
        float[] base = range.base();
        List<float[]> models = range.models();
        int n = range.length();
        double[][] tensors = new double[models.size()][n];
        for (int i = 0; i < tensors.length; i++) {
            float[] model = models.get(i);
            for (int j = 0; j < n; j++) {
                tensors[i][j] = base == null ? model[j] : (double) model[j] - base[j];
            }
        }
        return tensors;
    }

    private static double[] norms(double[] squares) {
        double[] norms = new double[squares.length];
        for (int i = 0; i < squares.length; i++) {
            norms[i] = Math.sqrt(squares[i]);
        }
        return norms;
    }

    /** Element j of Σ w_i u_i, summed over the models in order. */
    private static double mean(double[][] tensors, double[] w, double[] norms, double eps, int j) {
        double mean = 0.0;
        for (int i = 0; i < tensors.length; i++) {
            mean += w[i] / (norms[i] + eps) * tensors[i][j];
        }
        return mean;
    }

    /** Element j of T = Σ w_i (u_i − (u_i·m) m), with {@code unit} element j of m. */
    private static double tangent(double[][] tensors, double[] w, double[] norms, double eps, double[] dots,
            double unit, int j) {
        double tangent = 0.0;
        for (int i = 0; i < tensors.length; i++) {
            tangent += w[i] * (tensors[i][j] * (1.0 / (norms[i] + eps)) - dots[i] * unit);
        }
        return tangent;
    }

    private static double baseAt(float[] base, int j) {
        return base == null ? 0.0 : base[j];
    }
}
