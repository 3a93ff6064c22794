package org.mergelab.checkpoint;

/**
 * Which kernels convert a merge's ranges: the Vector API's ({@link VectorKernels}) when the JVM has the module
 * {@code jdk.incubator.vector} (the launcher and the tests add it) and its vectors are 128 bits or wider, else
 * {@link Tensor}'s scalar loops. Both give the same bits. The system property {@value #SCALAR_PROPERTY}{@code =true}
 * forces the scalar loops, for comparisons.
 */
public final class ConversionKernels {

    /** The system property that forces the scalar loops. */
    public static final String SCALAR_PROPERTY = "mergelab.scalarKernels";
    /** The module of the Vector API. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    static final boolean VECTOR = !Boolean.getBoolean(SCALAR_PROPERTY)
            && ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()
            && VectorKernels.usable();

    private ConversionKernels() {}

    /** Whether the Vector API kernels are in use in this JVM. */
    public static boolean vector() {
        return VECTOR;
    }

    /** The kernels in use, for diagnostics: {@code "vector Species[float, 16, S_512_BIT]"} or {@code "scalar"}. */
    public static String describe() {
        return VECTOR ? "vector " + VectorKernels.describe() : "scalar";
    }
}
