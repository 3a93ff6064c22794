package org.mergelab.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded index splits of a dataset of {@code n} images. Every result is sorted ascending and depends only on
 * its arguments. {@link Split} names the splits a task trains on.
 */
public final class Splits {

    private Splits() {}

    /**
     * Two disjoint halves covering {@code 0..n-1}: a seeded shuffle, {@code a} = the first {@code ceil(n/2)}
     * ids, {@code b} = the rest, each sorted. PROTOCOL.md: task T1 trains on {@code a}, T2 on {@code b}.
     *
     * @param a ids of split A, sorted
     * @param b ids of split B, sorted, disjoint from {@code a}
     */
    public record Halves(int[] a, int[] b) {}

    /** Disjoint sorted halves of {@code 0..n-1} from {@code seed}; sizes {@code ceil(n/2)} and {@code floor(n/2)}. */
    public static Halves halves(int n, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException("splits: need at least 2 images to halve, got n=" + n);
        }
        int[] perm = permutation(n, seed);
        int na = (n + 1) / 2;
        int[] a = Arrays.copyOfRange(perm, 0, na);
        int[] b = Arrays.copyOfRange(perm, na, n);
        Arrays.sort(a);
        Arrays.sort(b);
        return new Halves(a, b);
    }

    /**
     * Piece {@code index} (0-based) of {@code parts} disjoint pieces covering {@code 0..n-1}: the seeded shuffle of
     * {@link #halves}, cut at {@code ceil(i n / parts)} for i = 1..parts-1, each piece sorted. With two parts, the
     * pieces are the halves A and B of the same seed.
     */
    public static int[] piece(int n, long seed, int index, int parts) {
        if (parts < 1 || index < 0 || index >= parts) {
            throw new IllegalArgumentException("splits: piece " + index + " of " + parts + " does not exist");
        }
        if (n < parts) {
            throw new IllegalArgumentException("splits: need at least " + parts + " images for " + parts + " pieces, got n=" + n);
        }
        int[] perm = permutation(n, seed);
        int from = (int) (((long) index * n + parts - 1) / parts);
        int to = (int) (((long) (index + 1) * n + parts - 1) / parts);
        int[] out = Arrays.copyOfRange(perm, from, to);
        Arrays.sort(out);
        return out;
    }

    /**
     * {@code k} distinct ids drawn from {@code 0..n-1} without replacement from {@code seed}, sorted (for a
     * probe's {@code test_size}). {@code k == n} returns all ids.
     */
    public static int[] subset(int n, int k, long seed) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("splits: subset size k=" + k + " must be in [0, n=" + n + "]");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = identity(n);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] out = Arrays.copyOf(p, k);
        Arrays.sort(out);
        return out;
    }

    /** A seeded uniform permutation of {@code 0..n-1} (Fisher-Yates). */
    public static int[] permutation(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code 0, 1, ..., n-1}. */
    public static int[] all(int n) {
        return identity(n);
    }

    private static int[] identity(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("splits: n must be >= 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
