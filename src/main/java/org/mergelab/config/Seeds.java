package org.mergelab.config;

/**
 * Derives independent 64-bit seeds from a parent seed and a path of integers or names (SplitMix64
 * finaliser), so that every random stream (an image, an epoch, a sample position, a task) has its
 * own seed traced to the config without depending on threads or on the order of work.
 */
public final class Seeds {

    private Seeds() {}

    /** A child seed for index {@code a}. */
    public static long derive(long seed, long a) {
        return mix(seed ^ mix(a + 0x9E3779B97F4A7C15L));
    }

    /** A child seed for the path (a, b). */
    public static long derive(long seed, long a, long b) {
        return derive(derive(seed, a), b);
    }

    /** A child seed for the path (a, b, c). */
    public static long derive(long seed, long a, long b, long c) {
        return derive(derive(derive(seed, a), b), c);
    }

    /**
     * A seed for a named purpose (e.g. "derangement"), stable across JVMs ({@code String.hashCode}
     * is specified by the Java language).
     */
    public static long derive(long seed, String purpose) {
        return derive(seed, (long) purpose.hashCode() * 0x100000001B3L + purpose.length());
    }

    /** The SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
