package org.mergelab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.data.Batch;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;

/**
 * The {@code recalibrate} BatchNorm policy of PROTOCOL.md: running statistics are reset and
 * re-estimated as plain averages over a fixed calibration sample (PyTorch's {@code momentum=None}
 * cumulative average over batches), by forward passes with no gradient and no weight change.
 *
 * <p>How: before each batch every running mean and variance is set to zero; a training-mode forward
 * pass then leaves {@code (1 - momentum) * batch statistic} in them (PyTorch's update, unbiased
 * variance), which is divided back out and summed; at the end each running statistic is the mean
 * of its per-batch statistics.
 */
public final class BatchNormCalibration {

    private BatchNormCalibration() {}

    /**
     * Replaces every BatchNorm running statistic of {@code network} with its average over
     * {@code batches}. Weights are untouched.
     *
     * @return the number of batches used
     */
    public static int recalibrate(Network network, Iterable<Batch> batches) {
        List<NamedParameter> stats = network.parameters().stream().filter(NamedParameter::isBatchNormStatistic).toList();
        List<double[]> sums = new ArrayList<>();
        for (NamedParameter p : stats) {
            sums.add(new double[Math.toIntExact(p.parameter().getArray().size())]);
        }
        double factor = Network.BATCH_NORM_UPDATE_FACTOR;
        int count = 0;
        for (Batch batch : batches) {
            for (NamedParameter p : stats) {
                NDArray a = p.parameter().getArray();
                a.set(FloatBuffer.wrap(new float[Math.toIntExact(a.size())]));
            }
            try (NDManager scope = network.manager().newSubManager()) {
                network.logits(Network.images(scope, batch.images(), batch.size()), true);
            }
            for (int i = 0; i < stats.size(); i++) {
                float[] v = stats.get(i).parameter().getArray().toFloatArray();
                double[] s = sums.get(i);
                for (int j = 0; j < v.length; j++) {
                    s[j] += v[j] / factor;
                }
            }
            count++;
        }
        if (count == 0) {
            throw new IllegalArgumentException("BatchNorm recalibration needs at least one batch");
        }
        for (int i = 0; i < stats.size(); i++) {
            double[] s = sums.get(i);
            float[] mean = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                mean[j] = (float) (s[j] / count);
            }
            stats.get(i).parameter().getArray().set(FloatBuffer.wrap(mean));
        }
        return count;
    }
}
