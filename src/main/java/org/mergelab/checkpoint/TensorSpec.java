package org.mergelab.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link SafetensorsWriter} will write under one name: dtype and shape, known before any bytes.
 *
 * @param name tensor name (not empty, not {@code __metadata__})
 * @param dtype element type
 * @param shape dimensions (a copy is kept and returned)
 */
public record TensorSpec(String name, DType dtype, long[] shape) {

    /** Validates the name and the shape. */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, () -> "dtype of tensor '" + name + "'");
        if (name.isEmpty() || name.equals("__metadata__")) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        shape = shape.clone();
        Tensor.byteLength(dtype, shape); // validates dims
    }

    /** The spec matching an existing tensor. */
    public static TensorSpec of(String name, Tensor tensor) {
        return new TensorSpec(name, tensor.dtype(), tensor.shape());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of bytes the tensor occupies. */
    public long byteLength() {
        return Tensor.byteLength(dtype, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "TensorSpec[" + name + " " + dtype.safetensorsName() + " " + Tensor.shapeString(shape) + "]";
    }
}
