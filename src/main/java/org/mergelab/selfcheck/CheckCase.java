package org.mergelab.selfcheck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mergelab.model.ModelSpec;

/**
 * One operation at one shape, as the known-answer check runs it. Every shape is NCHW with batch {@code batch}.
 */
public sealed interface CheckCase {

    /** The operation, e.g. {@code conv2d}, {@code batch_norm}. */
    String operation();

    /** The shape in oneDNN's notation where it has one, e.g. {@code mb128_ic8oc16_ih32oh16_kh1sh2ph0}. */
    String shape();

    /** Operation and shape, for messages. */
    default String label() {
        return operation() + " " + shape();
    }

    /**
     * A 2-D convolution without bias, square kernel, stride and padding, as {@code Conv2d} runs it.
     *
     * @param batch images
     * @param in input channels
     * @param out output channels
     * @param size input height and width
     * @param kernel kernel height and width
     * @param stride stride in both directions
     * @param padding zero padding on each side
     */
    record Convolution(int batch, int in, int out, int size, int kernel, int stride, int padding) implements CheckCase {
        /** Output height and width. */
        public int outSize() {
            return (size + 2 * padding - kernel) / stride + 1;
        }

        @Override
        public String operation() {
            return "conv2d";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_ic" + in + "oc" + out + "_ih" + size + "oh" + outSize() + "_kh" + kernel + "sh"
                    + stride + "ph" + padding;
        }
    }

    /**
     * BatchNorm in training mode (batch statistics, running statistics updated), with weight and bias.
     *
     * @param batch images
     * @param channels channels
     * @param size height and width
     */
    record BatchNorm(int batch, int channels, int size) implements CheckCase {
        @Override
        public String operation() {
            return "batch_norm(training)";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_c" + channels + "_h" + size + "w" + size;
        }
    }

    /**
     * ReLU.
     *
     * @param batch images
     * @param channels channels
     * @param size height and width
     */
    record Relu(int batch, int channels, int size) implements CheckCase {
        @Override
        public String operation() {
            return "relu";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_c" + channels + "_h" + size + "w" + size;
        }
    }

    /**
     * Global average pooling over height and width.
     *
     * @param batch images
     * @param channels channels
     * @param size height and width
     */
    record GlobalAveragePool(int batch, int channels, int size) implements CheckCase {
        @Override
        public String operation() {
            return "global_avg_pool";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_c" + channels + "_h" + size + "w" + size;
        }
    }

    /**
     * The linear layer with bias.
     *
     * @param batch rows
     * @param in input features
     * @param out output features
     */
    record Linear(int batch, int in, int out) implements CheckCase {
        @Override
        public String operation() {
            return "linear";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_ic" + in + "oc" + out;
        }
    }

    /**
     * Mean softmax cross-entropy over a batch, as the trainer computes its loss.
     *
     * @param batch rows
     * @param classes classes
     */
    record CrossEntropy(int batch, int classes) implements CheckCase {
        @Override
        public String operation() {
            return "softmax_cross_entropy";
        }

        @Override
        public String shape() {
            return "mb" + batch + "_classes" + classes;
        }
    }

    /**
     * The cases at the trainer's real shapes: every (in, out, kernel, stride, size) of the CIFAR ResNet at each width,
     * with BatchNorm, ReLU, pooling, the linear layer and the loss at the shapes they meet. ResNet-8 and ResNet-20 (any
     * depth) share these: depth only repeats the stride-1 blocks.
     *
     * @param batch the training batch size (128 in every shipped config)
     * @param widths ResNet widths, e.g. 4, 8, 16
     * @param classes classes of the final layer
     */
    static List<CheckCase> trainerShapes(int batch, List<Integer> widths, int classes) {
        Set<CheckCase> cases = new LinkedHashSet<>();
        for (int w : widths) {
            cases.add(new Convolution(batch, 3, w, 32, 3, 1, 1));
            int in = w;
            int size = 32;
            for (int stage = 0; stage < 3; stage++) {
                int out = w << stage;
                int stride = stage > 0 ? 2 : 1;
                cases.add(new Convolution(batch, in, out, size, 3, stride, 1));
                if (stride != 1 || in != out) {
                    cases.add(new Convolution(batch, in, out, size, 1, stride, 0));
                }
                size /= stride;
                cases.add(new Convolution(batch, out, out, size, 3, 1, 1));
                cases.add(new BatchNorm(batch, out, size));
                cases.add(new Relu(batch, out, size));
                in = out;
            }
            cases.add(new GlobalAveragePool(batch, 4 * w, 8));
            cases.add(new Linear(batch, 4 * w, classes));
        }
        cases.add(new CrossEntropy(batch, classes));
        return new ArrayList<>(cases);
    }

    /** The network of the whole-step check: ResNet-8 at width 8, the demo's network. */
    ModelSpec WHOLE_STEP_MODEL = new ModelSpec("resnet", 8, 8);
}
