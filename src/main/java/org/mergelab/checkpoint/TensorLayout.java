package org.mergelab.checkpoint;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names, dtypes and shapes of one checkpoint's tensors, and where they come from (a file, or a name for
 * messages), so that two checkpoints can be checked alike before anything is read ({@link #requireSame}).
 */
public final class TensorLayout {

    /** What {@link #requireSame} asks of the dtypes of two tensors of the same name. */
    public enum DTypes {
        /** The same dtype. */
        SAME,
        /** Floating point in both (any widths), or the same dtype: what a merge reads as float32 or copies. */
        SAME_KIND,
        /** Anything: only names and shapes are compared. */
        ANY
    }

    private record Entry(DType dtype, long[] shape) {}

    private final String source;
    private final Map<String, Entry> tensors;

    private TensorLayout(String source, Map<String, Entry> tensors) {
        this.source = source;
        this.tensors = tensors;
    }

    /** The layout of an open checkpoint, named by its path. */
    public static TensorLayout of(TensorSource source) {
        return of(source.path().toString(), source.tensors());
    }

    /** The layout of tensors described by {@code infos}, named {@code source} in messages. */
    public static TensorLayout of(String source, List<TensorInfo> infos) {
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            tensors.put(info.name(), new Entry(info.dtype(), info.shape()));
        }
        return new TensorLayout(source, tensors);
    }

    /** The layout of tensors in memory, named {@code source} in messages. */
    public static TensorLayout of(String source, NamedTensors named) {
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : named) {
            tensors.put(e.getKey(), new Entry(e.getValue().dtype(), e.getValue().shape()));
        }
        return new TensorLayout(source, tensors);
    }

    /**
     * Requires the same tensor names (in any order), the same shapes and dtypes as {@code dtypes} says. The first
     * difference, in {@code first}'s order and then {@code second}'s, is an {@link IllegalArgumentException} that
     * names the tensor, both sources and both values, e.g. {@code tensor 'fc.weight' has shape [10, 64] in a but
     * [10, 32] in b}.
     */
    public static void requireSame(TensorLayout first, TensorLayout second, DTypes dtypes) {
        for (Map.Entry<String, Entry> e : first.tensors.entrySet()) {
            String name = e.getKey();
            Entry a = e.getValue();
            Entry b = second.tensors.get(name);
            if (b == null) {
                throw new IllegalArgumentException("tensor '" + name + "' is in " + first.source + " but not in "
                        + second.source);
            }
            requireSameShape(name, a.shape(), first.source, b.shape(), second.source);
            boolean matches = switch (dtypes) {
                case SAME -> a.dtype() == b.dtype();
                case SAME_KIND -> a.dtype() == b.dtype()
                        || (a.dtype().isFloatingPoint() && b.dtype().isFloatingPoint());
                case ANY -> true;
            };
            if (!matches) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + a.dtype().safetensorsName() + " in "
                        + first.source + " but " + b.dtype().safetensorsName() + " in " + second.source
                        + (dtypes == DTypes.SAME_KIND
                                ? "; float tensors merge with float tensors, other dtypes must match exactly" : ""));
            }
        }
        for (String name : second.tensors.keySet()) {
            if (!first.tensors.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' is in " + second.source + " but not in "
                        + first.source);
            }
        }
    }

    /**
     * Requires equal shapes of tensor {@code name}; the message names the tensor, both sources and both shapes.
     */
    public static void requireSameShape(String name, long[] first, Object firstSource, long[] second,
            Object secondSource) {
        if (!Arrays.equals(first, second)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Tensor.shapeString(first) + " in "
                    + firstSource + " but " + Tensor.shapeString(second) + " in " + secondSource);
        }
    }
}
