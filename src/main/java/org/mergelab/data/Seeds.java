package org.mergelab.data;

/**
 * Derives independent 64-bit seeds from a parent seed and a path of integers (SplitMix64 finaliser),
 * so that image i, epoch e, sample position p each get their own stream without depending on threads.
 */
final class Seeds {
    private Seeds() {}

    static long derive(long seed, long a) {
        return mix(seed ^ mix(a + 0x9E3779B97F4A7C15L));
    }

    static long derive(long seed, long a, long b) {
        return derive(derive(seed, a), b);
    }

    static long derive(long seed, long a, long b, long c) {
        return derive(derive(derive(seed, a), b), c);
    }

    /** A seed for a named purpose (e.g. "derangement"), stable across JVMs (String.hashCode is specified). */
    static long derive(long seed, String purpose) {
        return derive(seed, (long) purpose.hashCode() * 0x100000001B3L + purpose.length());
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
