package org.mergelab.merge;

import java.util.Arrays;

/**
 * Ranks the entries of a vector by magnitude, largest first (rank 0); equal magnitudes are ranked
 * by index, lowest first, so the ranking (and everything trimmed with it) is deterministic.
 * Cost: one primitive sort of the magnitudes, O(n log n).
 */
final class MagnitudeRanking {

    private MagnitudeRanking() {}

    /**
     * Number of entries a fraction of {@code n} stands for: {@code floor(fraction * n)} (as
     * mergekit's {@code int(density * numel)}), with a 1e-9 allowance so that 0.29 * 100 counts as
     * 29 rather than 28.999999999999996.
     */
    static int count(double fraction, int n) {
        return (int) Math.min(n, Math.floor(fraction * n + 1e-9));
    }

    /**
     * Zeroes every entry of {@code vector} whose magnitude rank lies outside {@code [from, to)}.
     */
    static void keepRankWindow(double[] vector, int from, int to) {
        int n = vector.length;
        from = Math.max(0, from);
        to = Math.min(n, to);
        if (from == 0 && to == n) {
            return;
        }
        double[] magnitudes = new double[n];
        for (int i = 0; i < n; i++) {
            magnitudes[i] = Math.abs(vector[i]);
        }
        double[] ascending = magnitudes.clone();
        Arrays.sort(ascending);
        boolean[] belowTo = ranksBelow(magnitudes, ascending, to);
        boolean[] belowFrom = ranksBelow(magnitudes, ascending, from);
        for (int i = 0; i < n; i++) {
            if (!belowTo[i] || belowFrom[i]) {
                vector[i] = 0.0;
            }
        }
    }

    /** Marks the entries whose rank is below {@code r}. */
    private static boolean[] ranksBelow(double[] magnitudes, double[] ascending, int r) {
        int n = magnitudes.length;
        boolean[] mask = new boolean[n];
        if (r <= 0) {
            return mask;
        }
        if (r >= n) {
            Arrays.fill(mask, true);
            return mask;
        }
        double threshold = ascending[n - 1 - r]; // the magnitude at rank r
        int greater = 0;
        for (double m : magnitudes) {
            if (m > threshold) {
                greater++;
            }
        }
        int equalsAllowed = r - greater; // the first this many entries equal to threshold rank below r
        for (int i = 0; i < n; i++) {
            if (magnitudes[i] > threshold) {
                mask[i] = true;
            } else if (magnitudes[i] == threshold && equalsAllowed > 0) {
                mask[i] = true;
                equalsAllowed--;
            }
        }
        return mask;
    }
}
