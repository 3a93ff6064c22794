package org.mergelab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.engine.TorchEngine;

/**
 * A network built from a {@link ModelSpec}, with its tensors under PyTorch-style names, on the
 * CPU. Owns the NDManager that holds its parameters; close it when done.
 *
 * <p>Initialisation is our own and seeded (never the engine's global random source): convolutions
 * Kaiming-normal with fan-out (torchvision's ResNet), BatchNorm weight 1 and bias 0, running mean 0
 * and variance 1, the final linear layer uniform in +-1/sqrt(fan_in) (PyTorch's default).
 */
public final class Network implements AutoCloseable {

    /** Input images are 3 x 32 x 32. */
    public static final int CHANNELS = 3;

    /** Height and width of an input image. */
    public static final int SIZE = 32;

    /** DJL's BatchNorm momentum (running = 0.9 running + 0.1 batch; PyTorch's momentum 0.1). */
    public static final float BATCH_NORM_MOMENTUM = 0.9f;

    /**
     * The weight of a batch statistic in one running-statistic update, exactly as passed to PyTorch
     * ({@code 1 - BATCH_NORM_MOMENTUM} in float).
     */
    public static final double BATCH_NORM_UPDATE_FACTOR = 1f - BATCH_NORM_MOMENTUM;

    /** BatchNorm's epsilon, added to the variance (PyTorch's default). */
    public static final float BATCH_NORM_EPSILON = 1e-5f;

    private final ModelSpec spec;
    private final int numClasses;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final List<NamedParameter> parameters;
    private final ResNetBuilder builder;

    private Network(ModelSpec spec, int numClasses, NDManager manager, Block block, List<NamedParameter> parameters,
            ResNetBuilder builder) {
        this.builder = builder;
        this.spec = spec;
        this.numClasses = numClasses;
        this.manager = manager;
        this.block = block;
        this.parameters = List.copyOf(parameters);
        this.store = new ParameterStore(manager, false);
    }

