package org.mergelab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.data.Batch;
import org.mergelab.model.LinearMapInput;
import org.mergelab.model.Network;

/**
 * The input Gram matrices of a network's linear maps on data, for RegMean (Jin et al. 2023, "Dataless Knowledge
 * Fusion by Merging Weights of Language Models", arXiv 2212.09849): for the weight of every convolution and of the
 * final linear layer, G = Xᵀ X / rows, with X the rows the weight multiplies ({@link LinearMapInput#rows}: input
 * patches of a convolution, zero padding included; input vectors of the linear layer), over every image of the
 * batches, BatchNorm in inference mode. The mean over rows, as the reference implementations take it, so that
 * Grams from different sample counts weigh alike in a merge. The result is keyed by the weight's tensor name, shape
 * {@code [d, d]} with d the weight's elements per output row, and feeds the {@code regmean} merge method.
 *
 * <p>Each batch's Xᵀ X is computed by the engine in float32 and summed over batches in float64; the result is
 * made exactly symmetric (the mean of an entry and its mirror) and stored in float32.
 */
public final class GramEstimation {

    private GramEstimation() {}

    /**
     * Estimates the Gram matrices.
     *
     * @param network the model (its weights and BatchNorm statistics are not changed)
     * @param batches the samples; every image of every batch is used
     * @return weight name to Gram matrix, plus the sample count
     */
    public static Result estimate(Network network, Iterable<Batch> batches) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Integer> dims = new LinkedHashMap<>();
        long samples = 0;
        for (Batch batch : batches) {
            if (batch.size() == 0) {
                continue;
            }
            try (NDManager scope = network.manager().newSubManager()) {
                NDArray x = Network.images(scope, batch.images(), batch.size());
                network.logits(x, false, (layer, input) -> {
                    NDArray matrix = layer.rows(input);
                    long count = matrix.getShape().get(0);
                    int d = Math.toIntExact(matrix.getShape().get(1));
                    float[] gram = matrix.transpose().matMul(matrix).toFloatArray();
                    double[] sum = sums.computeIfAbsent(layer.weightName(), k -> new double[d * d]);
                    for (int j = 0; j < gram.length; j++) {
                        sum[j] += gram[j];
                    }
                    rows.merge(layer.weightName(), count, Long::sum);
                    dims.put(layer.weightName(), d);
                });
            }
            samples += batch.size();
        }
        if (samples == 0) {
            throw new IllegalArgumentException("Gram estimation needs at least one sample");
        }
        NamedTensors out = new NamedTensors();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            int d = dims.get(e.getKey());
            double[] sum = e.getValue();
            double count = rows.get(e.getKey());
            float[] gram = new float[d * d];
            for (int k = 0; k < d; k++) {
                for (int j = 0; j < d; j++) {
                    gram[k * d + j] = (float) ((sum[k * d + j] + sum[j * d + k]) / 2.0 / count);
                }
            }
            out.put(e.getKey(), Tensor.ofFloats(new long[] {d, d}, gram));
        }
        return new Result(out, samples);
    }

    /**
     * A Gram estimate.
     *
     * @param grams weight name to its input Gram matrix {@code [d, d]}
     * @param samples images averaged over
     */
    public record Result(NamedTensors grams, long samples) {}
}
