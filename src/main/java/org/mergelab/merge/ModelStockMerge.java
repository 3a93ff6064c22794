package org.mergelab.merge;

import java.util.Map;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.StatisticsScan;
import org.mergelab.merge.RangeMergeable.TensorStatistics;

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
final class ModelStockMerge extends AbstractMergeMethod implements RangeMergeable {

    ModelStockMerge() {
        super("model_stock", References.MODEL_STOCK, MethodSignature.of(2, ANY, true, Map.of(), Map.of()));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /** The interpolation ratio t of a tensor. */
    record Ratio(double t) implements TensorStatistics {}

    /**
     * One pass: |τ_i|² and every τ_i·τ_k (i &lt; k) summed in float64 in index order, then t; the whole-tensor merge
     * runs the same scan over one range, so both give the same bits.
     */
    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        int models = first.modelCount();
        double[] squares = new double[models];
        double[] dots = new double[models * (models - 1) / 2];
        return new StatisticsScan() {
            @Override
            public void add(MergeRequest range, long offset) {
                // element by element, each sum taking its terms in index order as before (no float64 copy of the
                // range per model)
                float[] base = range.base();
                int n = range.length();
                float[][] inputs = range.models().toArray(new float[0][]);
                if (models == 2) { // the usual case, its three sums in registers: the same additions, in order
                    float[] a = inputs[0];
                    float[] b = inputs[1];
                    double square0 = squares[0];
                    double square1 = squares[1];
                    double dot = dots[0];
                    for (int j = 0; j < n; j++) {
                        double tau0 = (double) a[j] - base[j];
                        double tau1 = (double) b[j] - base[j];
                        square0 += tau0 * tau0;
                        square1 += tau1 * tau1;
                        dot += tau0 * tau1;
                    }
                    squares[0] = square0;
                    squares[1] = square1;
                    dots[0] = dot;
                    return;
                }
                double[] tau = new double[models];
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < models; i++) {
                        tau[i] = (double) inputs[i][j] - base[j];
                        squares[i] += tau[i] * tau[i];
                    }
                    int pair = 0;
                    for (int i = 0; i < models; i++) {
                        for (int k = i + 1; k < models; k++, pair++) {
                            dots[pair] += tau[i] * tau[k];
                        }
                    }
                }
            }

            @Override
            public boolean endPass() {
                return false;
            }

            @Override
            public TensorStatistics statistics() {
                double cosSum = 0.0;
                int pair = 0;
                for (int i = 0; i < models; i++) {
                    for (int k = i + 1; k < models; k++, pair++) {
                        double normProduct = Math.max(Math.sqrt(squares[i]) * Math.sqrt(squares[k]),
                                NORM_PRODUCT_FLOOR);
                        cosSum += Math.max(-1.0, Math.min(1.0, dots[pair] / normProduct));
                    }
                }
                return new Ratio(interpolationRatio(cosSum / pair, models));
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        int models = range.modelCount();
        double t = ((Ratio) statistics).t();
        float[] base = range.base();
        float[][] inputs = range.models().toArray(new float[0][]);
        float[] out = new float[range.length()];
        for (int j = 0; j < out.length; j++) {
            double mean = 0.0;
            for (int i = 0; i < models; i++) {
                mean += inputs[i][j];
            }
            mean /= models;
            out[j] = (float) (t * mean + (1.0 - t) * base[j]);
        }
        return out;
    }

    @Override
    float[] compute(MergeRequest request) {
        return computeRange(request, 0, scanWhole(scan(request, request.length()), request));
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
}
