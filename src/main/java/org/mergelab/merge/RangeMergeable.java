package org.mergelab.merge;

import java.util.List;
import java.util.Map;

/**
 * A method that can merge a tensor range by range, so that {@link StreamingMerge} merges the ranges of one tensor
 * on several threads: merging every range and concatenating gives exactly the bits of {@link #merge} on the whole
 * tensor ({@code MergeMethodContractTest} checks it for every method that implements this). Whether it splits
 * depends on the global parameters ({@link #locality}); a method that never can (DARE's one random stream per tensor,
 * model_stock's angles of whole task vectors) does not implement this, and is merged whole.
 *
 * <p>Ranges start at multiples of {@link #RANGE_ALIGNMENT}. A {@link Locality#TENSOR_STATISTICS} method is merged
 * in two passes: {@link #statisticsOfRange} of every range (in any order), {@link #tensorStatistics} of them in index
 * order, then {@link #mergeRange} of every range with the tensor's statistics.
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
        /** On the whole tensor in an order that cannot be split (e.g. the L1 norm of what a rank cut keeps). */
        WHOLE_TENSOR
    }

    /** Whole-tensor facts a {@link Locality#TENSOR_STATISTICS} method computes before merging ranges. */
    interface TensorStatistics {}

    /**
     * How this method may split a tensor under the given global parameters (the same for every tensor of a merge).
     */
    Locality locality(Map<String, Double> globalParameters);

    /**
     * {@link Locality#TENSOR_STATISTICS} only: what this method needs to know about one range. {@code range} holds
     * elements {@code [offset, offset + range.length())} of every input, and is checked as {@link #merge} checks.
     */
    TensorStatistics statisticsOfRange(MergeRequest range, long offset);

    /**
     * {@link Locality#TENSOR_STATISTICS} only: combines the statistics of consecutive ranges covering the whole
     * tensor, given in index order, into the tensor's; {@code first} carries the request's parameters.
     */
    TensorStatistics tensorStatistics(MergeRequest first, List<TensorStatistics> ranges);

    /**
     * Merges elements {@code [offset, offset + range.length())} of a tensor; {@code statistics} is the tensor's (from
     * {@link #tensorStatistics}) for {@link Locality#TENSOR_STATISTICS}, {@code null} for {@link Locality#ELEMENTWISE}.
     * The request is checked as {@link #merge} checks.
     */
    float[] mergeRange(MergeRequest range, long offset, TensorStatistics statistics);
}
