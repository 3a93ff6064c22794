package org.mergelab.selfcheck;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mergelab.data.Batch;
import org.mergelab.engine.TorchEngine;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;
import org.mergelab.train.Trainer;

/**
 * The real engine: each operation through the same DJL call the trainer's blocks make ({@code Conv2d.conv2d},
 * {@code BatchNorm.batchNorm} in training mode with the network's momentum and epsilon, {@code Activation.relu},
 * {@code Pool.globalAvgPool2d}, {@code Linear.linear}, {@link Trainer#crossEntropy}), and the training step through
 * {@link Trainer#forwardBackward}. Gradients come from the engine's autograd.
 */
public final class DjlOperations implements EngineOperations {

    @Override
    public Map<String, Computed> run(CheckCase c, Inputs in) {
        try (NDManager m = TorchEngine.newManager()) {
            Map<String, Computed> out = new LinkedHashMap<>();
            switch (c) {
                case CheckCase.Convolution cv -> {
                    NDArray x = input(m, in.get("input"), cv.batch(), cv.in(), cv.size(), cv.size());
                    NDArray w = input(m, in.get("weight"), cv.out(), cv.in(), cv.kernel(), cv.kernel());
                    NDArray y;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        y = Conv2d.conv2d(x, w, null, new Shape(cv.stride(), cv.stride()),
                                new Shape(cv.padding(), cv.padding()), new Shape(1, 1), 1).singletonOrThrow();
                        backward(g, m, y, in);
                    }
                    out.put("output", computed(y));
                    out.put("grad_input", computed(x.getGradient()));
                    out.put("grad_weight", computed(w.getGradient()));
                }
                case CheckCase.BatchNorm bn -> {
                    NDArray x = input(m, in.get("input"), bn.batch(), bn.channels(), bn.size(), bn.size());
                    NDArray gamma = input(m, in.get("weight"), bn.channels());
                    NDArray beta = input(m, in.get("bias"), bn.channels());
                    NDArray mean = m.create(in.get("running_mean"), new Shape(bn.channels()));
                    NDArray var = m.create(in.get("running_var"), new Shape(bn.channels()));
                    NDArray y;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        y = BatchNorm.batchNorm(x, mean, var, gamma, beta, 1, Network.BATCH_NORM_MOMENTUM,
                                Network.BATCH_NORM_EPSILON, true).singletonOrThrow();
                        backward(g, m, y, in);
                    }
                    out.put("output", computed(y));
                    out.put("grad_input", computed(x.getGradient()));
                    out.put("grad_weight", computed(gamma.getGradient()));
                    out.put("grad_bias", computed(beta.getGradient()));
                    out.put("running_mean", computed(mean));
                    out.put("running_var", computed(var));
                }
                case CheckCase.Relu r -> {
                    NDArray x = input(m, in.get("input"), r.batch(), r.channels(), r.size(), r.size());
                    NDArray y;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        y = Activation.relu(x);
                        backward(g, m, y, in);
                    }
                    out.put("output", computed(y));
                    out.put("grad_input", computed(x.getGradient()));
                }
                case CheckCase.GlobalAveragePool p -> {
                    NDArray x = input(m, in.get("input"), p.batch(), p.channels(), p.size(), p.size());
                    NDArray y;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        y = Pool.globalAvgPool2d(x);
                        backward(g, m, y, in);
                    }
                    out.put("output", computed(y));
                    out.put("grad_input", computed(x.getGradient()));
                }
                case CheckCase.Linear l -> {
                    NDArray x = input(m, in.get("input"), l.batch(), l.in());
                    NDArray w = input(m, in.get("weight"), l.out(), l.in());
                    NDArray b = input(m, in.get("bias"), l.out());
                    NDArray y;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        y = Linear.linear(x, w, b).singletonOrThrow();
                        backward(g, m, y, in);
                    }
                    out.put("output", computed(y));
                    out.put("grad_input", computed(x.getGradient()));
                    out.put("grad_weight", computed(w.getGradient()));
                    out.put("grad_bias", computed(b.getGradient()));
                }
                case CheckCase.CrossEntropy ce -> {
                    NDArray z = input(m, in.get("logits"), ce.batch(), ce.classes());
                    long[] labels = new long[ce.batch()];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = in.labels()[i];
                    }
                    NDArray loss;
                    try (GradientCollector g = TorchEngine.newGradientCollector()) {
                        loss = Trainer.crossEntropy(z, m.create(labels));
                        g.backward(loss);
                    }
                    out.put("loss", computed(loss));
                    out.put("grad_logits", computed(z.getGradient()));
                }
            }
            return out;
        }
    }

    @Override
    public Map<String, Computed> trainingStep(Network network, Batch batch) {
        Map<String, Computed> out = new LinkedHashMap<>();
        try (NDManager scope = network.manager().newSubManager()) {
            Trainer.StepOutcome step = Trainer.forwardBackward(network, scope, batch);
            out.put("loss", new Computed(new long[0], new float[] {(float) step.loss()}));
            for (NamedParameter p : network.parameters()) {
                NDArray a = p.parameter().getArray();
                if (p.trainable()) {
                    NDArray g = a.getGradient();
                    g.attach(scope);
                    out.put("grad:" + p.name(), computed(g));
                } else {
                    out.put(p.name(), computed(a));
                }
            }
        }
        return out;
    }

    private static NDArray input(NDManager m, float[] values, long... shape) {
        NDArray a = m.create(FloatBuffer.wrap(values), new Shape(shape));
        a.setRequiresGradient(true);
        return a;
    }

    /** Backward of {@code sum(y * upstream)}: the upstream tensor becomes the gradient of {@code y}. */
    private static void backward(GradientCollector g, NDManager m, NDArray y, Inputs in) {
        NDArray upstream = m.create(FloatBuffer.wrap(in.get("upstream")), y.getShape());
        g.backward(y.mul(upstream).sum());
    }

    private static Computed computed(NDArray a) {
        return new Computed(a.getShape().getShape(), a.toFloatArray());
    }
}
