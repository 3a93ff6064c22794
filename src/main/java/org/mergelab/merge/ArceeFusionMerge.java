package org.mergelab.merge;

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
 * <p>Needs a base and exactly one other model. No parameters (mergekit's has none). Merges in ranges of whole rows
 * (slices along axis 0; a tensor of one dimension is one range): the three quantiles come from a scan that
 * recomputes each range's importances pass after pass and selects them exactly ({@link OrderStatisticSearch}, the
 * values {@link java.util.Arrays#sort(double[])} puts at those indices), then every range is merged alone.
 */
final class ArceeFusionMerge extends AbstractMergeMethod implements RangeMergeable {

    /** Added to each softmax probability before the KL divergence (mergekit's eps). */
    static final double PROBABILITY_EPSILON = 1e-8;
    /** The threshold is the median plus this many interquartile ranges. */
    static final double IQR_FACTOR = 1.5;

    ArceeFusionMerge() {
        super("arcee_fusion", References.ARCEE_FUSION, MethodSignature.of(1, 1, true, Map.of(), Map.of()));
    }

    /** The importance above which an entry takes the other model. */
    record Threshold(double value) implements TensorStatistics {}

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    @Override
    public long rowsPerRange(long[] shape, int chunkElements, boolean auxiliaryMatrices) {
        return RangeMergeable.rowsIn(shape, chunkElements);
    }

    @Override
    float[] compute(MergeRequest request) {
        if (request.length() == 0) {
            return new float[0];
        }
        return computeRange(request, 0, scanWhole(scan(request, request.length()), request));
    }

    /**
     * Selects the importances at indices floor(q (n − 1)), q = 1/4, 1/2, 3/4, of the sorted n, pass after pass, each
     * pass recomputing the importances of every range.
     */
    @Override
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length) {
        long last = length - 1;
        OrderStatisticSearch quartiles = new OrderStatisticSearch(length, last / 4, last / 2, 3 * last / 4);
        return new RangeMergeable.StatisticsScan() {
            @Override
            public void add(MergeRequest range, long offset) {
                quartiles.add(importance(range));
            }

            @Override
            public boolean endPass() {
                quartiles.endPass();
                return quartiles.searching();
            }

            @Override
            public TensorStatistics statistics() {
                double q1 = quartiles.value(0);
                double median = quartiles.value(1);
                double q3 = quartiles.value(2);
                return new Threshold(median + IQR_FACTOR * (q3 - q1));
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        if (!(statistics instanceof Threshold threshold)) {
            throw new IllegalArgumentException("tensor '" + range.tensorName() + "': merging a range with arcee_fusion"
                    + " needs the tensor's quantiles, got " + statistics);
        }
        float[] base = range.base();
        float[] model = range.models().getFirst();
        double[] importance = importance(range);
        float[] out = new float[base.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = importance[j] >= threshold.value() ? model[j] : base[j];
        }
        return out;
    }

    /** |m_j − b_j| · KL of j's row, for every entry of a request of whole rows (the last dimension of its shape). */
    private static double[] importance(MergeRequest request) {
        float[] base = request.base();
        float[] model = request.models().getFirst();
        int n = base.length;
        long[] shape = request.shape();
        int rowLength = shape.length == 0 ? n : (int) shape[shape.length - 1];
        double[] importance = new double[n];
        for (int start = 0; start < n; start += rowLength) {
            double kl = divergence(softmax(model, start, rowLength), softmax(base, start, rowLength));
            for (int j = start; j < start + rowLength; j++) {
                importance[j] = Math.abs((double) model[j] - base[j]) * kl;
            }
        }
        return importance;
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
