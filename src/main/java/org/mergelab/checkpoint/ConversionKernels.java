package org.mergelab.checkpoint;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /** A conversion of at least this many elements starts the warm-up. */
    static final int WARM_UP_TRIGGER = 1 << 15;

    private static final CountDownLatch WARM = new CountDownLatch(1);
    private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();

    private ConversionKernels() {}

    /** Whether this JVM was started with the module {@value #VECTOR_MODULE} (it is in the boot layer). */
    public static boolean moduleLoaded() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** Whether the Vector API kernels are in use in this JVM (once warm: see {@link #useVector}). */
    public static boolean vector() {
        return VECTOR;
    }

    /**
     * Whether a conversion of {@code elements} elements runs the Vector API kernels now. Until the JIT has compiled
     * them they run as plain Java objects, a hundred times slower than the scalar loops; so the first conversion of
     * {@value #WARM_UP_TRIGGER} elements or more starts a warm-up thread that runs each kernel on a small buffer until
     * it is compiled (well under a second), and conversions take the scalar loops, which give the same bits, until
     * then. Small conversions alone (a small model's merges) never start it.
     */
    static boolean useVector(int elements) {
        if (!VECTOR) {
            return false;
        }
        if (WARM.getCount() == 0) {
            return true;
        }
        if (elements >= WARM_UP_TRIGGER) {
            startWarmUp();
        }
        return false;
    }

    /**
     * Warms the Vector API kernels up (if this JVM has them) and waits up to {@code limit} for them; true once they
     * are in use. For tests and benchmarks that must run the vector kernels from their first conversion.
     */
    public static boolean warmUp(Duration limit) throws InterruptedException {
        if (!VECTOR) {
            return false;
        }
        startWarmUp();
        return WARM.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void startWarmUp() {
        if (WARM_UP_STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("mergelab-vector-warm-up").start(() -> {
                try {
                    VectorKernels.warmUp();
                } finally {
                    WARM.countDown();
                }
            });
        }
    }

    /** The kernels in use, for diagnostics: {@code "vector Species[float, 16, S_512_BIT]"} or {@code "scalar"}. */
    public static String describe() {
        return VECTOR ? "vector " + VectorKernels.describe() : "scalar";
    }
}
