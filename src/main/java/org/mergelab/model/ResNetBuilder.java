package org.mergelab.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the CIFAR ResNet of a {@link ModelSpec} out of DJL blocks and records, for every
 * convolution, BatchNorm and linear layer, the PyTorch-style prefix of its tensors (torchvision
 * naming: {@code conv1}, {@code bn1}, {@code layer2.0.shortcut.0}, {@code fc}).
 */
final class ResNetBuilder {

    /** A layer with parameters and its name prefix. */
    record NamedLayer(String prefix, Block block, LayerKind kind) {}

    enum LayerKind {
        CONV,
        BATCH_NORM,
        LINEAR
    }

    private final List<NamedLayer> layers = new ArrayList<>();

    /** The listener of the forward pass in progress, or null: read by the taps in front of every linear map. */
    private volatile LayerInputListener listener;

    List<NamedLayer> layers() {
        return layers;
    }

    /** Sets (or, with null, clears) the listener the taps report layer inputs to. */
    void listen(LayerInputListener listener) {
        this.listener = listener;
    }

    /** An identity block that hands its input to the listener, if one is set, as the input of {@code layer}. */
    private Block tap(LinearMapInput layer) {
        return new LambdaBlock(inputs -> {
            LayerInputListener current = listener;
            if (current != null) {
                current.accept(layer, inputs.singletonOrThrow());
            }
            return inputs;
        }, "tap");
    }

    Block build(ModelSpec spec, int numClasses) {
        SequentialBlock net = new SequentialBlock();
        net.add(conv("conv1", spec.width(), 1));
        net.add(batchNorm("bn1"));
        net.add(Activation.reluBlock());
        int in = spec.width();
        for (int stage = 0; stage < 3; stage++) {
            int out = spec.width() << stage;
            for (int b = 0; b < spec.blocksPerStage(); b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                net.add(basicBlock("layer" + (stage + 1) + "." + b, in, out, stride));
                in = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        Block fc = Linear.builder().setUnits(numClasses).build();
        layers.add(new NamedLayer("fc", fc, LayerKind.LINEAR));
        net.add(tap(LinearMapInput.dense("fc.weight")));
        net.add(fc);
        return net;
    }

    private Block basicBlock(String prefix, int in, int out, int stride) {
        SequentialBlock main = new SequentialBlock();
        main.add(conv(prefix + ".conv1", out, stride));
        main.add(batchNorm(prefix + ".bn1"));
        main.add(Activation.reluBlock());
        main.add(conv(prefix + ".conv2", out, 1));
        main.add(batchNorm(prefix + ".bn2"));
        Block shortcut;
        if (stride != 1 || in != out) {
            SequentialBlock projection = new SequentialBlock();
            projection.add(tap(new LinearMapInput(prefix + ".shortcut.0.weight", 1, stride, 0)));
            projection.add(
                    register(
                            prefix + ".shortcut.0",
                            Conv2d.builder()
                                    .setKernelShape(new Shape(1, 1))
                                    .optStride(new Shape(stride, stride))
                                    .setFilters(out)
                                    .optBias(false)
                                    .build(),
                            LayerKind.CONV));
            projection.add(batchNorm(prefix + ".shortcut.1"));
            shortcut = projection;
        } else {
            shortcut = Blocks.identityBlock();
        }
        SequentialBlock block = new SequentialBlock();
        block.add(
                new ParallelBlock(
                        branches ->
                                new NDList(
                                        branches.get(0)
                                                .singletonOrThrow()
                                                .add(branches.get(1).singletonOrThrow())),
                        List.of(main, shortcut)));
        block.add(Activation.reluBlock());
        return block;
    }

    /** A 3x3 convolution with padding 1, behind a tap of its input. */
    private Block conv(String prefix, int filters, int stride) {
        SequentialBlock tapped = new SequentialBlock();
        tapped.add(tap(new LinearMapInput(prefix + ".weight", 3, stride, 1)));
        tapped.add(register(
                prefix,
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(stride, stride))
                        .optPadding(new Shape(1, 1))
                        .setFilters(filters)
                        .optBias(false)
                        .build(),
                LayerKind.CONV));
        return tapped;
    }

    private Block batchNorm(String prefix) {
        // DJL's momentum 0.9 is PyTorch's momentum 0.1: running = 0.9 running + 0.1 batch.
        return register(
                prefix,
                BatchNorm.builder().optEpsilon(Network.BATCH_NORM_EPSILON).optMomentum(Network.BATCH_NORM_MOMENTUM).build(),
                LayerKind.BATCH_NORM);
    }

    private Block register(String prefix, Block block, LayerKind kind) {
        layers.add(new NamedLayer(prefix, block, kind));
        return block;
    }
}
