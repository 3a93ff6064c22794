package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.MAX_ITER;
import static org.mergelab.merge.MergeParameter.TOL;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code karcher}: the Karcher (Riemannian) mean of the models' directions on the unit hypersphere, scaled by their
 * mean norm, each tensor one flattened vector (Karcher 1977; as mergekit's {@code merge_methods/karcher.py},
 * {@code karcher_merge_tensors}, with equal weights α_i = 1/N).
 *
 * <pre>  u_i = θ_i / |θ_i|, kept where |θ_i| &gt; tol, weights renormalised over those kept: a_i
 *   m   = Σ a_i u_i / |Σ a_i u_i|   (u of the first kept model when that norm &lt; tol)
 *   repeat max_iter times:
 *     φ_i = acos(clamp(m·u_i, −1, 1));  T = Σ_{φ_i ≥ tol} a_i φ_i / sin φ_i · (u_i − (m·u_i) m)
 *     stop if |T| &lt; tol;  m = cos|T| · m + sin|T| · T/|T|, divided by |m| when |m| &gt; tol
 *   θ   = (Σ α_i |θ_i|) · m           (every model's norm, kept or not)</pre>
 *
 * One model comes back unchanged; when every norm is at most tol the result is zero. Needs every element of every
 * model (the norms, the angles), so it merges whole tensors only. No base, no per-model parameters (mergekit's have
 * none). Global: {@code max_iter} (default 10), {@code tol} (default 1e-5).
 */
final class KarcherMerge extends AbstractMergeMethod {

    KarcherMerge() {
        super("karcher", References.KARCHER,
                MethodSignature.of(1, ANY, false, Map.of(), Map.of(MAX_ITER, 10.0, TOL, 1e-5)));
    }

    @Override
    float[] compute(MergeRequest request) {
        int models = request.modelCount();
        if (models == 1) {
            return request.models().getFirst().clone();
        }
        int n = request.length();
        long maxIter = (long) signature().global(request, MAX_ITER);
        double tol = signature().global(request, TOL);
        double alpha = 1.0 / models;
        double scale = 0.0;
        List<double[]> units = new ArrayList<>();
        for (float[] model : request.models()) {
            double norm = Math.sqrt(dot(model, model));
            scale += alpha * norm;
            if (norm > tol) {
                double[] unit = new double[n];
                for (int j = 0; j < n; j++) {
                    unit[j] = model[j] / norm;
                }
                units.add(unit);
            }
        }
        if (units.isEmpty()) {
            return new float[n];
        }
        double a = 1.0 / units.size(); // equal α_i renormalised over the kept models
        double[] mean = new double[n];
        for (double[] unit : units) {
            for (int j = 0; j < n; j++) {
                mean[j] += a * unit[j];
            }
        }
        double meanNorm = Math.sqrt(dot(mean, mean));
        if (meanNorm < tol) {
            mean = units.getFirst().clone();
        } else {
            divide(mean, meanNorm);
        }
        for (long iteration = 0; iteration < maxIter; iteration++) {
            double[] tangent = new double[n];
            for (double[] unit : units) {
                double cos = Math.max(-1.0, Math.min(1.0, dot(mean, unit)));
                double angle = Math.acos(cos);
                if (angle < tol) {
                    continue;
                }
                double factor = a * angle / Math.sin(angle);
                for (int j = 0; j < n; j++) {
                    tangent[j] += factor * (unit[j] - cos * mean[j]);
                }
            }
            double step = Math.sqrt(dot(tangent, tangent));
            if (step < tol) {
                break;
            }
            double cos = Math.cos(step);
            double sinOverStep = Math.sin(step) / step;
            for (int j = 0; j < n; j++) {
                mean[j] = cos * mean[j] + sinOverStep * tangent[j];
            }
            double norm = Math.sqrt(dot(mean, mean));
            if (norm > tol) {
                divide(mean, norm);
            }
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (scale * mean[j]);
        }
        return out;
    }

    private static double dot(float[] x, float[] y) {
        double sum = 0.0;
        for (int j = 0; j < x.length; j++) {
            sum += (double) x[j] * y[j];
        }
        return sum;
    }

    private static double dot(double[] x, double[] y) {
        double sum = 0.0;
        for (int j = 0; j < x.length; j++) {
            sum += x[j] * y[j];
        }
        return sum;
    }

    private static void divide(double[] x, double divisor) {
        for (int j = 0; j < x.length; j++) {
            x[j] /= divisor;
        }
    }
}
