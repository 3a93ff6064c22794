package org.mergelab.merge;

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

    @Override
    public final float[] merge(MergeRequest request) {
        signature.check(name, request);
        return compute(request);
    }

    /** Merges a request that fits this method's signature. */
    abstract float[] compute(MergeRequest request);

    @Override
    public String toString() {
        return name;
    }
}
