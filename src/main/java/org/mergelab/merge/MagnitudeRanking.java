package org.mergelab.merge;

import java.util.Arrays;
import java.util.List;

/**
 * Ranks the entries of a vector by magnitude, largest first (rank 0); equal magnitudes are ranked
 * by index, lowest first, so the ranking (and everything trimmed with it) is deterministic.
 *
 * <p>The magnitude ranked on is {@code |v|} rounded to float32 ({@link #magnitude}); entries whose
 * float64 magnitudes differ by less than a float32 rounding count as equal and are ranked by index.
 * A {@link RankCut} ("the entries of rank below r") is found without sorting: a radix selection on
 * the float32 bit patterns (non-negative floats order like their bits), one histogram of the high
 * 16 bits and one of the low 16 bits inside the selected bin, O(n) and allocation-free apart from
 * the two histograms. The vector may arrive as consecutive ranges (a tensor streamed from disk);
 * the cut then records how many entries equal to its threshold precede each range, so that every
 * range can be trimmed on its own with exactly the result of trimming the whole vector.
 */
final class MagnitudeRanking {

    static final int BINS = 1 << 16;

    private MagnitudeRanking() {}

    /**
     * Number of entries a fraction of {@code n} stands for, exactly as mergekit's {@code int(density * numel)}: the
     * float64 product truncated, so 0.7 · 90 = 62.99999999999999 counts as 62 and 0.29 · 100 as 28.
     */
    static int count(double fraction, int n) {
        return (int) Math.min(n, fraction * n);
    }

    /** The magnitude entries are ranked by: {@code |value|} rounded to float32. */
    static float magnitude(double value) {
        return (float) Math.abs(value);
    }

    /** Adds the high 16 bits of every magnitude (all finite and &ge; 0) to {@code histogram}. */
    static void addHighBits(float[] magnitudes, int[] histogram) {
        for (float m : magnitudes) {
            histogram[Float.floatToRawIntBits(m) >>> 16]++;
        }
    }

