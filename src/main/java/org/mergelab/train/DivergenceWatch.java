package org.mergelab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.Deque;
import org.mergelab.data.Batch;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;

/**
 * Stops training at the first step whose loss or gradients are not finite, and says what it saw: the step, the first
 * tensor (PyTorch name) with a non-finite gradient, whether the batch was finite, and what to do. A lower learning
 * rate is suggested only when the loss was finite and rising before; a loss that is not finite from the first steps
 * points to {@code mergelab doctor}, since a correct engine does not produce that at any sane learning rate.
 */
final class DivergenceWatch {

    /** Steps with a finite loss that must precede a blow-up for it not to count as "from the first steps". */
    static final int FIRST_STEPS = 10;

    /** Finite losses kept to judge whether the loss was rising. */
    static final int WINDOW = 10;

    private final String taskName;
    private final double learningRate;
    private final Deque<Double> recent = new ArrayDeque<>();
    private long finiteSteps;

    DivergenceWatch(String taskName, double learningRate) {
        this.taskName = taskName;
        this.learningRate = learningRate;
    }

    /**
     * Checks one step after its backward pass, before the update.
     *
     * @throws IllegalStateException naming the step, tensor and batch when the loss or a gradient is not finite
     */
    void check(Network network, NDManager scope, Batch batch, double loss, int epoch, int batchIndex) {
        if (Double.isFinite(loss) && Double.isFinite(gradientSum(network, scope))) {
            record(loss);
            return;
        }
        throw new IllegalStateException(describe(network, scope, batch, loss, epoch, batchIndex));
    }

    private String describe(Network network, NDManager scope, Batch batch, double loss, int epoch, int batchIndex) {
        StringBuilder m = new StringBuilder(taskName).append(": training diverged at step ").append(finiteSteps + 1)
                .append(" (epoch ").append(epoch + 1).append(", batch ").append(batchIndex + 1).append("): loss ")
                .append(loss);
        String tensor = firstNonFiniteGradient(network, scope);
        m.append(tensor == null ? ", every gradient finite" : ", first non-finite gradient '" + tensor + "'");
        int bad = firstNonFinite(batch.images());
        m.append(bad < 0 ? ", the batch was finite" : ", the batch held a non-finite value at float " + bad);
        m.append("; ").append(advice());
        return m.toString();
    }

    /** The advice: learning rate only for a finite loss that was rising, the doctor otherwise. */
    String advice() {
        if (finiteSteps < FIRST_STEPS) {
            return "the loss was not finite from the first steps, which points to the engine rather than the"
                    + " learning rate: run 'mergelab doctor'";
        }
        if (rising()) {
            return String.format("the loss was rising before (%.4g to %.4g over the last %d steps): lower"
                    + " learning_rate (now %s)", recent.getFirst(), recent.getLast(), recent.size(), learningRate);
        }
        return "the loss was finite and not rising before: run 'mergelab doctor' to check the engine";
    }

    /** True when the recent finite losses went up: the later half's mean above the earlier half's, and a new high. */
    boolean rising() {
        if (recent.size() < 4) {
            return false;
        }
        Double[] values = recent.toArray(new Double[0]);
        int half = values.length / 2;
        double early = 0;
        double late = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            if (i < half) {
                early += values[i] / half;
            } else {
                late += values[i] / (values.length - half);
            }
            min = Math.min(min, values[i]);
        }
        return late > early && values[values.length - 1] > 1.1 * min;
    }

    /** Records a finite step's loss. */
    void record(double loss) {
        finiteSteps++;
        recent.addLast(loss);
        if (recent.size() > WINDOW) {
            recent.removeFirst();
        }
    }

    /** The sum of every gradient: not finite when any gradient is not (or, rarely, when the sum overflows). */
    private static double gradientSum(Network network, NDManager scope) {
        NDArray sum = null;
        for (NamedParameter p : network.parameters()) {
            if (!p.trainable()) {
                continue;
            }
            NDArray g = p.parameter().getArray().getGradient();
            g.attach(scope); // the sum and every partial result are made in the step's scope too
            sum = sum == null ? g.sum() : sum.add(g.sum());
        }
        return sum == null ? 0 : sum.getFloat();
    }

    private static String firstNonFiniteGradient(Network network, NDManager scope) {
        for (NamedParameter p : network.parameters()) {
            if (!p.trainable()) {
                continue;
            }
            NDArray g = p.parameter().getArray().getGradient();
            g.attach(scope);
            if (firstNonFinite(g.toFloatArray()) >= 0) {
                return p.name();
            }
        }
        return null;
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }
}
