package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the values at given ascending ranks of n doubles read range by range, in as many passes as needed, without
 * holding them: the k-th value is exactly {@code sorted[k]} of {@link Arrays#sort(double[])} on all n (−0.0 before
 * 0.0; no NaN may occur). A radix selection on the 64-bit keys that order like the doubles: each pass counts, among
 * the values whose leading digits match those fixed so far, the next 16 bits in a histogram, and fixes the digit that
 * holds the rank. A pass ends the search early once the values still in question are all equal, or collects them
 * (when at most {@value #COLLECT_LIMIT} remain) and sorts them; at most four passes otherwise. Ranks whose searches
 * are at the same point share one histogram.
 */
final class OrderStatisticSearch {

    /** Values still in question up to this many are collected and sorted in the next pass. */
    static final int COLLECT_LIMIT = 1 << 16;

    private static final int DIGIT_BITS = 16;
    private static final int BINS = 1 << DIGIT_BITS;

    private final Search[] searches;
    private List<Group> groups;

    /**
     * The search for the values at {@code ranks} (ascending ranks, 0 the smallest, each in {@code [0, n)}) of
     * {@code n} values.
     */
    OrderStatisticSearch(long n, long... ranks) {
        searches = new Search[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] < 0 || ranks[i] >= n) {
                throw new IllegalArgumentException("rank " + ranks[i] + " is outside [0, " + n + ")");
            }
            searches[i] = new Search(ranks[i], n);
        }
        groups = groups();
    }

    /** True until every value is known: another pass over every range is needed. */
    boolean searching() {
        return !groups.isEmpty();
    }

    /** Reads the values of the next range of this pass. */
    void add(double[] values) {
        for (Group g : groups) {
            g.add(values);
        }
    }

    /** Ends a pass over every range. */
    void endPass() {
        for (Group g : groups) {
            g.end();
        }
        groups = groups();
    }

    /** The value at the i-th rank given to the constructor, once {@link #searching} is false. */
    double value(int i) {
        if (!searches[i].known) {
            throw new IllegalStateException("the value at rank " + searches[i].rank + " is not known yet");
        }
        return searches[i].value;
    }

    /** A key that orders, as a signed long, like the double it is made of. */
    static long key(double value) {
        long bits = Double.doubleToRawLongBits(value);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** The double whose {@link #key} is {@code key}. */
    static double value(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
    }

    /** The unknown searches grouped by the point they are at, each group with a fresh histogram or collection. */
    private List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (Search s : searches) {
            if (s.known) {
                continue;
            }
            Group same = null;
            for (Group g : out) {
                if (g.digits == s.digits && g.prefix == s.prefix) {
                    same = g;
                }
            }
            if (same == null) {
                same = new Group(s.digits, s.prefix, s.candidates);
                out.add(same);
            }
            same.members.add(s);
        }
        return out;
    }

    /** One rank: the digits of its key fixed so far, and its rank among the values that share them. */
    private static final class Search {
        private final long rank;
        /** The rank among the candidates (the values whose key starts with {@link #prefix}). */
        private long remaining;
        private long candidates;
        private int digits;
        /** The fixed leading digits of the unsigned key, right-aligned. */
        private long prefix;
        private boolean known;
        private double value;

        Search(long rank, long n) {
            this.rank = rank;
            this.remaining = rank;
            this.candidates = n;
        }

        void found(long key) {
            known = true;
            value = OrderStatisticSearch.value(key);
        }
    }

    /** The searches at one point in one pass: their candidates' histogram of the next digit, or the candidates. */
    private static final class Group {
        private final int digits;
        private final long prefix;
        private final List<Search> members = new ArrayList<>();
        private final int[] histogram;
        private final long[] collected;
        private int size;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        Group(int digits, long prefix, long candidates) {
            this.digits = digits;
            this.prefix = prefix;
            boolean collect = candidates <= COLLECT_LIMIT;
            this.histogram = collect ? null : new int[BINS];
            this.collected = collect ? new long[(int) candidates] : null;
        }

        void add(double[] values) {
            int shift = Long.SIZE - DIGIT_BITS * digits; // bits below the fixed digits (64 when none)
            for (double v : values) {
                long key = key(v);
                long unsigned = key ^ Long.MIN_VALUE;
                if (digits > 0 && unsigned >>> shift != prefix) {
                    continue;
                }
                min = Math.min(min, key);
                max = Math.max(max, key);
                if (collected != null) {
                    collected[size++] = key;
                } else {
                    histogram[(int) (unsigned >>> (shift - DIGIT_BITS)) & (BINS - 1)]++;
                }
            }
        }

        void end() {
            if (collected != null) {
                Arrays.sort(collected, 0, size);
                for (Search s : members) {
                    s.found(collected[(int) s.remaining]);
                }
                return;
            }
            for (Search s : members) {
                if (min == max) { // every candidate is the same value
                    s.found(min);
                    continue;
                }
                int bin = 0;
                long below = 0;
                while (below + histogram[bin] <= s.remaining) {
                    below += histogram[bin];
                    bin++;
                }
                s.remaining -= below;
                s.candidates = histogram[bin];
                s.prefix = (s.prefix << DIGIT_BITS) | bin;
                s.digits++;
                if (s.digits * DIGIT_BITS == Long.SIZE) {
                    s.found(s.prefix ^ Long.MIN_VALUE);
                }
            }
        }
    }
}
