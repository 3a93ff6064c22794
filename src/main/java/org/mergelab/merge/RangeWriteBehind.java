package org.mergelab.merge;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mergelab.checkpoint.SafetensorsWriter;

/**
 * The merged ranges of a tensor written by one writer thread while the workers merge the next ranges. A worker rounds
 * its range into one of a few reused direct buffers ({@link #buffer}) and hands it over ({@link #write}); the writer
 * writes it at its place in the file and gives the buffer back. So the output is written from direct memory (no
 * copy into a temporary buffer by the JDK, no new buffer per range), and never by two threads at once: on Linux two
 * writers of one file serialise on the inode's lock, and the one waiting spins on a CPU that the merge could use (a
 * twelfth of a 2 GiB linear merge's CPU time on 2 cores). Memory: {@code buffers} buffers of the largest range's
 * bytes. Not thread-safe across tensors: one tensor at a time, as {@link StreamingMerge} merges them.
 */
final class RangeWriteBehind {

    private final ExecutorService writer;
    private final int buffers;
    private BlockingQueue<ByteBuffer> free;
    private int capacity;
    private final List<Future<?>> pending = new ArrayList<>();

    /**
     * Writes on {@code writer} (a single thread), with {@code buffers} buffers in flight (at least 2: one filled
     * while another is written).
     */
    RangeWriteBehind(ExecutorService writer, int buffers) {
        this.writer = writer;
        this.buffers = Math.max(2, buffers);
    }

    /** Starts a tensor whose ranges hold at most {@code rangeBytes} output bytes each. */
    void begin(long rangeBytes) {
        synchronized (pending) {
            pending.clear();
        }
        if (free == null || capacity < rangeBytes) {
            capacity = Math.toIntExact(Math.max(rangeBytes, 1));
            free = new ArrayBlockingQueue<>(buffers);
            for (int i = 0; i < buffers; i++) {
                free.add(ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    /**
     * A buffer of {@code bytes} bytes (position 0, limit {@code bytes}) for a worker to fill, waiting while every
     * buffer is being written.
     */
    ByteBuffer buffer(long bytes) {
        try {
            ByteBuffer b = free.take();
            b.clear().limit(Math.toIntExact(bytes));
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while merging"));
        }
    }

    /**
     * Writes {@code filled} (from its position to its limit) as bytes {@code byteOffset} on of {@code ranges}' tensor,
     * on the writer thread; the buffer goes back to the pool whatever happens.
     */
    void write(SafetensorsWriter.TensorRanges ranges, long byteOffset, ByteBuffer filled) {
        Future<?> done = writer.submit(() -> {
            try {
                ranges.write(byteOffset, filled);
            } finally {
                free.add(filled);
            }
            return null;
        });
        synchronized (pending) {
            pending.add(done);
        }
    }

    /** Hands {@code unused} back without writing it (its range failed). */
    void release(ByteBuffer unused) {
        free.add(unused);
    }

    /**
     * Waits for every write of the tensor; rethrows the first that failed. After a failure the other writes are still
     * waited for, so that nothing writes to the file once this returns or throws.
     */
    void finish() throws IOException {
        List<Future<?>> writes;
        synchronized (pending) {
            writes = new ArrayList<>(pending);
            pending.clear();
        }
        Exception failure = null; // the first: an IOException or a RuntimeException (await throws nothing else)
        for (Future<?> w : writes) {
            try {
                StreamingMerge.await(w);
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }
}
