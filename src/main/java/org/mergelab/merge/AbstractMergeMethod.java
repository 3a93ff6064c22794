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
     * Range merging, for a method that is {@link RangeMergeable}: the scan of a tensor's statistics; see
     * {@link RangeMergeable#statisticsScan}. Only methods that gather tensor statistics override it.
     */
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length) {
        throw new IllegalStateException("method '" + name + "' keeps no range statistics");
    }

    /**
     * Range merging: the scan of a tensor whose models' auxiliary matrices are read through {@code matrices}; see
     * {@link RangeMergeable#statisticsScan(MergeRequest, long, RangeMergeable.AuxiliaryMatrices)}. The default reads
     * none ({@code matrices} must be null) and is {@link #scan(MergeRequest, long)}; regmean overrides it.
     */
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length, RangeMergeable.AuxiliaryMatrices matrices) {
        if (matrices != null) {
            throw new IllegalStateException("method '" + name + "' reads no auxiliary matrices");
        }
        return scan(first, length);
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

    /**
     * For a {@link RangeMergeable} method: checks {@code first} against the signature, then {@link #scan}, whose every
     * range is checked too.
     */
    public final RangeMergeable.StatisticsScan statisticsScan(MergeRequest first, long length) {
        return statisticsScan(first, length, null);
    }

    /**
     * For a {@link RangeMergeable} method: checks {@code first} against the signature, then
     * {@link #scan(MergeRequest, long, RangeMergeable.AuxiliaryMatrices)}, whose every range is checked too.
     */
    public final RangeMergeable.StatisticsScan statisticsScan(MergeRequest first, long length,
            RangeMergeable.AuxiliaryMatrices matrices) {
        signature.check(name, first);
        RangeMergeable.StatisticsScan scan = scan(first, length, matrices);
        return new RangeMergeable.StatisticsScan() {
            @Override
            public boolean readsRanges() {
                return scan.readsRanges();
            }

            @Override
            public boolean concurrentPass() {
                return scan.concurrentPass();
            }

            @Override
            public Object prepare(MergeRequest range, long offset) {
                signature.check(name, range);
                return scan.prepare(range, offset);
            }

            @Override
            public void add(MergeRequest range, long offset) {
                signature.check(name, range);
                scan.add(range, offset);
            }

            @Override
            public void add(MergeRequest range, long offset, Object prepared) {
                signature.check(name, range);
                scan.add(range, offset, prepared);
            }

            @Override
            public boolean endPass() {
                return scan.endPass();
            }

            @Override
            public RangeMergeable.TensorStatistics statistics() {
                return scan.statistics();
            }
        };
    }

    /** Runs {@code scan} over {@code request} as one range, pass after pass: the whole-tensor merge's statistics. */
    static RangeMergeable.TensorStatistics scanWhole(RangeMergeable.StatisticsScan scan, MergeRequest request) {
        if (scan.readsRanges()) {
            do {
                scan.add(request, 0);
            } while (scan.endPass());
        }
        return scan.statistics();
    }

    @Override
    public String toString() {
        return name;
    }
}
