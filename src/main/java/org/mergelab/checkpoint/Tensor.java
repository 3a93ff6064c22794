package org.mergelab.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor as stored in safetensors: a dtype, a shape (row-major, possibly with zero dimensions, empty for a
 * scalar) and exactly {@code numel * dtype.byteSize()} little-endian bytes.
 *
 * <p>The buffer may be read-only, e.g. a slice of a memory-mapped file (see
 * {@link SafetensorsReader#read(String, java.lang.foreign.Arena)}); such a tensor is valid only while the arena
 * that mapped it is open. {@link #shape()} and {@link #data()} return copies/views, so a tensor cannot be changed
 * through its accessors. Equality is by content: dtype, shape and bytes.
 *
 * @param dtype element type
 * @param shape dimensions, each {@code >= 0}
 * @param data exactly {@code numel * dtype.byteSize()} bytes between position and limit
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {

    /** Validates the byte count and takes a little-endian view of {@code data}'s remaining bytes. */
    public Tensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long expected = byteLength(dtype, shape);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor " + dtype.safetensorsName() + " " + shapeString(shape)
                    + " needs " + expected + " bytes but the buffer holds " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A little-endian view of the bytes (shared content, own position; read-only if the tensor's buffer is). */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Number of bytes of the data. */
    public long byteLength() {
        return data.remaining();
    }

    /** The shape as {@code [2, 3]}, for messages. */
    public String shapeString() {
        return shapeString(shape);
    }

    /** {@code shape} as {@code [2, 3]}, for messages. */
    public static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }

    /** Whether dtype, shape and bytes are equal. */
    public boolean contentEquals(Tensor other) {
        return other != null
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && data.equals(other.data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && contentEquals(t);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype.safetensorsName() + " " + shapeString() + "]";
    }

    /** A copy of this tensor whose bytes live on the Java heap (independent of any mapping). */
    public Tensor copyToHeap() {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(data()).flip();
        return new Tensor(dtype, shape, copy);
    }

    // ---------------------------------------------------------------- reading values

    /**
     * The elements as floats: exact for F32, F16, BF16 and both F8 kinds; rounded for F64 and for integers beyond
     * 2^24; BOOL gives 0 or 1; U8 is unsigned.
     */
    public float[] toFloats() {
        int n = elementCount();
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = FloatConversions.f16ToFloat(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = FloatConversions.bf16ToFloat(b.getShort(i * 2)); }
            case F8_E4M3 -> { for (int i = 0; i < n; i++) out[i] = FloatConversions.f8e4m3ToFloat(b.get(i)); }
            case F8_E5M2 -> { for (int i = 0; i < n; i++) out[i] = FloatConversions.f8e5m2ToFloat(b.get(i)); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xFF; }
        }
        return out;
    }

    /**
     * Index of the first infinite or NaN element (row-major), or -1 when every element is finite; integer and BOOL
     * tensors have none.
     */
    public int indexOfNonFinite() {
        int n = elementCount();
        ByteBuffer b = data();
        // F16 and BF16: an all-ones exponent field is infinity or NaN
        int exponentMask = switch (dtype) {
            case F16 -> 0x7C00;
            case BF16 -> 0x7F80;
            default -> 0;
        };
        if (exponentMask != 0) {
            for (int i = 0; i < n; i++) {
                if ((b.getShort(i * 2) & exponentMask) == exponentMask) {
                    return i;
                }
            }
            return -1;
        }
        if (!dtype.isFloatingPoint()) {
            return -1;
        }
        if (dtype == DType.F64) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(b.getDouble(i * 8))) {
                    return i;
                }
            }
            return -1;
        }
        float[] values = toFloats(); // F32 and both F8 kinds hold exact floats
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Elements {@code [from, from + dst.length)} into {@code dst}, exactly as {@link #toFloats} gives them (a NaN's
     * payload aside), and the first infinite or NaN element: its index counted from {@code from}, or -1.
     * For merging ranges of a mapped tensor without copying it first.
     */
    public int readFloats(long from, float[] dst) {
        int n = dst.length;
        int size = dtype.byteSize();
        if (ConversionKernels.useVector(n, dtype)) {
            long end = Math.addExact(from, n);
            if (from < 0 || end * size > data.remaining()) {
                throw new IndexOutOfBoundsException("elements [" + from + ", " + end + ") of a tensor of "
                        + data.remaining() / size + " elements");
            }
            MemorySegment segment = MemorySegment.ofBuffer(data);
            return switch (dtype) {
                case F32 -> VectorKernels.readF32(segment, from * size, dst);
                case F16 -> VectorKernels.readF16(segment, from * size, dst);
                default -> VectorKernels.readBf16(segment, from * size, dst);
            };
        }
        ByteBuffer b = data.slice(Math.toIntExact(from * size), Math.multiplyExact(n, size))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> {
                b.asFloatBuffer().get(dst);
                return firstNonFinite(dst);
            }
            case F16, BF16 -> {
                short[] bits = new short[n];
                b.asShortBuffer().get(bits);
                // loops over arrays without branches, which the JIT vectorises; exactly toFloats' values
                if (dtype == DType.F16) {
                    for (int i = 0; i < n; i++) {
                        dst[i] = Float.float16ToFloat(bits[i]);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        dst[i] = Float.intBitsToFloat(bits[i] << 16);
                    }
                }
                return firstAllOnesExponent(bits, dtype == DType.F16 ? 0x7C00 : 0x7F80);
            }
            default -> {
                Tensor range = new Tensor(dtype, new long[] {n}, b);
                System.arraycopy(range.toFloats(), 0, dst, 0, n);
                return range.indexOfNonFinite();
            }
        }
    }

    /**
     * The index of the first F16 or BF16 pattern whose exponent field ({@code exponentMask}) is all ones (infinite or
     * NaN), or -1; a branch-free pass first, for the common finite case.
     */
    private static int firstAllOnesExponent(short[] bits, int exponentMask) {
        if (ConversionKernels.useVector(bits.length, exponentMask == 0x7C00 ? DType.F16 : DType.BF16)) {
            return VectorKernels.firstAllOnesExponent(bits, exponentMask);
        }
        int largest = 0;
        for (short v : bits) {
            largest = Math.max(largest, v & 0x7FFF);
        }
        if (largest < exponentMask) {
            return -1;
        }
        for (int i = 0; i < bits.length; i++) {
            if ((bits[i] & exponentMask) == exponentMask) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first infinite or NaN value, or -1; a branch-free pass first, for the common finite case. */
    public static int firstNonFinite(float[] values) {
        if (ConversionKernels.useVector(values.length, DType.F32)) {
            return VectorKernels.firstNonFinite(values);
        }
        return firstNonFiniteScalar(values);
    }

    /**
     * {@link #firstNonFinite(float[])} in a scalar loop, for the scalar paths of the F16 and BF16 conversions (which
     * run while their own vector kernels warm up: asking for the float32 kernel there would warm that up too, a second
     * of CPU time in a merge that never converts float32).
     */
    private static int firstNonFiniteScalar(float[] values) {
        int largest = 0;
        for (float v : values) {
            largest = Math.max(largest, Float.floatToRawIntBits(v) & 0x7FFFFFFF);
        }
        if (largest < 0x7F800000) {
            return -1;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Stores {@code values} rounded to {@code target} as {@link #fromFloats} rounds them, straight into {@code dst}
     * (little-endian tensor bytes of dtype {@code target}) as elements {@code [at, at + values.length)}; returns the
     * index of the first value whose stored form is infinite or NaN (overflow of F16 or BF16 included), or -1.
     */
    public static int putFloats(DType target, float[] values, ByteBuffer dst, long at) {
        int n = values.length;
        int size = target.byteSize();
        ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN)
                .position(Math.toIntExact(at * size)).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (ConversionKernels.useVector(n, target)) {
            if (b.isReadOnly()) {
                throw new java.nio.ReadOnlyBufferException();
            }
            if ((long) n * size > b.remaining()) {
                throw new java.nio.BufferOverflowException();
            }
            MemorySegment segment = MemorySegment.ofBuffer(b);
            switch (target) {
                case F32 -> {
                    return VectorKernels.putF32(values, segment, 0);
                }
                case F16 -> {
                    if (VectorKernels.firstNonFinite(values) < 0) {
                        return VectorKernels.putF16(values, segment, 0);
                    }
                }
                default -> {
                    int overflow = VectorKernels.putBf16(values, segment, 0);
                    if (overflow != Integer.MIN_VALUE) {
                        return overflow;
                    }
                }
            }
            // some value is infinite or NaN: the scalar loop below rounds every value, as it always has
        }
        switch (target) {
            case F32 -> {
                b.asFloatBuffer().put(values);
                return firstNonFinite(values);
            }
            case F16, BF16 -> {
                boolean half = target == DType.F16;
                if (firstNonFiniteScalar(values) < 0) {
                    // finite values: branch-free loops the JIT vectorises, the bits of the scalar path below
                    short[] bits = new short[n];
                    if (half) {
                        for (int i = 0; i < n; i++) {
                            bits[i] = Float.floatToFloat16(values[i]);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            int v = Float.floatToRawIntBits(values[i]);
                            bits[i] = (short) ((v + 0x7FFF + ((v >>> 16) & 1)) >>> 16);
                        }
                    }
                    b.asShortBuffer().put(bits);
                    return firstAllOnesExponent(bits, half ? 0x7C00 : 0x7F80); // a finite value that overflowed
                }
                int exponentMask = half ? 0x7C00 : 0x7F80;
                int bad = -1;
                for (int i = 0; i < n; i++) {
                    short bits = half ? FloatConversions.floatToF16(values[i]) : FloatConversions.floatToBf16(values[i]);
                    b.putShort(i * 2, bits);
                    if ((bits & exponentMask) == exponentMask && bad < 0) {
                        bad = i;
                    }
                }
                return bad;
            }
            default -> {
                Tensor converted = fromFloats(target, new long[] {n}, values);
                b.put(converted.data());
                return converted.indexOfNonFinite();
            }
        }
    }

    /**
     * The elements as doubles: exact for every dtype except I64 values beyond 2^53; BOOL gives 0 or 1; U8 is
     * unsigned.
     */
    public double[] toDoubles() {
        int n = elementCount();
        double[] out = new double[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F64 -> b.asDoubleBuffer().get(out);
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            default -> {
                float[] f = toFloats(); // exact for every remaining dtype (at most 24 significant bits)
                for (int i = 0; i < n; i++) out[i] = f[i];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- making tensors

    /** An F32 tensor holding {@code values} (row-major). */
    public static Tensor ofFloats(long[] shape, float[] values) {
        return fromFloats(DType.F32, shape, values);
    }

    /**
     * A tensor of dtype {@code target} holding {@code values} (row-major). Floating-point targets round to nearest,
     * ties to even (NaN stays NaN; overflow gives infinity, or NaN for F8_E4M3 which has none); integer targets
     * and BOOL accept only values they represent
     * exactly (BOOL: 0 or 1), failing with the index and value otherwise.
     */
    public static Tensor fromFloats(DType target, long[] shape, float[] values) {
        ByteBuffer b = allocate(target, shape, values.length);
        int n = values.length;
        switch (target) {
            case F32 -> b.asFloatBuffer().put(values);
            case F64 -> { for (int i = 0; i < n; i++) b.putDouble(i * 8, values[i]); }
            case F16 -> { for (int i = 0; i < n; i++) b.putShort(i * 2, FloatConversions.floatToF16(values[i])); }
            case BF16 -> { for (int i = 0; i < n; i++) b.putShort(i * 2, FloatConversions.floatToBf16(values[i])); }
            default -> {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = values[i];
                return fromDoubles(target, shape, d);
            }
        }
        return new Tensor(target, shape, b);
    }

    /**
     * A tensor of dtype {@code target} holding {@code values} (row-major), rounding directly from double (no
     * intermediate float) to nearest, ties to even; integer targets and BOOL as in
     * {@link #fromFloats(DType, long[], float[])}.
     */
    public static Tensor fromDoubles(DType target, long[] shape, double[] values) {
        ByteBuffer b = allocate(target, shape, values.length);
        int n = values.length;
        switch (target) {
            case F64 -> b.asDoubleBuffer().put(values);
            case F32 -> { for (int i = 0; i < n; i++) b.putFloat(i * 4, (float) values[i]); }
            case F16 -> { for (int i = 0; i < n; i++) b.putShort(i * 2, FloatConversions.doubleToF16(values[i])); }
            case BF16 -> { for (int i = 0; i < n; i++) b.putShort(i * 2, FloatConversions.doubleToBf16(values[i])); }
            case F8_E4M3 -> { for (int i = 0; i < n; i++) b.put(i, FloatConversions.doubleToF8e4m3(values[i])); }
            case F8_E5M2 -> { for (int i = 0; i < n; i++) b.put(i, FloatConversions.doubleToF8e5m2(values[i])); }
            case I64 -> { for (int i = 0; i < n; i++) b.putLong(i * 8, exactInteger(target, values, i, Long.MIN_VALUE, Long.MAX_VALUE)); }
            case I32 -> { for (int i = 0; i < n; i++) b.putInt(i * 4, (int) exactInteger(target, values, i, Integer.MIN_VALUE, Integer.MAX_VALUE)); }
            case I16 -> { for (int i = 0; i < n; i++) b.putShort(i * 2, (short) exactInteger(target, values, i, Short.MIN_VALUE, Short.MAX_VALUE)); }
            case I8 -> { for (int i = 0; i < n; i++) b.put(i, (byte) exactInteger(target, values, i, Byte.MIN_VALUE, Byte.MAX_VALUE)); }
            case U8 -> { for (int i = 0; i < n; i++) b.put(i, (byte) exactInteger(target, values, i, 0, 255)); }
            case BOOL -> { for (int i = 0; i < n; i++) b.put(i, (byte) exactInteger(target, values, i, 0, 1)); }
        }
        return new Tensor(target, shape, b);
    }

    // ---------------------------------------------------------------- helpers

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape " + shapeString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + shapeString(shape) + " has more than 2^63 elements");
            }
        }
        return n;
    }

    static long byteLength(DType dtype, long[] shape) {
        try {
            return Math.multiplyExact(numel(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " of " + dtype.safetensorsName()
                    + " has more than 2^63 bytes");
        }
    }

    private int elementCount() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + this + " has " + n + " elements, too many for a Java array");
        }
        return (int) n;
    }

    private static ByteBuffer allocate(DType target, long[] shape, int valueCount) {
        Objects.requireNonNull(target, "target");
        long n = numel(shape);
        if (n != valueCount) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " has " + n + " elements but "
                    + valueCount + " values were given");
        }
        long bytes = byteLength(target, shape);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + target.safetensorsName() + " " + shapeString(shape)
                    + " needs " + bytes + " bytes, more than a heap buffer holds");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long exactInteger(DType target, double[] values, int i, long min, long max) {
        double v = values[i];
        // -2^63 is exact as a double; max + 1.0 is 2^63 for I64 (so '<' there), exact otherwise
        boolean inRange = v >= (double) min && (max == Long.MAX_VALUE ? v < 0x1p63 : v <= (double) max);
        if (!inRange || v != Math.rint(v)) {
            throw new IllegalArgumentException("value " + v + " at index " + i + " is not representable as "
                    + target.safetensorsName() + (target == DType.BOOL ? " (0 or 1)" : ""));
        }
        return (long) v;
    }
}
