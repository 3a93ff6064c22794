package org.mergelab.merge;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.StatisticsScan;
import org.mergelab.merge.RangeMergeable.TensorStatistics;

/**
 * Merges one tensor of a {@link StreamingMerge} range by range on a pool of workers. A
 * {@link Locality#TENSOR_STATISTICS} method's statistics come first: its {@link StatisticsScan} reads every range in
 * index order, pass after pass, while the workers convert the next few ranges ahead of it (at most two per worker are
 * held), so memory stays bounded whatever the tensor's size; then every range is merged on the workers and stored.
 */
final class RangedTensorMerge {

    /** Where the ranges of the tensor come from and where their merged values go. */
    interface Ranges {
        /** The merge request of elements {@code [from, to)}, converted to float32 and checked finite. */
        MergeRequest request(long from, long to);

        /** Stores merged elements {@code [from, from + merged.length)}. */
        void store(long from, float[] merged);
    }

    private RangedTensorMerge() {}

    /**
     * Merges a tensor of {@code n} elements in ranges of {@code chunk} elements.
     *
     * @param method the method, which splits under these parameters ({@code locality} is not whole-tensor)
     * @param threads the workers' count; up to twice as many ranges are converted ahead of a scan
     */
    static void merge(RangeMergeable method, Locality locality, long n, int chunk, ExecutorService workers,
            int threads, Ranges ranges) throws IOException {
        List<long[]> bounds = new ArrayList<>();
        for (long from = 0; from < n; from += chunk) {
            bounds.add(new long[] {from, Math.min(n, from + chunk)});
        }
        TensorStatistics statistics = null;
        if (locality == Locality.TENSOR_STATISTICS) {
            StatisticsScan scan = method.statisticsScan(ranges.request(0, Math.min(n, 1)), n);
            do {
                Deque<Future<MergeRequest>> ahead = new ArrayDeque<>();
                int next = 0;
                for (long[] r : bounds) {
                    while (next < bounds.size() && ahead.size() < 2 * threads) {
                        long[] b = bounds.get(next++);
                        ahead.add(workers.submit(() -> ranges.request(b[0], b[1])));
                    }
                    scan.add(StreamingMerge.await(ahead.removeFirst()), r[0]);
                }
            } while (scan.endPass());
            statistics = scan.statistics();
        }
        TensorStatistics tensorStatistics = statistics;
        List<Future<Void>> parts = new ArrayList<>();
        for (long[] r : bounds) {
            parts.add(workers.submit(() -> {
                ranges.store(r[0], method.mergeRange(ranges.request(r[0], r[1]), r[0], tensorStatistics));
                return null;
            }));
        }
        for (Future<Void> part : parts) {
            StreamingMerge.await(part);
        }
    }
}
