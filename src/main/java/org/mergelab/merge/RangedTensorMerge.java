package org.mergelab.merge;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mergelab.merge.RangeMergeable.AuxiliaryMatrices;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.StatisticsScan;
import org.mergelab.merge.RangeMergeable.TensorStatistics;

/**
 * Merges one tensor of a {@link StreamingMerge} range by range on a pool of workers. A
 * {@link Locality#TENSOR_STATISTICS} method's statistics come first: its {@link StatisticsScan} reads every range in
 * index order, pass after pass, while the workers convert (and {@link StatisticsScan#prepare prepare}) the next few
 * ranges ahead of it (at most two per worker are held), or, in a {@link StatisticsScan#concurrentPass concurrent
 * pass}, the workers read and add the ranges themselves (one per worker), so memory stays bounded whatever the
 * tensor's size; then every range is merged on the workers and stored, and the statistics are closed. The ranges are
 * {@link #ranges}: chunks, or whole rows for a method that asks for them ({@link RangeMergeable#rowsPerRange}). The
 * float32 arrays of a range are handed back once it is scanned or stored ({@link RangeArrays}), and later ranges reuse
 * them.
 */
final class RangedTensorMerge {

    /** Where the ranges of the tensor come from and where their merged values go. */
    interface Ranges {
        /**
         * The merge request of elements {@code [from, to)}, converted to float32 and checked finite, with
         * {@code shape} ({@code null}: one-dimensional), its models' and base's arrays taken from {@code arrays}.
         */
        MergeRequest request(long from, long to, long[] shape, RangeArrays arrays);

        /** The most arrays one range holds at once: its models, its base and its merged values. */
        int arraysPerRange();

        /** Stores merged elements {@code [from, from + merged.length)}. */
        void store(long from, float[] merged);
    }

    /**
     * One range of a tensor.
     *
     * @param from its first element
     * @param to the element after its last
     * @param shape the shape its request carries: {@code [rows, shape[1], ...]} for whole rows, null for a chunk
     */
    record Range(long from, long to, long[] shape) {}

    private RangedTensorMerge() {}

    /**
     * The ranges {@code method} merges a tensor of {@code shape} in: consecutive chunks of {@code chunk} elements, or,
     * when the method asks for whole rows ({@link RangeMergeable#rowsPerRange}), that many rows each (the last may
     * hold fewer), or the whole tensor as one range when it has fewer than two dimensions.
     */
    static List<Range> ranges(RangeMergeable method, long[] shape, int chunk, boolean auxiliaryMatrices) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        long rows = method.rowsPerRange(shape, chunk, auxiliaryMatrices);
        List<Range> out = new ArrayList<>();
        if (rows <= 0) {
            for (long from = 0; from < n; from += chunk) {
                out.add(new Range(from, Math.min(n, from + chunk), null));
            }
        } else if (shape.length < 2 || n == 0) {
            out.add(new Range(0, n, shape.clone()));
        } else {
            long row = n / shape[0];
            for (long first = 0; first < shape[0]; first += rows) {
                long[] rangeShape = shape.clone();
                rangeShape[0] = Math.min(rows, shape[0] - first);
                out.add(new Range(first * row, (first + rangeShape[0]) * row, rangeShape));
            }
        }
        return out;
    }

    /**
     * Merges a tensor of {@code shape} in {@link #ranges}.
     *
     * @param method the method, which splits under these parameters ({@code locality} is not whole-tensor)
     * @param matrices each model's auxiliary matrix of the tensor, read by blocks (regmean's Gram), or null
     * @param threads the workers' count; up to twice as many ranges are converted ahead of a scan
     */
    static void merge(RangeMergeable method, Locality locality, long[] shape, int chunk, AuxiliaryMatrices matrices,
            ExecutorService workers, int threads, Ranges ranges) throws IOException {
        List<Range> bounds = ranges(method, shape, chunk, matrices != null);
        long n = bounds.getLast().to();
        // a scan holds up to two ranges per worker ahead of it and the one it scans; a merge one range per worker
        RangeArrays arrays = new RangeArrays((locality == Locality.TENSOR_STATISTICS ? 2 * threads + 1 : threads)
                * ranges.arraysPerRange());
        TensorStatistics statistics = null;
        try {
            if (locality == Locality.TENSOR_STATISTICS) {
                // the first request is the scan's to keep: its arrays are not reused
                StatisticsScan scan = method.statisticsScan(ranges.request(0, Math.min(n, 1), null, null), n,
                        matrices);
                if (scan.readsRanges()) {
                    do {
                        if (scan.concurrentPass()) {
                            // each worker reads a range and adds it; at most a range per worker is held
                            runOnWorkers(bounds, workers, r -> {
                                MergeRequest request = ranges.request(r.from(), r.to(), r.shape(), arrays);
                                scan.add(request, r.from());
                                arrays.give(request, null);
                            });
                            continue;
                        }
                        // the workers read (and prepare) ranges ahead; this thread adds them in index order
                        Deque<Future<Prepared>> ahead = new ArrayDeque<>();
                        int next = 0;
                        for (Range r : bounds) {
                            while (next < bounds.size() && ahead.size() < 2 * threads) {
                                Range b = bounds.get(next++);
                                ahead.add(workers.submit(() -> {
                                    MergeRequest request = ranges.request(b.from(), b.to(), b.shape(), arrays);
                                    return new Prepared(request, scan.prepare(request, b.from()));
                                }));
                            }
                            Prepared range = StreamingMerge.await(ahead.removeFirst());
                            scan.add(range.request(), r.from(), range.prepared());
                            arrays.give(range.request(), null);
                        }
                    } while (scan.endPass());
                }
                statistics = scan.statistics();
            }
            TensorStatistics tensorStatistics = statistics;
            runOnWorkers(bounds, workers, r -> {
                MergeRequest request = ranges.request(r.from(), r.to(), r.shape(), arrays);
                float[] merged = method.mergeRange(request, r.from(), tensorStatistics);
                ranges.store(r.from(), merged);
                arrays.give(request, merged);
            });
        } finally {
            if (statistics != null) {
                statistics.close();
            }
        }
    }

    /** A range read for a scan, with what the scan prepared for it on the worker. */
    private record Prepared(MergeRequest request, Object prepared) {}

    /** One range's work on a worker. */
    @FunctionalInterface
    private interface RangeWork {
        void run(Range range) throws IOException;
    }

    /**
     * Runs {@code work} on every range on the workers and waits for all of it; after a failure the ranges not yet
     * started are skipped, and the first failure is thrown once no range is running (nothing may read the statistics
     * or the pooled arrays after that).
     */
    private static void runOnWorkers(List<Range> bounds, ExecutorService workers, RangeWork work) throws IOException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Void>> parts = new ArrayList<>();
        for (Range r : bounds) {
            parts.add(workers.submit(() -> {
                if (!stop.get()) {
                    work.run(r);
                }
                return null;
            }));
        }
        try {
            for (Future<Void> part : parts) {
                StreamingMerge.await(part);
            }
        } finally {
            stop.set(true);
            awaitQuietly(parts);
        }
    }

    /** Waits for every part to end, whatever its outcome (the first failure is the one already thrown). */
    private static void awaitQuietly(List<Future<Void>> parts) {
        boolean interrupted = false;
        for (Future<Void> part : parts) {
            while (!part.isDone()) {
                try {
                    part.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | CancellationException e) {
                    // reported by the caller's own wait, or a consequence of it
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
