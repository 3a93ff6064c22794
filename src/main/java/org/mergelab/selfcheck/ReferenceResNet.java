package org.mergelab.selfcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;

/**
 * One training step of the CIFAR ResNet in float64 on {@link ReferenceOps}: the same architecture and tensor names as
 * {@code model.ResNetBuilder} (conv1, bn1, layerS.B.conv1/bn1/conv2/bn2, layerS.B.shortcut.0/1, fc), forward in
 * training mode, mean cross-entropy, and backward by a small tape.
 */
final class ReferenceResNet {

    /**
     * What the step computed.
     *
     * @param loss mean cross-entropy
     * @param tensors {@code grad:<name>} for every trainable tensor, and the updated running statistics by name
     */
    record Step(double loss, Map<String, double[]> tensors) {}

    /** A value in the graph and the gradient flowing into it. */
    private static final class Node {
        final double[] value;
        double[] grad;

        Node(double[] value) {
            this.value = value;
        }

        void accumulate(double[] g) {
            if (grad == null) {
                grad = g.clone();
            } else {
                for (int i = 0; i < g.length; i++) {
                    grad[i] += g[i];
                }
            }
        }
    }

    private final Map<String, double[]> params;
    private final int batch;
    private final List<Runnable> tape = new ArrayList<>();
    private final Map<String, double[]> out = new LinkedHashMap<>();

    private ReferenceResNet(Map<String, double[]> params, int batch) {
        this.params = params;
        this.batch = batch;
    }

    /**
     * Runs one step.
     *
     * @param spec the architecture
     * @param classes outputs of the final layer
     * @param params every tensor by PyTorch name, as the network holds them before the step
     * @param images N x 3 x 32 x 32
     * @param labels N labels
     */
    static Step trainingStep(ModelSpec spec, int classes, Map<String, double[]> params, double[] images, int[] labels) {
        ReferenceResNet r = new ReferenceResNet(params, labels.length);
        return r.run(spec, classes, images, labels);
    }

    private Step run(ModelSpec spec, int classes, double[] images, int[] labels) {
        int w = spec.width();
        Node x = new Node(images);
        Node h = relu(batchNorm(conv(x, "conv1", 3, w, 32, 3, 1), "bn1", w, 32));
        int in = w;
        int size = 32;
        for (int stage = 0; stage < 3; stage++) {
            int outChannels = w << stage;
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                String p = "layer" + (stage + 1) + "." + b;
                int outSize = size / stride;
                Node main = relu(batchNorm(conv(h, p + ".conv1", in, outChannels, size, 3, stride), p + ".bn1",
                        outChannels, outSize));
                main = batchNorm(conv(main, p + ".conv2", outChannels, outChannels, outSize, 3, 1), p + ".bn2",
                        outChannels, outSize);
                Node shortcut = h;
                if (stride != 1 || in != outChannels) {
                    shortcut = batchNorm(conv(h, p + ".shortcut.0", in, outChannels, size, 1, stride),
                            p + ".shortcut.1", outChannels, outSize);
                }
                h = relu(add(main, shortcut));
                in = outChannels;
                size = outSize;
            }
        }
        Node pooled = globalAveragePool(h, in, size * size);
        Node logits = linear(pooled, "fc", in, classes);
        double[][] ce = ReferenceOps.crossEntropy(logits.value, labels, batch, classes);
        logits.accumulate(ce[1]);
        for (int i = tape.size() - 1; i >= 0; i--) {
            tape.get(i).run();
        }
        return new Step(ce[0][0], out);
    }

    private double[] param(String name) {
        double[] p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("the network has no tensor '" + name + "'");
        }
        return p;
    }

    private Node conv(Node x, String name, int in, int outChannels, int size, int kernel, int stride) {
        CheckCase.Convolution c = new CheckCase.Convolution(batch, in, outChannels, size, kernel, stride,
                kernel / 2);
        double[] w = param(name + ".weight");
        Node y = new Node(ReferenceOps.convForward(x.value, w, c));
        out.put("grad:" + name + ".weight", null); // keeps the network's order of names
        tape.add(() -> {
            x.accumulate(ReferenceOps.convBackwardData(y.grad, w, c));
            out.put("grad:" + name + ".weight", ReferenceOps.convBackwardWeight(y.grad, x.value, c));
        });
        return y;
    }

    private Node batchNorm(Node x, String name, int channels, int size) {
        double[] gamma = param(name + ".weight");
        ReferenceOps.BatchNormForward f = ReferenceOps.batchNormForward(x.value, gamma, param(name + ".bias"),
                param(name + ".running_mean"), param(name + ".running_var"), batch, channels, size * size,
                Network.BATCH_NORM_UPDATE_FACTOR, Network.BATCH_NORM_EPSILON);
        out.put("grad:" + name + ".weight", null);
        out.put("grad:" + name + ".bias", null);
        out.put(name + ".running_mean", f.runningMean());
        out.put(name + ".running_var", f.runningVar());
        Node y = new Node(f.output());
        tape.add(() -> {
            double[][] g = ReferenceOps.batchNormBackward(y.grad, f, gamma, batch, channels, size * size);
            x.accumulate(g[0]);
            out.put("grad:" + name + ".weight", g[1]);
            out.put("grad:" + name + ".bias", g[2]);
        });
        return y;
    }

    private Node relu(Node x) {
        Node y = new Node(ReferenceOps.relu(x.value));
        tape.add(() -> x.accumulate(ReferenceOps.reluBackward(y.grad, y.value)));
        return y;
    }

    private Node add(Node a, Node b) {
        Node y = new Node(ReferenceOps.add(a.value, b.value));
        tape.add(() -> {
            a.accumulate(y.grad);
            b.accumulate(y.grad);
        });
        return y;
    }

    private Node globalAveragePool(Node x, int channels, int spatial) {
        Node y = new Node(ReferenceOps.globalAveragePool(x.value, batch, channels, spatial));
        tape.add(() -> x.accumulate(ReferenceOps.globalAveragePoolBackward(y.grad, batch, channels, spatial)));
        return y;
    }

    private Node linear(Node x, String name, int in, int outFeatures) {
        double[] w = param(name + ".weight");
        Node y = new Node(ReferenceOps.linear(x.value, w, param(name + ".bias"), batch, in, outFeatures));
        out.put("grad:" + name + ".weight", null);
        out.put("grad:" + name + ".bias", null);
        tape.add(() -> {
            double[][] g = ReferenceOps.linearBackward(y.grad, x.value, w, batch, in, outFeatures);
            x.accumulate(g[0]);
            out.put("grad:" + name + ".weight", g[1]);
            out.put("grad:" + name + ".bias", g[2]);
        });
        return y;
    }
}
