package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

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
     * one number per range. The ranges of a pass may also be read on several threads in any order: then each thread
     * counts into a histogram of its own ({@link #count}, added with {@link #addTally}), and pass 3 records each
     * range's count at its index ({@link #expectRanges}, {@link #countEqual(float[], int)}); the cut is the same.
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
        /** In the pass that counts equal entries: per range, the entries equal to the threshold. */
        private long[] equalIn;
        private int ranges;
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
            if (high != null || low != null) {
                count(magnitudes, high != null ? high : low);
            } else if (equalIn != null) {
                if (ranges == equalIn.length) {
                    equalIn = Arrays.copyOf(equalIn, 2 * ranges);
                }
                equalIn[ranges++] = countEqual(magnitudes);
            }
        }

        // A pass whose ranges are read on several threads at once, in any order: each thread counts the histogram
        // passes into a tally of its own, added in at the end (the counts are integers, so in any order); the pass
        // that counts equal entries records each range's count at its index.

        /** Whether this pass counts into a histogram ({@link #count}) rather than equal entries per range. */
        boolean countsHistogram() {
            return high != null || low != null;
        }

        /** Counts one range's magnitudes into {@code tally}, a histogram of {@link #BINS}, as this pass counts them. */
        void count(float[] magnitudes, int[] tally) {
            if (high != null) {
                addHighBits(magnitudes, tally);
            } else if (low != null) {
                int selected = bin;
                for (float m : magnitudes) {
                    int bits = Float.floatToRawIntBits(m);
                    if (bits >>> 16 == selected) {
                        tally[bits & 0xffff]++;
                    }
                }
            }
        }

        /** Adds a tally counted by {@link #count} in this pass to the pass's histogram. */
        void addTally(int[] tally) {
            int[] histogram = high != null ? high : low;
            for (int b = 0; b < BINS; b++) {
                histogram[b] += tally[b];
            }
        }

        /**
         * In the pass that counts equal entries, read on several threads: there are {@code rangeCount} ranges, each
         * given by its index to {@link #countEqual(float[], int)}.
         */
        void expectRanges(int rangeCount) {
            if (equalIn != null) {
                equalIn = Arrays.copyOf(equalIn, Math.max(equalIn.length, rangeCount));
                ranges = rangeCount;
            }
        }

        /** In the pass that counts equal entries: counts range number {@code rangeIndex}'s. */
        void countEqual(float[] magnitudes, int rangeIndex) {
            equalIn[rangeIndex] = countEqual(magnitudes);
        }

        private long countEqual(float[] magnitudes) {
            long equal = 0;
            for (float m : magnitudes) {
                if (m == threshold) {
                    equal++;
                }
            }
            return equal;
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
                    equalIn = new long[16];
                }
            } else if (equalIn != null) {
                long[] equalsBefore = new long[ranges];
                long equal = 0;
                for (int r = 0; r < ranges; r++) {
                    equalsBefore[r] = equal;
                    equal += equalIn[r];
                }
                cut = new RankCut(false, false, threshold, equalsAllowed, equalsBefore);
                equalIn = null;
            }
        }

        /** The cut, once {@link #searching} is false. */
        RankCut cut() {
            return cut;
        }
    }

    /**
     * The per-thread tallies of {@link CutSearch}es whose pass reads ranges on several threads at once: a thread
     * takes a tally, counts a range into it ({@link Tally#count}) and gives it back; at the end of the pass
     * {@link #addToSearches} adds every tally to its search's histogram and clears it for the next pass. At most
     * {@code limit} tallies exist (a taker waits for one beyond that), each holding a histogram of {@link #BINS} per
     * search and a scratch array of one range's magnitudes.
     */
    static final class Tallies {
        private final CutSearch[] searches;
        private final Semaphore permits;
        private final ConcurrentLinkedQueue<Tally> idle =
                new ConcurrentLinkedQueue<>();
        private final List<Tally> made = Collections.synchronizedList(new ArrayList<>());

        /** Tallies for {@code searches} (null entries: nothing searched there), at most {@code limit} at once. */
        Tallies(CutSearch[] searches, int limit) {
            this.searches = searches.clone();
            this.permits = new Semaphore(Math.max(1, limit));
        }

        /** The bytes one tally holds for ranges of {@code rangeLength} elements, at most. */
        static long bytesPerTally(int searches, int rangeLength) {
            return 4L * BINS * searches + 4L * rangeLength;
        }

        /** A tally to count into; give it back with {@link #give}. */
        Tally take() {
            permits.acquireUninterruptibly();
            Tally tally = idle.poll();
            if (tally == null) {
                tally = new Tally();
                made.add(tally);
            }
            return tally;
        }

        void give(Tally tally) {
            idle.add(tally);
            permits.release();
        }

        /** At the end of a pass, once no thread counts: every tally into its search, each tally cleared. */
        void addToSearches() {
            synchronized (made) {
                for (Tally tally : made) {
                    for (int s = 0; s < searches.length; s++) {
                        int[] histogram = tally.histograms[s];
                        if (histogram != null && searches[s].searching() && searches[s].countsHistogram()) {
                            searches[s].addTally(histogram);
                        }
                        if (histogram != null) {
                            Arrays.fill(histogram, 0);
                        }
                    }
                }
            }
        }

        /** One thread's counts, and its scratch array of magnitudes. */
        final class Tally {
            private final int[][] histograms = new int[searches.length][];
            private float[] magnitudes;

            /** A scratch array of {@code n} magnitudes. */
            float[] magnitudes(int n) {
                if (magnitudes == null || magnitudes.length != n) {
                    magnitudes = new float[n];
                }
                return magnitudes;
            }

            /**
             * Counts {@code magnitudes}, range number {@code rangeIndex}, for search number {@code search} as its
             * pass counts them (nothing once its cut is known).
             */
            void count(int search, float[] magnitudes, int rangeIndex) {
                CutSearch s = searches[search];
                if (s == null || !s.searching()) {
                    return;
                }
                if (s.countsHistogram()) {
                    if (histograms[search] == null) {
                        histograms[search] = new int[BINS];
                    }
                    s.count(magnitudes, histograms[search]);
                } else {
                    s.countEqual(magnitudes, rangeIndex);
                }
            }
        }
    }
}