    /**
     * Zeroes every entry of {@code vector} whose magnitude rank lies outside {@code [from, to)}.
     */
    static void keepRankWindow(double[] vector, int from, int to) {
        float[] magnitudes = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            magnitudes[i] = magnitude(vector[i]);
        }
        int[] histogram = new int[BINS];
        addHighBits(magnitudes, histogram);
        List<float[]> ranges = List.of(magnitudes);
        RankCut below = RankCut.of(from, histogram, ranges);
        RankCut upTo = RankCut.of(to, histogram, ranges);
        keepWindow(vector, 0, below, upTo);
    }

    /**
     * Zeroes every entry of {@code range} (range number {@code rangeIndex} of the vector the cuts
     * were made on) that is not below {@code to} or is below {@code from}.
     */
    static void keepWindow(double[] range, int rangeIndex, RankCut from, RankCut to) {
        Window window = new Window(from, to, rangeIndex);
        for (int j = 0; j < range.length; j++) {
            if (!window.keeps(magnitude(range[j]))) {
                range[j] = 0.0;
            }
        }
    }

    /**
     * The window between two cuts, entry by entry in index order from the start of one range: an entry is kept when
     * it is below {@code to} and not below {@code from}; entries equal to a cut's threshold are counted, since only the
     * first {@link RankCut#equalsAllowed} of them (by index, over the whole vector) are below it.
     */
    static final class Window {
        private final RankCut from;
        private final RankCut to;
        private long equalsFrom;
        private long equalsTo;

        /** The window of range number {@code rangeIndex}, before its first entry. */
        Window(RankCut from, RankCut to, int rangeIndex) {
            this.from = from;
            this.to = to;
            this.equalsFrom = from.equalsBefore(rangeIndex);
            this.equalsTo = to.equalsBefore(rangeIndex);
        }

        /** The cut the window starts below (entries below it are not kept). */
        RankCut from() {
            return from;
        }

        /** The cut the window ends at (entries below it are kept, unless below {@link #from}). */
        RankCut to() {
            return to;
        }

        /** Whether the next entry, of magnitude {@code m}, is kept. */
        boolean keeps(float m) {
            boolean belowTo;
            if (to.all) {
                belowTo = true;
            } else if (to.none) {
                belowTo = false;
            } else if (m != to.threshold) {
                belowTo = m > to.threshold;
            } else {
                belowTo = equalsTo++ < to.equalsAllowed;
            }
            boolean belowFrom;
            if (from.all) {
                belowFrom = true;
            } else if (from.none) {
                belowFrom = false;
            } else if (m != from.threshold) {
                belowFrom = m > from.threshold;
            } else {
                belowFrom = equalsFrom++ < from.equalsAllowed;
            }
            return belowTo && !belowFrom;
        }
    }

    /**
     * The entries of rank below {@code rank}: those with magnitude above {@code threshold}, and the
     * first {@code equalsAllowed} (by index) of those equal to it.
     *
     * @param none no entry is below (rank &le; 0)
     * @param all every entry is below (rank &ge; n)
     * @param equalsBefore per range, how many entries equal to the threshold precede it
     */
    record RankCut(boolean none, boolean all, float threshold, long equalsAllowed, long[] equalsBefore) {

        long equalsBefore(int rangeIndex) {
            return equalsBefore == null ? 0 : equalsBefore[rangeIndex];
        }

        /**
         * Finds the cut at {@code rank} of the magnitudes given as consecutive {@code ranges},
         * whose high-bit histogram is {@code highHistogram}.
         */
        static RankCut of(long rank, int[] highHistogram, List<float[]> ranges) {
            long n = 0;
            for (float[] r : ranges) {
                n += r.length;
            }
            if (rank <= 0) {
                return new RankCut(true, false, 0f, 0, null);
            }
            if (rank >= n) {
                return new RankCut(false, true, 0f, 0, null);
            }
            long k = n - 1 - rank; // ascending index of the magnitude at rank 'rank'
            long before = 0;
            int bin = 0;
            while (before + highHistogram[bin] <= k) {
                before += highHistogram[bin];
                bin++;
            }
            long greater = n - before - highHistogram[bin];
            int[] low = new int[BINS];
            for (float[] r : ranges) {
                for (float m : r) {
                    int bits = Float.floatToRawIntBits(m);
                    if (bits >>> 16 == bin) {
                        low[bits & 0xffff]++;
                    }
                }
            }
            long inBin = k - before;
            int lowBits = 0;
            long cumulative = 0;
            while (cumulative + low[lowBits] <= inBin) {
                cumulative += low[lowBits];
                lowBits++;
            }
            for (int l = lowBits + 1; l < BINS; l++) {
                greater += low[l];
            }
            float threshold = Float.intBitsToFloat((bin << 16) | lowBits);
            long[] equalsBefore = new long[ranges.size()];
            long equal = 0;
            for (int i = 0; i < ranges.size(); i++) {
                equalsBefore[i] = equal;
                for (float m : ranges.get(i)) {
                    if (m == threshold) {
                        equal++;
                    }
                }
            }
            return new RankCut(false, false, threshold, rank - greater, equalsBefore);
        }
    }

    /**
     * Finds the {@link RankCut} at one rank of magnitudes read range by range, in index order, without holding them:
     * pass 1 counts the high 16 bits of every magnitude, pass 2 the low 16 bits of those in the selected high bin,
     * which gives the threshold, the exact magnitude of that rank, bit for bit what {@link RankCut#of} finds on the
     * whole vector. Only when some but not all entries equal to the threshold are below the rank (ties in magnitude
     * at the cut) does a pass 3 count, per range, the equal entries before it. Holds two histograms and, in pass 3,
     * one number per range.
     */
    static final class CutSearch {
        private final long rank;
        private final long n;
        private int[] high;
        private int[] low;
        private int bin;
        private long inBin;
        private long greater;
        private float threshold;
        private long equalsAllowed;
        private long[] equalsBefore;
        private int ranges;
        private long equalSoFar;
        private RankCut cut;

        /** The search for the cut at {@code rank} of {@code n} magnitudes. */
        CutSearch(long rank, long n) {
            this.rank = rank;
            this.n = n;
            if (rank <= 0) {
                cut = new RankCut(true, false, 0f, 0, null);
            } else if (rank >= n) {
                cut = new RankCut(false, true, 0f, 0, null);
            } else {
                high = new int[BINS];
            }
        }

        /** True until the cut is known: another pass over every range is needed. */
        boolean searching() {
            return cut == null;
        }

        /** Reads the magnitudes of the next range of this pass. */
        void add(float[] magnitudes) {
            if (high != null) {
                addHighBits(magnitudes, high);
            } else if (low != null) {
                for (float m : magnitudes) {
                    int bits = Float.floatToRawIntBits(m);
                    if (bits >>> 16 == bin) {
                        low[bits & 0xffff]++;
                    }
                }
            } else if (equalsBefore != null) {
                if (ranges == equalsBefore.length) {
                    equalsBefore = Arrays.copyOf(equalsBefore, 2 * ranges);
                }
                equalsBefore[ranges++] = equalSoFar;
                for (float m : magnitudes) {
                    if (m == threshold) {
                        equalSoFar++;
                    }
                }
            }
        }

        /** Ends a pass over every range. */
        void endPass() {
            if (high != null) {
                long k = n - 1 - rank; // ascending index of the magnitude at rank 'rank'
                long before = 0;
                while (before + high[bin] <= k) {
                    before += high[bin];
                    bin++;
                }
                greater = n - before - high[bin];
                high = null;
                low = new int[BINS];
                inBin = k - before; // the rank, ascending, inside the bin
            } else if (low != null) {
                int lowBits = 0;
                long cumulative = 0;
                while (cumulative + low[lowBits] <= inBin) {
                    cumulative += low[lowBits];
                    lowBits++;
                }
                for (int l = lowBits + 1; l < BINS; l++) {
                    greater += low[l];
                }
                low = null;
                threshold = Float.intBitsToFloat((bin << 16) | lowBits);
                equalsAllowed = rank - greater;
                if (equalsAllowed == 0) { // no entry equal to the threshold is below the rank, wherever it lies
                    cut = new RankCut(false, false, threshold, 0, null);
                } else {
                    equalsBefore = new long[16];
                }
            } else if (equalsBefore != null) {
                cut = new RankCut(false, false, threshold, equalsAllowed,
                        Arrays.copyOf(equalsBefore, ranges));
                equalsBefore = null;
            }
        }

        /** The cut, once {@link #searching} is false. */
        RankCut cut() {
            return cut;
        }
    }
}
