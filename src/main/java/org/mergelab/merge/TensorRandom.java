package org.mergelab.merge;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Per-tensor random streams. A tensor's stream is {@code new SplittableRandom(seed ^
 * stableHash(tensorName))}, so it depends on the merge seed and the tensor's name only, never on
 * which thread merges it or in which order tensors are visited.
 */
final class TensorRandom {

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private TensorRandom() {}

    /** The stream for {@code tensorName} under {@code seed}. */
    static SplittableRandom forTensor(long seed, String tensorName) {
        return new SplittableRandom(seed ^ stableHash(tensorName));
    }

    /**
     * 64-bit FNV-1a of the UTF-8 bytes of {@code text}, passed through the SplitMix64 finaliser so
     * that names differing in one character give unrelated seeds. Stable across JVMs and runs
     * (unlike {@link String#hashCode()} it is 64-bit and specified here).
     */
    static long stableHash(String text) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }
}
