package org.mergelab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mergelab.data.Batch;
import org.mergelab.model.Network;

/** Runs probes: top-1 accuracy of a network, in inference mode (BatchNorm running statistics). */
public final class Probes {

    private Probes() {}

    /** Correct and total of one probe. */
    public record Count(long correct, long total) {

        /** correct / total. */
        public double accuracy() {
            return total == 0 ? Double.NaN : correct / (double) total;
        }
    }

    /** Accuracy of every probe of {@code set}, in its order. */
    public static Map<String, Count> evaluate(Network network, ProbeSet set) {
        Map<String, Count> out = new LinkedHashMap<>();
        for (String probe : set.probes()) {
            out.put(probe, evaluate(network, set.batches(probe)));
        }
        return out;
    }

    /** Accuracy on a sequence of batches. */
    public static Count evaluate(Network network, Iterable<Batch> batches) {
        long correct = 0;
        long total = 0;
        for (Batch batch : batches) {
            try (NDManager scope = network.manager().newSubManager()) {
                NDArray x = Network.images(scope, batch.images(), batch.size());
                NDArray predicted = network.logits(x, false).argMax(1);
                long[] p = predicted.toLongArray();
                for (int i = 0; i < batch.size(); i++) {
                    if (p[i] == batch.labels()[i]) {
                        correct++;
                    }
                }
                total += batch.size();
            }
        }
        return new Count(correct, total);
    }
}
