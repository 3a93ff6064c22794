package org.mergelab.merge;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The float32 arrays of one tensor's ranges, handed back once a range is merged and stored (or scanned), so that the
 * thousands of ranges of a long tensor reuse a few arrays instead of each allocating, zero-filling and first-touching
 * new ones (in a 2 GiB linear merge that zero-filling and its page faults were a sixth of the process's CPU time).
 * An array taken is written whole before it is read ({@link InputRanges#floats}), so reuse changes no value. Safe
 * from any thread; at most {@code capacity} arrays, and at most an eighth of the maximum heap, are kept; the rest are
 * left to the collector.
 */
final class RangeArrays {

    private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final int capacity;
    private final long maxBytes = Runtime.getRuntime().maxMemory() / 8;

    /** A pool that keeps at most {@code capacity} arrays. */
    RangeArrays(int capacity) {
        this.capacity = capacity;
    }

    /** An array of exactly {@code length} elements, with arbitrary contents: a kept one, or a new one. */
    float[] take(int length) {
        float[] a;
        while ((a = free.poll()) != null) {
            kept.decrementAndGet();
            if (a.length == length) {
                return a;
            }
            // a range of another length (a tensor's last): dropped, the pool refills with the common length
        }
        return new float[length];
    }

    /**
     * Hands back the arrays of {@code request} and {@code merged} (each array once, however often it appears: a
     * method may return one of its inputs); none of them may be used afterwards by anyone.
     */
    void give(MergeRequest request, float[] merged) {
        Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        arrays.addAll(request.models());
        if (request.base() != null) {
            arrays.add(request.base());
        }
        if (merged != null) {
            arrays.add(merged);
        }
        for (float[] a : arrays) {
            give(a);
        }
    }

    private void give(float[] a) {
        long limit = Math.min(capacity, maxBytes / Math.max(1, (long) a.length * Float.BYTES));
        if (kept.incrementAndGet() <= limit) {
            free.offer(a);
        } else {
            kept.decrementAndGet();
        }
    }
}
