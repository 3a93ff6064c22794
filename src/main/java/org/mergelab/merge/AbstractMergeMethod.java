package org.mergelab.merge;

import java.util.List;
import java.util.Set;

/**
 * Holds a method's name, reference and {@link MethodSignature}, and checks every request against
 * the signature before {@link #compute} sees it, so no method can forget to. A subclass that can merge
 * range by range says so by implementing {@link RangeMergeable}, whose checked entry points are here.
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
    public final boolean acceptsBaseModel() {
        return signature.needsBase() || signature.optionalBase();
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

    @Override
    public final AuxiliaryInput auxiliaryInput() {
        return signature.auxiliary();
    }

    @Override
    public final int minimumModels() {
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
     * Range merging, for a method that is {@link RangeMergeable}: the statistics of one range; see
     * {@link RangeMergeable#statisticsOfRange}. Only methods that gather tensor statistics override it.
     */
    RangeMergeable.TensorStatistics rangeStatistics(MergeRequest range, long offset) {
        throw new IllegalStateException("method '" + name + "' keeps no range statistics");
    }

    /** For a {@link RangeMergeable} method: see {@link RangeMergeable#tensorStatistics}. */
    public RangeMergeable.TensorStatistics tensorStatistics(MergeRequest first,
            List<RangeMergeable.TensorStatistics> ranges) {
        throw new IllegalStateException("method '" + name + "' keeps no range statistics");
    }

    /**
     * Range merging, for a method that is {@link RangeMergeable}: merges one range of a request that fits the
     * signature. The default merges the range as a tensor of its own, which is right for an elementwise method.
     */
    float[] computeRange(MergeRequest range, long offset, RangeMergeable.TensorStatistics statistics) {
        return compute(range);
    }

    /** For a {@link RangeMergeable} method: checks {@code range} against the signature, then {@link #computeRange}. */
    public final float[] mergeRange(MergeRequest range, long offset, RangeMergeable.TensorStatistics statistics) {
        signature.check(name, range);
        return computeRange(range, offset, statistics);
    }

    /** For a {@link RangeMergeable} method: checks {@code range} against the signature, then {@link #rangeStatistics}. */
    public final RangeMergeable.TensorStatistics statisticsOfRange(MergeRequest range, long offset) {
        signature.check(name, range);
        return rangeStatistics(range, offset);
    }

    @Override
    public String toString() {
        return name;
    }
}
