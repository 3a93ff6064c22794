package org.mergelab.merge;

import java.util.random.RandomGenerator;

/**
 * The random stream of {@link java.util.SplittableRandom} (SplitMix64: the state advances by a constant gamma per
 * draw and each output is a bit-mix of the state), reproduced here so that a stream can be positioned at any draw in
 * constant time ({@link #skipped}): a range of a tensor starting at element j draws from where the whole tensor's
 * stream is after j draws. The numbers are exactly {@code SplittableRandom}'s, splits included
 * ({@code SplitMixStreamTest}); the algorithm is Steele, Lea &amp; Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014, as the JDK implements it.
 */
final class SplitMixStream implements RandomGenerator {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private final long gamma;

    /** The stream of {@code new SplittableRandom(seed)}. */
    SplitMixStream(long seed) {
        this(seed, GOLDEN_GAMMA);
    }

    private SplitMixStream(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** As {@link java.util.SplittableRandom#split()}: a new stream, drawing two numbers from this one. */
    SplitMixStream split() {
        return new SplitMixStream(nextLong(), mixGamma(seed += gamma));
    }

    /** A copy of this stream moved {@code draws} draws on ({@code nextLong}, {@code nextDouble}: one each). */
    SplitMixStream skipped(long draws) {
        return new SplitMixStream(seed + draws * gamma, gamma);
    }

    @Override
    public long nextLong() {
        return mix64(seed += gamma);
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int transitions = Long.bitCount(z ^ (z >>> 1));
        return transitions < 24 ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
