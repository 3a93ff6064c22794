package org.mergelab.merge;

import java.util.Map;

/**
 * {@code model_stock} (Jang et al. 2024): move from the base towards the average of the
 * fine-tuned models by a ratio set by the angle between their task vectors.
 *
 * <pre>  τ_i   = θ_i − θ_base  (flattened)
 *   cos θ = mean over pairs i &lt; k of τ_i·τ_k / max(|τ_i| |τ_k|, 1e-6), each clamped to [−1, 1]
 *   t     = N cos θ / (1 + (N − 1) cos θ)
 *   θ     = t · (1/N) Σ_i θ_i + (1 − t) · θ_base</pre>
 *
 * Edge cases. The denominator is clamped to at least 1e-6 as in mergekit's
 * {@code ModelStockMergeTask.execute}, so a pair with a zero task vector has cosine 0 and pairs of
 * tiny task vectors count as less aligned. The paper's ratio t is an interpolation weight in
 * [0, 1], which the formula yields for cos θ in [0, 1]; for cos θ &le; 0 (task vectors orthogonal
 * or opposed on average) mergelab sets t = 0 and returns the base, on purpose, rather than
 * extrapolating (t &lt; 0) or dividing by zero at cos θ = −1/(N−1), which applying the formula
 * there (mergekit) does.
 *
 * <p>Needs a base and at least two models (the angle needs a pair). No parameters (mergekit's
 * {@code filter_wise} needs the tensor's shape, which a flat array lacks).
 */
final class ModelStockMerge extends AbstractMergeMethod {

    ModelStockMerge() {
        super("model_stock", References.MODEL_STOCK, MethodSignature.of(2, ANY, true, Map.of(), Map.of()));
    }

    @Override
    float[] compute(MergeRequest request) {
        int models = request.modelCount();
        int n = request.length();
        float[] base = request.base();
        double[][] tau = new double[models][n];
        double[] norms = new double[models];
        for (int i = 0; i < models; i++) {
            float[] model = request.models().get(i);
            double squares = 0.0;
            for (int j = 0; j < n; j++) {
                tau[i][j] = (double) model[j] - base[j];
                squares += tau[i][j] * tau[i][j];
            }
            norms[i] = Math.sqrt(squares);
        }
        double cosSum = 0.0;
        int pairs = 0;
        for (int i = 0; i < models; i++) {
            for (int k = i + 1; k < models; k++) {
                cosSum += cosine(tau[i], tau[k], Math.max(norms[i] * norms[k], NORM_PRODUCT_FLOOR));
                pairs++;
            }
        }
        double t = interpolationRatio(cosSum / pairs, models);
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double mean = 0.0;
            for (int i = 0; i < models; i++) {
                mean += request.models().get(i)[j];
            }
            mean /= models;
            out[j] = (float) (t * mean + (1.0 - t) * base[j]);
        }
        return out;
    }

    /** The least |τ_i| |τ_k| a cosine is divided by (mergekit's clamp). */
    static final double NORM_PRODUCT_FLOOR = 1e-6;

    /** t = N c / (1 + (N−1) c) for c &gt; 0, else 0. */
    static double interpolationRatio(double cos, int models) {
        if (cos <= 0.0) {
            return 0.0;
        }
        return models * cos / (1.0 + (models - 1) * cos);
    }

    private static double cosine(double[] a, double[] b, double normProduct) {
        double dot = 0.0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
        }
        return Math.max(-1.0, Math.min(1.0, dot / normProduct));
    }
}
