package org.mergelab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mergelab.data.Batch;
import org.mergelab.model.Network;

/**
 * Runs probes: top-1 accuracy and mean cross-entropy of a network, in inference mode (BatchNorm running statistics).
 * The loss is what a loss barrier along a path is computed from ({@link PathBarriers}).
 */
public final class Probes {

    private Probes() {}

    /**
     * One probe's counts.
     *
     * @param correct images classified correctly
     * @param total images
     * @param lossSum the sum over the images of the cross-entropy −log softmax(z)_y (natural log), in image order
     */
    public record Count(long correct, long total, double lossSum) {

        /** correct / total. */
        public double accuracy() {
            return total == 0 ? Double.NaN : correct / (double) total;
        }

        /** The mean cross-entropy, lossSum / total. */
        public double meanLoss() {
            return total == 0 ? Double.NaN : lossSum / total;
        }
    }

    /** Accuracy and loss of every probe of {@code set}, in its order. */
    public static Map<String, Count> evaluate(Network network, ProbeSet set) {
        Map<String, Count> out = new LinkedHashMap<>();
        for (String probe : set.probes()) {
            out.put(probe, evaluate(network, set.batches(probe)));
        }
        return out;
    }

    /** Accuracy and loss on a sequence of batches. */
    public static Count evaluate(Network network, Iterable<Batch> batches) {
        long correct = 0;
        long total = 0;
        double lossSum = 0.0;
        for (Batch batch : batches) {
            try (NDManager scope = network.manager().newSubManager()) {
                NDArray x = Network.images(scope, batch.images(), batch.size());
                NDArray logits = network.logits(x, false);
                long[] p = logits.argMax(1).toLongArray();
                float[] logProbabilities = logits.logSoftmax(1).toFloatArray();
                int classes = Math.toIntExact(logits.getShape().get(1));
                for (int i = 0; i < batch.size(); i++) {
                    int label = batch.labels()[i];
                    if (p[i] == label) {
                        correct++;
                    }
                    lossSum -= logProbabilities[i * classes + label];
                }
                total += batch.size();
            }
        }
        return new Count(correct, total, lossSum);
    }
}
