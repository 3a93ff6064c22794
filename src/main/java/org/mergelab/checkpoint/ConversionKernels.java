package org.mergelab.checkpoint;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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

    static final boolean VECTOR = !Boolean.getBoolean(SCALAR_PROPERTY) && moduleLoaded() && VectorKernels.usable();

    /** The dtypes that have kernels of their own, each warmed up on its own. */
    private static final List<DType> KERNEL_DTYPES = List.of(DType.F32, DType.F16, DType.BF16);

    private static final Map<DType, KernelWarmUp> WARM_UPS = new EnumMap<>(DType.class);

    static {
        for (DType dtype : KERNEL_DTYPES) {
            WARM_UPS.put(dtype, new KernelWarmUp("mergelab-vector-warm-up-" + dtype.safetensorsName(),
                    () -> VectorKernels.warmUp(dtype)));
        }
    }

    private ConversionKernels() {}

    /** Whether this JVM was started with the module {@value #VECTOR_MODULE} (it is in the boot layer). */
    public static boolean moduleLoaded() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * Why the scalar loops convert in this JVM, as a user can act on it, or null when the Vector API kernels do:
     * the conditions of {@link #VECTOR}, in its order.
     */
    public static String scalarReason() {
        if (VECTOR) {
            return null;
        }
        if (Boolean.getBoolean(SCALAR_PROPERTY)) {
            return "forced by -D" + SCALAR_PROPERTY + "=true";
        }
        if (!moduleLoaded()) {
            return "start the JVM with --add-modules " + VECTOR_MODULE + " for the Vector API kernels";
        }
        return "this CPU's vectors are narrower than 128 bits";
    }

    /** Whether the Vector API kernels are in use in this JVM (once warm: see {@link #useVector}). */
    public static boolean vector() {
        return VECTOR;
    }

    /**
     * Whether a conversion of {@code elements} elements of {@code dtype} (F32, F16 or BF16; the finiteness scan of
     * float32 values counts as F32) runs the Vector API kernels now. Until the JIT has compiled them they run as plain
     * Java objects, a hundred times slower than the scalar loops; so the first conversion of a dtype of
     * {@value KernelWarmUp#TRIGGER} elements or more starts a warm-up thread that runs that dtype's kernels on a small
     * buffer until they are compiled (well under a second), and conversions take the scalar loops, which give the same
     * bits, until then. Small conversions alone (a small model's merges) never start it, and a dtype a merge never
     * converts is never compiled.
     */
    static boolean useVector(int elements, DType dtype) {
        if (!VECTOR) {
            return false;
        }
        KernelWarmUp warmUp = WARM_UPS.get(dtype);
        return warmUp != null && warmUp.ready(elements);
    }

    /**
     * Warms the Vector API kernels of every dtype up (if this JVM has them) and waits up to {@code limit} for them;
     * true once they are in use. For tests and benchmarks that must run the vector kernels from their first
     * conversion.
     */
    public static boolean warmUp(Duration limit) throws InterruptedException {
        if (!VECTOR) {
            return false;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        KERNEL_DTYPES.forEach(dtype -> WARM_UPS.get(dtype).start());
        for (DType dtype : KERNEL_DTYPES) {
            if (!WARM_UPS.get(dtype).await(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** The kernels in use, for diagnostics: {@code "vector Species[float, 16, S_512_BIT]"} or {@code "scalar"}. */
    public static String describe() {
        return VECTOR ? "vector " + VectorKernels.describe() : "scalar";
    }
}
