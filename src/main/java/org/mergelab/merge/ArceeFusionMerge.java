package org.mergelab.merge;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code arcee_fusion}: keep the other model's value only where its change from the base is an outlier in
 * importance, else the base (as mergekit's {@code merge_methods/arcee_fusion.py}, {@code _arcee_fusion_merge},
 * {@code _compute_importance} and {@code DynamicThresholdFusion}).
 *
 * <pre>  for each row r (the vectors along the last dimension; a tensor of one dimension is one row):
 *     p = softmax(m_r) + 1e-8,  q = softmax(b_r) + 1e-8,  KL_r = Σ p log(p / q)
 *   importance_j = |m_j − b_j| · KL_r(j)
 *   s = importance sorted ascending, n entries;  Q(x) = s[floor(x (n − 1))]
 *   threshold = Q(0.5) + 1.5 (Q(0.75) − Q(0.25))
 *   θ_j = m_j where importance_j &ge; threshold, else b_j</pre>
 *
 * A row that only shifts by a constant has KL = 0 (softmax does not see the shift) and keeps the base however far
 * it moved; when most importances are 0, the threshold is 0 and every entry takes the other model. mergekit
 * estimates the quantiles of a tensor above 1,000,000 entries from 1,000,000 entries drawn with replacement by
 * torch's unseeded generator; mergelab takes them from the whole tensor, see the README.
 *
 * <p>Needs a base and exactly one other model, and the whole tensor (the quantiles). No parameters (mergekit's has
 * none).
 */
final class ArceeFusionMerge extends AbstractMergeMethod {

    /** Added to each softmax probability before the KL divergence (mergekit's eps). */
    static final double PROBABILITY_EPSILON = 1e-8;
    /** The threshold is the median plus this many interquartile ranges. */
    static final double IQR_FACTOR = 1.5;

    ArceeFusionMerge() {
        super("arcee_fusion", References.ARCEE_FUSION, MethodSignature.of(1, 1, true, Map.of(), Map.of()));
    }

    @Override
    float[] compute(MergeRequest request) {
        float[] base = request.base();
        float[] model = request.models().getFirst();
        int n = base.length;
        float[] out = new float[n];
        if (n == 0) {
            return out;
        }
        long[] shape = request.shape();
        int rowLength = shape.length == 0 ? n : (int) shape[shape.length - 1];
        double[] importance = new double[n];
        for (int start = 0; start < n; start += rowLength) {
            double kl = divergence(softmax(model, start, rowLength), softmax(base, start, rowLength));
            for (int j = start; j < start + rowLength; j++) {
                importance[j] = Math.abs((double) model[j] - base[j]) * kl;
            }
        }
        double[] sorted = importance.clone();
        Arrays.sort(sorted);
        long last = n - 1L;
        double q1 = sorted[(int) (last / 4)];
        double median = sorted[(int) (last / 2)];
        double q3 = sorted[(int) (3 * last / 4)];
        double threshold = median + IQR_FACTOR * (q3 - q1);
        for (int j = 0; j < n; j++) {
            out[j] = importance[j] >= threshold ? model[j] : base[j];
        }
        return out;
    }

    /** softmax of {@code length} elements from {@code start}, plus {@link #PROBABILITY_EPSILON} each. */
    private static double[] softmax(float[] values, int start, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
            max = Math.max(max, values[start + k]);
        }
        double[] p = new double[length];
        double sum = 0.0;
        for (int k = 0; k < length; k++) {
            p[k] = Math.exp(values[start + k] - max);
            sum += p[k];
        }
        for (int k = 0; k < length; k++) {
            p[k] = p[k] / sum + PROBABILITY_EPSILON;
        }
        return p;
    }

    /** Σ p log(p / q). */
    private static double divergence(double[] p, double[] q) {
        double kl = 0.0;
        for (int k = 0; k < p.length; k++) {
            kl += p[k] * Math.log(p[k] / q[k]);
        }
        return kl;
    }
}
