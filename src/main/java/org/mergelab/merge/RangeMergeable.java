package org.mergelab.merge;

import java.util.Map;

/**
 * A method that can merge a tensor range by range, so that {@link StreamingMerge} merges the ranges of one tensor
 * on several threads: merging every range and concatenating gives exactly the bits of {@link #merge} on the whole
 * tensor ({@code MergeMethodContractTest} checks it for every method that implements this). Whether it splits
 * depends on the global parameters ({@link #locality}); a method that never can does not implement this, and is
 * merged whole.
 *
 * <p>Ranges start at multiples of {@link #RANGE_ALIGNMENT}. A {@link Locality#TENSOR_STATISTICS} method first reads
 * every range in index order, in as many passes as its {@link StatisticsScan} asks for, then merges every range (in any
 * order, on any thread) with the tensor's statistics.
 */
interface RangeMergeable extends MergeMethod {

    /** Range offsets are multiples of this (64 Ki elements). */
    int RANGE_ALIGNMENT = 1 << 16;

    /** How this method's output element j depends on the inputs under the given global parameters. */
    enum Locality {
        /** Only on element j of every input (and the parameters): any range can be merged alone. */
        ELEMENTWISE,
        /** On element j and statistics of the whole tensor gathered range by range (norms, rank thresholds). */
        TENSOR_STATISTICS,
        /** On the whole tensor in a way that cannot be split (e.g. della's masks sampled by rank along rows). */
        WHOLE_TENSOR
    }

    /** Whole-tensor facts a {@link Locality#TENSOR_STATISTICS} method computes before merging ranges. */
    interface TensorStatistics {}

    /**
     * How this method may split a tensor under the given global parameters (the same for every tensor of a merge).
     */
    Locality locality(Map<String, Double> globalParameters);

    /**
     * Tensor-wide statistics gathered in one or more passes over a tensor's consecutive ranges, in index order, with
     * state carried from range to range (running sums in float64, histograms, random streams), so that the memory it
     * holds does not grow with the tensor: a few histograms and sums, and at most a number per range.
     */
    interface StatisticsScan {
        /**
         * Reads the next range of the current pass: elements {@code [offset, offset + range.length())} of every
         * input. The ranges of one pass come in index order, start at multiples of {@link #RANGE_ALIGNMENT}, cover
         * the tensor, and are the ranges the tensor is then merged in.
         */
        void add(MergeRequest range, long offset);

        /** Ends the current pass; true when another pass over every range is needed. */
        boolean endPass();

        /** The tensor's statistics, once {@link #endPass} has returned false. */
        TensorStatistics statistics();
    }

    /**
     * {@link Locality#TENSOR_STATISTICS} only: a scan of a tensor of {@code length} elements; {@code first} carries
     * the request's name, seed and parameters, and each range is checked as {@link #merge} checks.
     */
    StatisticsScan statisticsScan(MergeRequest first, long length);

    /**
     * Merges elements {@code [offset, offset + range.length())} of a tensor; {@code statistics} is the tensor's (from
     * its {@link #statisticsScan}) for {@link Locality#TENSOR_STATISTICS}, {@code null} for {@link Locality#ELEMENTWISE}.
     * The request is checked as {@link #merge} checks.
     */
    float[] mergeRange(MergeRequest range, long offset, TensorStatistics statistics);
}
