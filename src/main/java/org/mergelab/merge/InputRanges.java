package org.mergelab.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

/**
 * One input tensor of a {@link StreamingMerge}, read as float32 one range of elements at a time, each range checked
 * finite (an error names the file, the tensor and the element). Either the whole tensor is mapped once (for a method
 * that merges whole tensors, or a tensor of one range), or each range is mapped on its own and unmapped as soon as it
 * is converted ({@link #perRange}): then a tensor of any length is read with only the ranges in flight resident, and
 * the resident set of the process stays bounded.
 */
final class InputRanges {

    private final TensorSource source;
    private final String name;
    private final Tensor mapped;
    private int elementSize;

    private InputRanges(TensorSource source, String name, Tensor mapped) {
        this.source = source;
        this.name = name;
        this.mapped = mapped;
    }

    /**
     * Each thread's buffer for the bytes of the range it converts: read with positional reads and reused, rather than
     * mapped per range (mapping and unmapping a range per call cost more than the conversion: each unmap changes the
     * page table of every thread of the process).
     */
    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

    private static ByteBuffer scratch(long bytes) {
        ByteBuffer b = SCRATCH.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 1 << 16)));
            SCRATCH.set(b);
        }
        return b;
    }

    /** The tensor's element size in bytes, looked up once (a benign race: every thread finds the same value). */
    private int dtypeSize() {
        if (elementSize == 0) {
            elementSize = source.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(source.path() + ": no tensor '" + name + "'"))
                    .dtype().byteSize();
        }
        return elementSize;
    }

    /** Ranges of {@code tensor}, already mapped (whole) from {@code source}. */
    static InputRanges mapped(TensorSource source, String name, Tensor tensor) {
        return new InputRanges(source, name, tensor);
    }

    /** Ranges of tensor {@code name} of {@code source}, each mapped only while it is converted. */
    static InputRanges perRange(TensorSource source, String name) {
        return new InputRanges(source, name, null);
    }

    /** The number of elements of the whole tensor (only for a {@link #mapped} one). */
    long numel() {
        if (mapped == null) {
            throw new IllegalStateException("tensor '" + name + "' is read per range");
        }
        return mapped.numel();
    }

    /** A block read maps at most about this many elements at a time (whole rows). */
    static final long BLOCK_WINDOW_ELEMENTS = 1 << 20;

    /**
     * Rows {@code [rowFrom, rowTo)} by columns {@code [colFrom, colTo)} of the tensor read as a row-major matrix of
     * {@code rowLength} columns, as float32, row-major. A per-range tensor is mapped a window of whole rows at a time,
     * each window unmapped once its columns are converted, so that a block of columns of a large matrix is read with
     * only one window resident.
     *
     * @throws IllegalArgumentException naming the file, the tensor and the element of a value that is not finite
     * @throws UncheckedIOException naming the file when a window cannot be mapped
     */
    float[] block(long rowLength, int rowFrom, int rowTo, int colFrom, int colTo) {
        if (colFrom == 0 && colTo == rowLength) { // whole rows: one range
            return floats(rowFrom * rowLength, rowTo * rowLength);
        }
        int columns = colTo - colFrom;
        float[] out = new float[Math.multiplyExact(rowTo - rowFrom, columns)];
        float[] row = new float[columns];
        long rowsPerWindow = Math.max(1, BLOCK_WINDOW_ELEMENTS / rowLength);
        for (long first = rowFrom; first < rowTo && columns > 0; first += rowsPerWindow) {
            long last = Math.min(rowTo, first + rowsPerWindow);
            long from = first * rowLength + colFrom;
            try (Arena arena = Arena.ofConfined()) {
                Tensor window = mapped != null ? mapped
                        : source.read(name, from, (last - 1) * rowLength + colTo, arena);
                long windowStart = mapped != null ? 0 : from;
                for (long r = first; r < last; r++) {
                    long at = r * rowLength + colFrom;
                    int bad = window.readFloats(at - windowStart, row);
                    if (bad >= 0) {
                        throw notFinite(at + bad, row[bad]);
                    }
                    System.arraycopy(row, 0, out, Math.toIntExact((r - rowFrom) * columns), columns);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(source.path() + ": tensor '" + name + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    private IllegalArgumentException notFinite(long element, float value) {
        return new IllegalArgumentException("tensor '" + name + "' in " + source.path() + ": element " + element
                + " is " + value + "; inputs must be finite");
    }

    /**
     * Elements {@code [from, to)} as float32.
     *
     * @throws IllegalArgumentException naming the file, the tensor and the element of a value that is not finite
     * @throws UncheckedIOException naming the file when the range cannot be mapped
     */
    float[] floats(long from, long to) {
        return floats(from, to, null);
    }

    /** As {@link #floats(long, long)}, into an array taken from {@code arrays} (null: a new array). */
    float[] floats(long from, long to, RangeArrays arrays) {
        int length = Math.toIntExact(to - from);
        float[] values = arrays == null ? new float[length] : arrays.take(length);
        int bad;
        if (mapped != null) {
            bad = mapped.readFloats(from, values);
        } else {
            try {
                long bytes = (to - from) * dtypeSize();
                bad = source.readCopy(name, from, to, scratch(bytes)).readFloats(0, values);
            } catch (IOException e) {
                throw new UncheckedIOException(source.path() + ": tensor '" + name + "': " + e.getMessage(), e);
            }
        }
        if (bad >= 0) {
            throw notFinite(from + bad, values[bad]);
        }
        return values;
    }
}
