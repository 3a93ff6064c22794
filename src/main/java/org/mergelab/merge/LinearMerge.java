package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.List;
import java.util.Map;

/**
 * {@code linear}: a weighted average of the models (a "model soup", Wortsman et al. 2022).
 *
 * <pre>  θ = Σ_i w_i θ_i / Σ_i w_i      (normalize = 1, the default)
 *   θ = Σ_i w_i θ_i                 (normalize = 0)</pre>
 *
 * Per model: {@code weight} w_i (default 1). Global: {@code normalize} (default 1). No base.
 * With normalize on, weights summing to 0 are rejected.
 */
final class LinearMerge extends AbstractMergeMethod implements RangeMergeable {

    LinearMerge() {
        super("linear", References.MODEL_SOUPS,
                MethodSignature.of(1, ANY, false, Map.of(WEIGHT, 1.0), Map.of(NORMALIZE, 1.0)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        int models = request.modelCount();
        double[] weights = new double[models];
        double total = 0.0;
        for (int i = 0; i < models; i++) {
            weights[i] = signature().perModel(request, i, WEIGHT);
            total += weights[i];
        }
        double divisor = 1.0;
        if (signature().globalFlag(request, NORMALIZE)) {
            if (Math.abs(total) < 1e-12) {
                throw new IllegalArgumentException("method 'linear', tensor '" + request.tensorName()
                        + "': normalize is on but the weights sum to " + total);
            }
            divisor = total;
        }
        return weightedSum(request.models(), weights, divisor);
    }

    /**
     * Σ_i weights[i] · arrays[i] / divisor, accumulated in float64 element by element (the models are
     * summed in index order for each element, so no float64 working array is needed).
     */
    static float[] weightedSum(List<float[]> arrays, double[] weights, double divisor) {
        int n = arrays.getFirst().length;
        float[] out = new float[n];
        int models = arrays.size();
        if (models == 2) {
            float[] a = arrays.get(0);
            float[] b = arrays.get(1);
            double wa = weights[0];
            double wb = weights[1];
            for (int j = 0; j < n; j++) {
                out[j] = (float) ((0.0 + wa * a[j] + wb * b[j]) / divisor);
            }
            return out;
        }
        float[][] in = arrays.toArray(new float[0][]);
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int i = 0; i < models; i++) {
                sum += weights[i] * in[i][j];
            }
            out[j] = (float) (sum / divisor);
        }
        return out;
    }
}
