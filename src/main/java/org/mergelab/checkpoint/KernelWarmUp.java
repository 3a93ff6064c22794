package org.mergelab.checkpoint;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The warm-up of one family of Vector API kernels. Until the JIT has compiled them, Vector API kernels run as plain
 * Java objects, a hundred times slower than scalar loops that give the same bits; so the first call over
 * {@value #TRIGGER} elements or more starts a daemon thread that runs the kernels on a small buffer until they are
 * compiled (well under a second), and callers take their scalar loops until then ({@link #ready}). A family a process
 * never calls on that many elements is never compiled.
 */
public final class KernelWarmUp {

    /** A call on at least this many elements starts the warm-up. */
    public static final int TRIGGER = 1 << 15;

    private final String name;
    private final Runnable warmUp;
    private final CountDownLatch warm = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param name the warm-up thread's name
     * @param warmUp runs the kernels until they are compiled (and returns after a bounded time whatever happens)
     */
    public KernelWarmUp(String name, Runnable warmUp) {
        this.name = name;
        this.warmUp = warmUp;
    }

    /**
     * Whether the kernels are warm, so that a call on {@code elements} elements should take them; otherwise starts the
     * warm-up if {@code elements} reaches {@value #TRIGGER}.
     */
    public boolean ready(int elements) {
        if (warm.getCount() == 0) {
            return true;
        }
        if (elements >= TRIGGER) {
            start();
        }
        return false;
    }

    /** Starts the warm-up thread unless it has started already. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name(name).start(() -> {
                try {
                    warmUp.run();
                } finally {
                    warm.countDown();
                }
            });
        }
    }

    /** Starts the warm-up and waits for it until {@code deadlineNanos} ({@link System#nanoTime}); true once warm. */
    public boolean await(long deadlineNanos) throws InterruptedException {
        start();
        return warm.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
