package org.mergelab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.data.Batch;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;
import org.mergelab.engine.TorchEngine;

/**
 * The diagonal empirical Fisher information of a network on data (Matena &amp; Raffel 2022,
 * "Merging Models with Fisher-Weighted Averaging", arXiv 2111.09832): for every trainable tensor,
 * F = mean over samples of (d log p(y | x) / d theta)^2 with y the true label, one backward pass per
 * sample (per-sample gradients, not squared batch gradients), BatchNorm in inference mode. BatchNorm
 * running statistics get F = 0, so a Fisher merge averages them plainly. The result has the network's
 * tensor names and shapes and feeds the {@code fisher} merge method.
 */
public final class FisherEstimation {

    private FisherEstimation() {}

    /**
     * Estimates the diagonal Fisher.
     *
     * @param network the model (its weights are not changed)
     * @param batches the samples; every image of every batch is used
     * @return tensor name to Fisher diagonal (F32), plus the sample count in {@link Result#samples()}
     */
    public static Result estimate(Network network, Iterable<Batch> batches) {
        List<NamedParameter> params = network.parameters();
        List<double[]> sums = new ArrayList<>();
        for (NamedParameter p : params) {
            sums.add(new double[Math.toIntExact(p.parameter().getArray().size())]);
        }
        long samples = 0;
        for (Batch batch : batches) {
            for (int i = 0; i < batch.size(); i++) {
                try (NDManager scope = network.manager().newSubManager()) {
                    float[] one = new float[Network.CHANNELS * Network.SIZE * Network.SIZE];
                    System.arraycopy(batch.images(), i * one.length, one, 0, one.length);
                    NDArray x = Network.images(scope, one, 1);
                    NDArray y = scope.create(new long[] {batch.labels()[i]});
                    try (GradientCollector collector = TorchEngine.newGradientCollector()) {
                        NDArray logProbs = network.logits(x, false).logSoftmax(1);
                        NDArray logLikelihood = logProbs.get(new NDIndex().addAllDim().addPickDim(y.expandDims(1))).sum();
                        collector.backward(logLikelihood);
                    }
                    for (int k = 0; k < params.size(); k++) {
                        NamedParameter p = params.get(k);
                        if (!p.trainable()) {
                            continue;
                        }
                        NDArray w = p.parameter().getArray();
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        float[] gv = g.toFloatArray();
                        double[] s = sums.get(k);
                        for (int j = 0; j < gv.length; j++) {
                            s[j] += (double) gv[j] * gv[j];
                        }
                        JniUtils.zeroGrad((PtNDArray) w);
                    }
                }
                samples++;
            }
        }
        if (samples == 0) {
            throw new IllegalArgumentException("Fisher estimation needs at least one sample");
        }
        NamedTensors out = new NamedTensors();
        for (int k = 0; k < params.size(); k++) {
            double[] s = sums.get(k);
            float[] f = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                f[j] = (float) (s[j] / samples);
            }
            out.put(params.get(k).name(), Tensor.ofFloats(params.get(k).parameter().getArray().getShape().getShape(), f));
        }
        return new Result(out, samples);
    }

    /**
     * A Fisher estimate.
     *
     * @param fisher tensor name to diagonal Fisher
     * @param samples samples averaged over
     */
    public record Result(NamedTensors fisher, long samples) {}
}
