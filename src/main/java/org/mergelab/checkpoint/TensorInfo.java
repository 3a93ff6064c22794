package org.mergelab.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as described by a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions (a copy is kept and returned)
 * @param offset start of the tensor's bytes relative to the start of the file's byte buffer (the
 *     {@code data_offsets} begin; the buffer starts at {@code 8 + header length})
 * @param byteLength number of bytes
 */
public record TensorInfo(String name, DType dtype, long[] shape, long offset, long byteLength) {

    /** Copies the shape. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        return Tensor.numel(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && offset == t.offset && byteLength == t.byteLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), offset, byteLength);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype.safetensorsName() + " " + Tensor.shapeString(shape)
                + " @" + offset + "+" + byteLength + "]";
    }
}
