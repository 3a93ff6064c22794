package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds a method's name, reference and {@link MethodSignature}, and checks every request against
 * the signature before {@link #compute} sees it, so no method can forget to.
 */
abstract class AbstractMergeMethod implements MergeMethod {

    static final int ANY = Integer.MAX_VALUE;

    private final String name;
    private final String reference;
    private final MethodSignature signature;

    AbstractMergeMethod(String name, String reference, MethodSignature signature) {
        this.name = name;
        this.reference = reference;
        this.signature = signature;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String reference() {
        return reference;
    }

    @Override
    public final boolean needsBaseModel() {
        return signature.needsBase();
    }

    @Override
    public final Set<String> perModelParameters() {
        return signature.perModelKeys();
    }

    @Override
    public final Set<String> globalParameters() {
        return signature.globalKeys();
    }

    /** What this method accepts, with each parameter's default. */
    final MethodSignature signature() {
        return signature;
    }

    /** The fewest models a request may hold. */
    final int minimumModels() {
        return signature.minModels();
    }

    @Override
    public final float[] merge(MergeRequest request) {
        signature.check(name, request);
        return compute(request);
    }

    /** Merges a request that fits this method's signature. */
    abstract float[] compute(MergeRequest request);

    /**
     * How this method's output depends on its inputs under the given global parameters (the same for every tensor
     * of a merge), which tells {@link StreamingMerge} how it may split a tensor into element ranges;
     * {@link Locality#WHOLE_TENSOR} unless a method says otherwise.
     */
    Locality locality(Map<String, Double> globalParameters) {
        return Locality.WHOLE_TENSOR;
    }

    /**
     * {@link Locality#TENSOR_STATISTICS} only: what this method needs to know about one range of the tensor.
     * {@code range} holds elements {@code [offset, offset + range.length())} of every input; {@code offset} is a
     * multiple of {@link #RANGE_ALIGNMENT}. Ranges are independent and may be computed in any order.
     */
    TensorStatistics rangeStatistics(MergeRequest range, long offset) {
        throw new IllegalStateException("method '" + name + "' is " + locality(range.globalParameters())
                + ": it keeps no range statistics");
    }

    /**
     * {@link Locality#TENSOR_STATISTICS} only: combines the statistics of consecutive ranges covering the whole
     * tensor, given in index order, into the tensor's statistics.
     */
    TensorStatistics tensorStatistics(MergeRequest first, List<TensorStatistics> ranges) {
        throw new IllegalStateException("method '" + name + "' is " + locality(first.globalParameters())
                + ": it keeps no range statistics");
    }

    /**
     * Merges elements {@code [offset, offset + range.length())} of a tensor; {@code statistics} is the tensor's
     * (from {@link #tensorStatistics}) for {@link Locality#TENSOR_STATISTICS} methods, {@code null} for
     * {@link Locality#ELEMENTWISE} ones. Merging every range and concatenating gives exactly {@link #merge} of the
     * whole tensor.
     */
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        Locality locality = locality(range.globalParameters());
        if (locality == Locality.ELEMENTWISE) {
            return compute(range);
        }
        throw new IllegalStateException("method '" + name + "' is " + locality + ": it merges whole tensors only");
    }

    /** Checks {@code range} against the signature, then {@link #computeRange}. */
    final float[] mergeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        signature.check(name, range);
        return computeRange(range, offset, statistics);
    }

    /** Checks {@code range} against the signature, then {@link #rangeStatistics}. */
    final TensorStatistics statisticsOfRange(MergeRequest range, long offset) {
        signature.check(name, range);
        return rangeStatistics(range, offset);
    }

    /** Range offsets for {@link #rangeStatistics} are multiples of this (64 Ki elements). */
    static final int RANGE_ALIGNMENT = 1 << 16;

    /** Whole-tensor facts a {@link Locality#TENSOR_STATISTICS} method computes before merging ranges. */
    interface TensorStatistics {}

    /** How a method's output element j depends on the inputs. */
    enum Locality {
        /** Only on element j of every input (and the parameters): any range can be merged alone. */
        ELEMENTWISE,
        /** On element j and statistics of the whole tensor gathered range by range (norms, rank thresholds). */
        TENSOR_STATISTICS,
        /** On the whole tensor in an order that cannot be split (e.g. one random stream per tensor). */
        WHOLE_TENSOR
    }

    @Override
    public String toString() {
        return name;
    }
}
