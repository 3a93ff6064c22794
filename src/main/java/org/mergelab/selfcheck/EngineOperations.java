package org.mergelab.selfcheck;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.mergelab.data.Batch;
import org.mergelab.model.Network;

/**
 * The engine side of the known-answer check: runs an operation, forward and backward, and returns every tensor it
 * computed by name. {@link DjlOperations} is the real engine; tests wrap it to inject faults.
 */
public interface EngineOperations {

    /**
     * A tensor as the engine computed it.
     *
     * @param shape its shape
     * @param values its values, row-major
     */
    record Computed(long[] shape, float[] values) {
        /** Requires values that fill the shape. */
        public Computed {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(values, "values");
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
            }
        }
    }

    /**
     * The inputs of one case.
     *
     * @param tensors named float inputs (e.g. {@code input}, {@code weight}, {@code upstream}: the gradient that
     *     flows back into the operation's output)
     * @param labels class labels (cross-entropy), empty otherwise
     */
    record Inputs(Map<String, float[]> tensors, int[] labels) {
        /** The named input; fails naming it when absent. */
        public float[] get(String name) {
            float[] t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no input '" + name + "'");
            }
            return t;
        }
    }

    /**
     * Runs one operation forward, then backward with {@code inputs.get("upstream")} as the gradient of its output
     * (cross-entropy: of its scalar loss).
     *
     * @return {@code output} and one {@code grad_<input>} per differentiable input; BatchNorm adds its updated
     *     {@code running_mean} and {@code running_var}; cross-entropy returns {@code loss} and {@code grad_logits}
     */
    Map<String, Computed> run(CheckCase c, Inputs inputs);

    /**
     * One training step's forward and backward pass exactly as the trainer runs it, without the update.
     *
     * @return {@code loss}, {@code grad:<name>} for every trainable tensor and the updated BatchNorm running
     *     statistics under their own names
     */
    Map<String, Computed> trainingStep(Network network, Batch batch);
}
