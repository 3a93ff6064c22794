package org.mergelab.merge;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The native buffers merged tensors are built in, reused from tensor to tensor: {@link StreamingMerge} holds at most
 * two merged tensors (one being merged, one being written), so two buffers, each grown to the largest tensor it has
 * held, serve a whole merge. A fresh buffer costs zero-filling and a page fault per page, a third of a linear merge's
 * time when it was allocated per tensor; a reused one costs neither. A lease beyond two (not expected) gets a buffer
 * of its own, freed when it is released.
 */
final class OutputBuffers implements AutoCloseable {

    /** A buffer lent out; {@link #close} gives it back. */
    interface Lease extends AutoCloseable {
        /** {@code bytes} bytes, little-endian, contents undefined. */
        ByteBuffer buffer();

        @Override
        void close();
    }

    private final Arena[] arenas = new Arena[2];
    private final MemorySegment[] segments = new MemorySegment[2];
    private final long[] capacities = new long[2];
    private final boolean[] lent = new boolean[2];
    private boolean closed;

    /** A buffer of {@code bytes} bytes, from a free slot (grown if it is too small) or, with none free, a new one. */
    synchronized Lease lease(long bytes) {
        if (closed) {
            throw new IllegalStateException("output buffers are closed");
        }
        for (int slot = 0; slot < arenas.length; slot++) {
            if (!lent[slot]) {
                if (capacities[slot] < bytes || arenas[slot] == null) {
                    if (arenas[slot] != null) {
                        arenas[slot].close();
                        arenas[slot] = null;
                        segments[slot] = null;
                        capacities[slot] = 0;
                    }
                    Arena arena = Arena.ofShared();
                    try {
                        segments[slot] = arena.allocate(Math.max(bytes, 8), 8);
                    } catch (RuntimeException | Error e) {
                        arena.close();
                        throw e;
                    }
                    arenas[slot] = arena;
                    capacities[slot] = Math.max(bytes, 8);
                }
                lent[slot] = true;
                int s = slot;
                ByteBuffer view = segments[slot].asSlice(0, bytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                return new Lease() {
                    @Override
                    public ByteBuffer buffer() {
                        return view;
                    }

                    @Override
                    public void close() {
                        giveBack(s);
                    }
                };
            }
        }
        Arena own = Arena.ofShared();
        ByteBuffer view;
        try {
            view = own.allocate(Math.max(bytes, 8), 8).asSlice(0, bytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        } catch (RuntimeException | Error e) {
            own.close();
            throw e;
        }
        return new Lease() {
            @Override
            public ByteBuffer buffer() {
                return view;
            }

            @Override
            public void close() {
                own.close();
            }
        };
    }

    private synchronized void giveBack(int slot) {
        lent[slot] = false;
        if (closed && arenas[slot] != null) {
            arenas[slot].close();
            arenas[slot] = null;
        }
    }

    /** Frees every buffer not lent out; one still lent is freed when it is given back. */
    @Override
    public synchronized void close() {
        closed = true;
        for (int slot = 0; slot < arenas.length; slot++) {
            if (!lent[slot] && arenas[slot] != null) {
                arenas[slot].close();
                arenas[slot] = null;
            }
        }
    }
}