    /**
     * Builds and initialises a network.
     *
     * @param spec the architecture
     * @param numClasses outputs of the final layer
     * @param seed seed of the initialisation
     * @return a new network; the caller closes it
     */
    public static Network create(ModelSpec spec, int numClasses, long seed) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses: " + numClasses + " is below 2");
        }
        NDManager manager = TorchEngine.newManager();
        try {
            ResNetBuilder builder = new ResNetBuilder();
            Block block = builder.build(spec, numClasses);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, CHANNELS, SIZE, SIZE));
            List<NamedParameter> named = new ArrayList<>();
            for (ResNetBuilder.NamedLayer layer : builder.layers()) {
                for (Pair<String, Parameter> p : layer.block().getParameters()) {
                    String suffix = torchSuffix(p.getKey());
                    boolean trainable = p.getValue().requiresGradient();
                    named.add(new NamedParameter(layer.prefix() + "." + suffix, p.getValue(), trainable));
                }
            }
            checkUnique(named);
            Network network = new Network(spec, numClasses, manager, block, named, builder);
            network.initialize(seed);
            return network;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static String torchSuffix(String djlName) {
        return switch (djlName) {
            case "weight", "gamma" -> "weight";
            case "bias", "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> throw new IllegalStateException("unexpected DJL parameter '" + djlName + "'");
        };
    }

    private static void checkUnique(List<NamedParameter> named) {
        Set<String> seen = new HashSet<>();
        for (NamedParameter p : named) {
            if (!seen.add(p.name())) {
                throw new IllegalStateException("duplicate parameter name " + p.name());
            }
        }
    }

    private void initialize(long seed) {
        for (NamedParameter p : parameters) {
            // one stream per tensor, derived from the seed and the name: order-independent
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * p.name().hashCode()));
            long[] shape = p.parameter().getArray().getShape().getShape();
            int n = Math.toIntExact(new Shape(shape).size());
            float[] values = new float[n];
            String name = p.name();
            if (name.endsWith("running_var")) {
                Arrays.fill(values, 1f);
            } else if (name.endsWith("running_mean") || name.endsWith(".bias") && !name.startsWith("fc.")) {
                // zeros
            } else if (isBatchNormWeight(name)) {
                Arrays.fill(values, 1f);
            } else if (name.startsWith("fc.")) {
                long fanIn = name.endsWith(".weight") ? shape[1] : parameterShape("fc.weight")[1];
                double bound = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < n; i++) {
                    values[i] = (float) random.nextDouble(-bound, bound);
                }
            } else {
                long fanOut = shape[0] * shape[2] * shape[3];
                double std = Math.sqrt(2.0 / fanOut);
                for (int i = 0; i < n; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            p.parameter().getArray().set(FloatBuffer.wrap(values));
        }
    }

    private boolean isBatchNormWeight(String name) {
        return name.endsWith(".weight") && parameters.stream()
                .anyMatch(q -> q.name().equals(name.substring(0, name.length() - "weight".length()) + "running_mean"));
    }

    private long[] parameterShape(String name) {
        return parameter(name).parameter().getArray().getShape().getShape();
    }

    private NamedParameter parameter(String name) {
        for (NamedParameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** The architecture. */
    public ModelSpec spec() {
        return spec;
    }

    /** Number of output classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Every tensor, in a fixed order (the order of layers, then weight, bias, running stats). */
    public List<NamedParameter> parameters() {
        return parameters;
    }

    /** The manager holding the parameters. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Computes logits for a batch.
     *
     * @param images NCHW float images, N x 3 x 32 x 32
     * @param training true uses batch statistics in BatchNorm and updates the running ones
     * @return N x numClasses logits, attached to the images' manager
     */
    public NDArray logits(NDArray images, boolean training) {
        NDList out = block.forward(store, new NDList(images), training);
        return out.singletonOrThrow();
    }

    /**
     * Computes logits as {@link #logits(NDArray, boolean)} does, handing the input of every linear map (each
     * convolution and the final linear layer) to {@code listener} as the pass reaches it. One pass at a time.
     *
     * @param images NCHW float images, N x 3 x 32 x 32
     * @param training as in {@link #logits(NDArray, boolean)}
     * @param listener receives each layer's input during the pass
     * @return N x numClasses logits
     */
    public NDArray logits(NDArray images, boolean training, LayerInputListener listener) {
        builder.listen(listener);
        try {
            return logits(images, training);
        } finally {
            builder.listen(null);
        }
    }

    /**
     * Wraps a float batch as an NDArray in {@code scope}.
     *
     * @param scope the manager the array belongs to
     * @param images NCHW floats; only the first {@code count} images are used
     * @param count number of images
     */
    public static NDArray images(NDManager scope, float[] images, int count) {
        int len = count * CHANNELS * SIZE * SIZE;
        return scope.create(FloatBuffer.wrap(images, 0, len), new Shape(count, CHANNELS, SIZE, SIZE));
    }

    /** A copy of every tensor (parameters and BatchNorm running statistics) in F32. */
    public NamedTensors toTensors() {
        NamedTensors tensors = new NamedTensors();
        for (NamedParameter p : parameters) {
            NDArray a = p.parameter().getArray();
            tensors.put(p.name(), Tensor.ofFloats(a.getShape().getShape(), a.toFloatArray()));
        }
        return tensors;
    }

    /**
     * Replaces every tensor with those of {@code tensors}.
     *
     * @throws IllegalArgumentException naming the tensor when a name is missing or extra, or a
     *     shape differs, or a value is not finite
     */
    public void load(NamedTensors tensors) {
        Set<String> expected = new HashSet<>();
        for (NamedParameter p : parameters) {
            expected.add(p.name());
        }
        for (String name : tensors.names()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' is not a parameter of " + spec.displayName() + " with " + numClasses + " classes");
            }
        }
        for (NamedParameter p : parameters) {
            if (!tensors.names().contains(p.name())) {
                throw new IllegalArgumentException("tensor '" + p.name() + "' is missing");
            }
            Tensor t = tensors.get(p.name());
            NDArray a = p.parameter().getArray();
            long[] want = a.getShape().getShape();
            if (!Arrays.equals(want, t.shape())) {
                throw new IllegalArgumentException(
                        "tensor '" + p.name() + "' has shape " + Arrays.toString(t.shape())
                                + ", the network expects " + Arrays.toString(want));
            }
            float[] values = t.toFloats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException(
                            "tensor '" + p.name() + "' holds a non-finite value " + values[i] + " at index " + i);
                }
            }
            a.set(FloatBuffer.wrap(values));
        }
    }

    /** Copies the current tensors into a name-to-array map (for tests and statistics). */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> map = new java.util.LinkedHashMap<>();
        for (NamedParameter p : parameters) {
            map.put(p.name(), p.parameter().getArray().toFloatArray());
        }
        return map;
    }

    @Override
    public void close() {
        manager.close();
    }
}
