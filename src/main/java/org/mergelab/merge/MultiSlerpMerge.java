package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.EPS;
import static org.mergelab.merge.MergeParameter.NORMALIZE_WEIGHTS;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.ArrayList;
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
 * {@code normalize_weights}, weights summing to 0 are an error (mergekit divides by 0). Needs every element of
 * every model (the norms), so it merges whole tensors only.
 *
 * <p>With a base b (optional, as in mergekit), the θ_i above are the task vectors θ_i − b and b is added to the
 * result (also to the linear fallback); one model still comes back unchanged. Per model: {@code weight} (default 1). Global: {@code normalize_weights} (default true), {@code eps} (1e-8).
 */
final class MultiSlerpMerge extends AbstractMergeMethod {

    MultiSlerpMerge() {
        super("multislerp", References.MULTISLERP, MethodSignature.of(1, ANY, false, Map.of(WEIGHT, 1.0),
                Map.of(NORMALIZE_WEIGHTS, 1.0, EPS, 1e-8)).withOptionalBase());
    }

    @Override
    float[] compute(MergeRequest request) {
        int models = request.modelCount();
        if (models == 1) {
            return request.models().getFirst().clone();
        }
        int n = request.length();
        float[] base = request.base();
        List<double[]> tensors = new ArrayList<>(models);
        for (float[] model : request.models()) {
            double[] tensor = new double[n];
            for (int j = 0; j < n; j++) {
                tensor[j] = base == null ? model[j] : (double) model[j] - base[j];
            }
            tensors.add(tensor);
        }
        double eps = signature().global(request, EPS);
        double[] w = new double[models];
        double total = 0.0;
        for (int i = 0; i < models; i++) {
            w[i] = signature().perModel(request, i, WEIGHT);
            total += w[i];
        }
        if (signature().globalFlag(request, NORMALIZE_WEIGHTS)) {
            if (Math.abs(total) < 1e-12) {
                throw new IllegalArgumentException("method 'multislerp', tensor '" + request.tensorName()
                        + "': normalize_weights is on but the weights sum to " + total);
            }
            for (int i = 0; i < models; i++) {
                w[i] /= total;
            }
        }
        double[] norms = new double[models];
        for (int i = 0; i < models; i++) {
            norms[i] = Math.sqrt(squares(tensors.get(i)));
        }
        double[] mean = new double[n];
        for (int i = 0; i < models; i++) {
            double[] model = tensors.get(i);
            double scale = w[i] / (norms[i] + eps);
            for (int j = 0; j < n; j++) {
                mean[j] += scale * model[j];
            }
        }
        double meanNorm = Math.sqrt(squares(mean));
        if (meanNorm < eps) {
            if (models == 2) {
                float[] out = new float[n];
                for (int j = 0; j < n; j++) {
                    out[j] = (float) (tensors.get(0)[j] * w[0] + tensors.get(1)[j] * w[1] + baseAt(base, j));
                }
                return out;
            }
            throw new IllegalArgumentException("method 'multislerp', tensor '" + request.tensorName()
                    + "': the weighted sum of the unit tensors is zero (|Σ w_i u_i| = " + meanNorm + " < eps = " + eps
                    + "): antipodal models whose weights balance; change the weights");
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= meanNorm;
        }
        double[] tangent = new double[n];
        for (int i = 0; i < models; i++) {
            double[] model = tensors.get(i);
            double unitScale = 1.0 / (norms[i] + eps);
            double dot = 0.0;
            for (int j = 0; j < n; j++) {
                dot += model[j] * unitScale * mean[j];
            }
            for (int j = 0; j < n; j++) {
                tangent[j] += w[i] * (model[j] * unitScale - dot * mean[j]);
            }
        }
        double tangentNorm = Math.sqrt(squares(tangent)) + eps;
        double averageNorm = 0.0;
        for (int i = 0; i < models; i++) {
            averageNorm += norms[i] * w[i];
        }
        double cos = Math.cos(tangentNorm);
        double sinOver = Math.sin(tangentNorm) / tangentNorm;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) ((mean[j] * cos + tangent[j] * sinOver) * averageNorm + baseAt(base, j));
        }
        return out;
    }

    private static double baseAt(float[] base, int j) {
        return base == null ? 0.0 : base[j];
    }

    private static double squares(double[] values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v * v;
        }
        return sum;
    }
}
