package org.mergelab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.model.NamedParameter;

/**
 * SGD with momentum and weight decay, with PyTorch's semantics ({@code torch.optim.SGD}, no
 * dampening, no Nesterov): {@code d = g + wd w; v = m v + d; w = w - lr v}. Unlike DJL's
 * {@code Sgd}, its momentum buffers can be read and restored, so an epoch checkpoint holds the
 * complete optimizer state.
 */
final class SgdMomentum implements AutoCloseable {

    private final List<NamedParameter> parameters;
    private final List<NDArray> velocity = new ArrayList<>();
    private final float momentum;
    private final float weightDecay;
    private final NDManager manager;

    SgdMomentum(List<NamedParameter> all, NDManager parent, double momentum, double weightDecay) {
        this.parameters = all.stream().filter(NamedParameter::trainable).toList();
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        this.manager = parent.newSubManager();
        for (NamedParameter p : parameters) {
            velocity.add(manager.zeros(p.parameter().getArray().getShape()));
        }
    }

    /** Applies one update with the gradients left by the last backward pass, then zeroes them. */
    void step(double learningRate, NDManager scope) {
        float lr = (float) learningRate;
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).parameter().getArray();
            NDArray v = velocity.get(i);
            NDArray g = w.getGradient();
            g.attach(scope);
            NDArray d = w.mul(weightDecay);
            d.attach(scope);
            d.addi(g);
            v.muli(momentum).addi(d);
            NDArray update = v.mul(lr);
            update.attach(scope);
            w.subi(update);
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    /** The momentum buffers under the names of their parameters. */
    NamedTensors state() {
        NamedTensors t = new NamedTensors();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray v = velocity.get(i);
            t.put(parameters.get(i).name(), Tensor.ofFloats(v.getShape().getShape(), v.toFloatArray()));
        }
        return t;
    }

    /** Restores momentum buffers written by {@link #state()}. */
    void load(NamedTensors state) {
        if (state.size() != parameters.size()) {
            throw new IllegalArgumentException(
                    "optimizer state holds " + state.size() + " buffers, expected " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            float[] values = state.get(parameters.get(i).name()).toFloats();
            velocity.get(i).set(FloatBuffer.wrap(values));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
