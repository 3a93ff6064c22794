package org.mergelab.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The conversions of a merge's ranges (BF16 and F16 to float32 and back, the finiteness scans) written with the JDK's
 * Vector API ({@code jdk.incubator.vector}), for the loops the JIT does not vectorise by itself: the BF16 widening
 * {@code bits << 16}, its rounding, and the largest-magnitude scans over {@code short} and over a float's bits.
 *
 * <p>Every kernel gives the bits of {@link Tensor}'s scalar loops: the operations are element by element (shifts,
 * integer additions that wrap as Java's do, a truncating narrowing), and the one reduction is a maximum, which does
 * not depend on the order or the number of lanes. So the results are the same at every vector width (16, 32 or 64
 * bytes) and on every CPU; {@code ConversionVectorWidthTest} checks this in child JVMs.
 *
 * <p>Only {@link ConversionKernels} refers to this class, and only when the module is in the boot layer; without it
 * (a JVM started without {@code --add-modules jdk.incubator.vector}) the class is never loaded.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many {@code short} lanes as {@link #FLOATS} has float lanes, in half the bits. */
    private static final VectorSpecies<Short> HALVES = FLOATS.vectorBitSize() >= 128
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2))
            : null;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);

    private VectorKernels() {}

    /** Whether the preferred vectors are wide enough for these kernels (128 bits or more). */
    static boolean usable() {
        return HALVES != null && INTS.length() == FLOATS.length();
    }

    /**
     * Runs the kernels of {@code dtype} (its reading and rounding, and the finiteness scan they use) on a small off-heap
     * buffer until each call is fast, i.e. the JIT has compiled them (at most a few seconds, whatever happens). The
     * data are finite and one value overflows, so every branch the merges take is profiled. Only the dtype's own
     * kernels: compiling the Vector API's classes for a dtype that a merge never converts cost a second of CPU time.
     */
    static void warmUp(DType dtype) {
        int n = 512;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) Math.sin(i) * (1 << (i % 12));
        }
        float[] back = new float[n];
        short[] bits = new short[n];
        MemorySegment buffer = java.lang.foreign.Arena.ofAuto().allocate(4L * n, 64);
        long deadline = System.nanoTime() + 5_000_000_000L;
        int fastInARow = 0;
        for (int call = 0; call < 100_000 && fastInARow < 200 && System.nanoTime() < deadline; call++) {
            long start = System.nanoTime();
            switch (dtype) {
                case BF16 -> {
                    putBf16(values, buffer, 0);
                    readBf16(buffer, 0, back);
                    firstAllOnesExponent(bits, 0x7F80);
                }
                case F16 -> {
                    putF16(values, buffer, 0);
                    readF16(buffer, 0, back);
                    firstAllOnesExponent(bits, 0x7C00);
                }
                default -> {
                    putF32(values, buffer, 0);
                    readF32(buffer, 0, back);
                }
            }
            firstNonFinite(back);
            // compiled, the calls take well under a microsecond; interpreted, a few milliseconds
            fastInARow = System.nanoTime() - start < 5_000 ? fastInARow + 1 : 0;
        }
    }

    /** A description for diagnostics, e.g. {@code "Species[float, 16, S_512_BIT]"}. */
    static String describe() {
        return FLOATS.toString();
    }

    /** {@code n} BF16 elements from {@code src} at {@code byteOffset} into {@code dst}; the first non-finite or -1. */
    static int readBf16(MemorySegment src, long byteOffset, float[] dst) {
        int n = dst.length;
        int lanes = FLOATS.length();
        int upper = FLOATS.loopBound(n);
        ShortVector largest = ShortVector.zero(HALVES);
        int i = 0;
        for (; i < upper; i += lanes) {
            ShortVector bits = ShortVector.fromMemorySegment(HALVES, src, byteOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            largest = largest.max(bits.and((short) 0x7FFF));
            ((IntVector) bits.convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .intoArray(dst, i);
        }
        int max = largest.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            short bits = src.get(SHORT, byteOffset + 2L * i);
            dst[i] = Float.intBitsToFloat(bits << 16);
            max = Math.max(max, bits & 0x7FFF);
        }
        return max < 0x7F80 ? -1 : firstAllOnesExponent(src, byteOffset, n, 0x7F80);
    }

    /** {@code n} F16 elements from {@code src} at {@code byteOffset} into {@code dst}; the first non-finite or -1. */
    static int readF16(MemorySegment src, long byteOffset, float[] dst) {
        int n = dst.length;
        short[] bits = new short[n];
        MemorySegment.copy(src, SHORT, byteOffset, bits, 0, n);
        for (int i = 0; i < n; i++) { // the JIT vectorises Float.float16ToFloat
            dst[i] = Float.float16ToFloat(bits[i]);
        }
        return firstAllOnesExponent(bits, 0x7C00);
    }

    /** {@code n} F32 elements from {@code src} at {@code byteOffset} into {@code dst}; the first non-finite or -1. */
    static int readF32(MemorySegment src, long byteOffset, float[] dst) {
        MemorySegment.copy(src, FLOAT, byteOffset, dst, 0, dst.length);
        return firstNonFinite(dst);
    }

    /** The index of the first infinite or NaN value, or -1. */
    static int firstNonFinite(float[] values) {
        int n = values.length;
        int lanes = FLOATS.length();
        int upper = FLOATS.loopBound(n);
        IntVector largest = IntVector.zero(INTS);
        int i = 0;
        for (; i < upper; i += lanes) {
            largest = largest.max(FloatVector.fromArray(FLOATS, values, i).reinterpretAsInts().and(0x7FFFFFFF));
        }
        int max = largest.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, Float.floatToRawIntBits(values[i]) & 0x7FFFFFFF);
        }
        if (max < 0x7F800000) {
            return -1;
        }
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(values[j])) {
                return j;
            }
        }
        return -1;
    }

    /** The index of the first pattern in {@code bits} whose exponent field {@code exponentMask} is all ones, or -1. */
    static int firstAllOnesExponent(short[] bits, int exponentMask) {
        int n = bits.length;
        int lanes = HALVES.length();
        int upper = HALVES.loopBound(n);
        ShortVector largest = ShortVector.zero(HALVES);
        int i = 0;
        for (; i < upper; i += lanes) {
            largest = largest.max(ShortVector.fromArray(HALVES, bits, i).and((short) 0x7FFF));
        }
        int max = largest.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, bits[i] & 0x7FFF);
        }
        if (max < exponentMask) {
            return -1;
        }
        for (int j = 0; j < n; j++) {
            if ((bits[j] & exponentMask) == exponentMask) {
                return j;
            }
        }
        return -1;
    }

    private static int firstAllOnesExponent(MemorySegment src, long byteOffset, int n, int exponentMask) {
        for (int j = 0; j < n; j++) {
            if ((src.get(SHORT, byteOffset + 2L * j) & exponentMask) == exponentMask) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Rounds finite {@code values} to BF16 (to nearest, ties to even, as {@code Tensor.putFloats}' loop) into
     * {@code dst} at {@code byteOffset}. Returns the index of the first stored value that overflowed to infinity,
     * -1 if none, or {@link Integer#MIN_VALUE} without a defined output when some value is not finite (the caller's
     * scalar path rounds those).
     */
    static int putBf16(float[] values, MemorySegment dst, long byteOffset) {
        int n = values.length;
        int lanes = FLOATS.length();
        int upper = FLOATS.loopBound(n);
        IntVector largestIn = IntVector.zero(INTS);
        IntVector largestOut = IntVector.zero(INTS);
        int i = 0;
        for (; i < upper; i += lanes) {
            IntVector v = FloatVector.fromArray(FLOATS, values, i).reinterpretAsInts();
            largestIn = largestIn.max(v.and(0x7FFFFFFF));
            IntVector rounded = v.add(0x7FFF)
                    .add(v.lanewise(VectorOperators.LSHR, 16).and(1))
                    .lanewise(VectorOperators.LSHR, 16);
            largestOut = largestOut.max(rounded.and(0x7FFF));
            ((ShortVector) rounded.convertShape(VectorOperators.I2S, HALVES, 0))
                    .intoMemorySegment(dst, byteOffset + 2L * i, ByteOrder.LITTLE_ENDIAN);
        }
        int maxIn = largestIn.reduceLanes(VectorOperators.MAX);
        int maxOut = largestOut.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            int v = Float.floatToRawIntBits(values[i]);
            int rounded = (v + 0x7FFF + ((v >>> 16) & 1)) >>> 16;
            maxIn = Math.max(maxIn, v & 0x7FFFFFFF);
            maxOut = Math.max(maxOut, rounded & 0x7FFF);
            dst.set(SHORT, byteOffset + 2L * i, (short) rounded);
        }
        if (maxIn >= 0x7F800000) {
            return Integer.MIN_VALUE;
        }
        return maxOut < 0x7F80 ? -1 : firstAllOnesExponent(dst, byteOffset, n, 0x7F80);
    }

    /**
     * Rounds finite {@code values} to F16 ({@link Float#floatToFloat16}) into {@code dst} at {@code byteOffset}; the
     * index of the first stored value that overflowed to infinity, or -1.
     */
    static int putF16(float[] values, MemorySegment dst, long byteOffset) {
        int n = values.length;
        short[] bits = new short[n];
        for (int i = 0; i < n; i++) { // the JIT vectorises Float.floatToFloat16
            bits[i] = Float.floatToFloat16(values[i]);
        }
        MemorySegment.copy(bits, 0, dst, SHORT, byteOffset, n);
        return firstAllOnesExponent(bits, 0x7C00);
    }

    /** Stores {@code values} as F32 into {@code dst} at {@code byteOffset}; the first non-finite or -1. */
    static int putF32(float[] values, MemorySegment dst, long byteOffset) {
        MemorySegment.copy(values, 0, dst, FLOAT, byteOffset, values.length);
        return firstNonFinite(values);
    }
}
