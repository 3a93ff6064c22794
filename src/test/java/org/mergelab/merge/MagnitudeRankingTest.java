package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MagnitudeRankingTest {

    @Test
    void countTruncatesTheFloat64ProductAsMergekitsInt() {
        assertThat(MagnitudeRanking.count(0.29, 100)).isEqualTo(28); // 0.29·100 = 28.999999999999996
        assertThat(MagnitudeRanking.count(0.7, 90)).isEqualTo(62); // 0.7·90 = 62.99999999999999
        assertThat(MagnitudeRanking.count(0.2, 5)).isEqualTo(1);
        assertThat(MagnitudeRanking.count(0.5, 5)).isEqualTo(2);
        assertThat(MagnitudeRanking.count(1.0, 7)).isEqualTo(7);
    }

    @Test
    void keepsARankWindowBreakingTiesByIndex() {
        // |v| = [1, 3, 1, 2, 1, 0]: ranks i1 (3) 0, i3 (2) 1, i0 2, i2 3, i4 4, i5 5
        double[] top3 = {1, -3, -1, 2, 1, 0};
        MagnitudeRanking.keepRankWindow(top3, 0, 3);
        assertThat(top3).containsExactly(1, -3, 0, 2, 0, 0);
        double[] middle = {1, -3, -1, 2, 1, 0};
        MagnitudeRanking.keepRankWindow(middle, 1, 4);
        assertThat(middle).containsExactly(1, 0, -1, 2, 0, 0);
    }

    @Test
    void manyEqualMagnitudesKeepTheFirstOnes() {
        double[] zeros = new double[10];
        zeros[9] = 5;
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        MagnitudeRanking.keepRankWindow(ones, 0, 3);
        assertThat(ones).containsExactly(1, 1, 1, 0, 0, 0, 0, 0);
        MagnitudeRanking.keepRankWindow(zeros, 0, 1);
        assertThat(zeros[9]).isEqualTo(5);
    }

    /**
     * The streaming search keeps, range by range, exactly what the whole-vector cut keeps, at every rank, on
     * magnitudes with many ties (a few distinct values, so cuts fall inside runs of equal magnitudes and need the
     * third pass) and on distinct ones (two passes).
     */
    @Test
    void theStreamingCutSearchKeepsWhatTheWholeVectorCutKeeps() {
        SplittableRandom random = new SplittableRandom(3);
        int rangeLength = 1000;
        for (boolean ties : new boolean[] {true, false}) {
            int n = 5 * rangeLength + 123;
            double[] values = new double[n];
            for (int j = 0; j < n; j++) {
                values[j] = ties ? random.nextInt(-4, 5) * 0.25 : random.nextDouble() * 2 - 1;
            }
            List<float[]> ranges = new ArrayList<>();
            for (int from = 0; from < n; from += rangeLength) {
                float[] m = new float[Math.min(n, from + rangeLength) - from];
                for (int j = 0; j < m.length; j++) {
                    m[j] = MagnitudeRanking.magnitude(values[from + j]);
                }
                ranges.add(m);
            }
            int[] histogram = new int[MagnitudeRanking.BINS];
            ranges.forEach(m -> MagnitudeRanking.addHighBits(m, histogram));
            int thirdPasses = 0;
            for (int rank : new int[] {-1, 0, 1, 7, n / 3, n / 2, n - 2, n - 1, n, n + 5}) {
                MagnitudeRanking.CutSearch search = new MagnitudeRanking.CutSearch(rank, n);
                int passes = 0;
                while (search.searching()) {
                    ranges.forEach(search::add);
                    search.endPass();
                    passes++;
                }
                thirdPasses += passes == 3 ? 1 : 0;
                MagnitudeRanking.RankCut whole = MagnitudeRanking.RankCut.of(rank, histogram, ranges);
                MagnitudeRanking.RankCut none = new MagnitudeRanking.RankCut(true, false, 0f, 0, null);
                double[] expected = values.clone();
                double[] actual = values.clone();
                for (int r = 0, from = 0; r < ranges.size(); r++, from += rangeLength) {
                    int to = Math.min(n, from + rangeLength);
                    double[] e = Arrays.copyOfRange(expected, from, to);
                    double[] a = Arrays.copyOfRange(actual, from, to);
                    MagnitudeRanking.keepWindow(e, r, none, whole);
                    MagnitudeRanking.keepWindow(a, r, none, search.cut());
                    System.arraycopy(e, 0, expected, from, e.length);
                    System.arraycopy(a, 0, actual, from, a.length);
                }
                assertThat(actual).as("ties %s, rank %d", ties, rank).containsExactly(expected);
                assertThat(search.cut().threshold()).isEqualTo(whole.threshold());
                assertThat(search.cut().equalsAllowed()).isEqualTo(whole.equalsAllowed());
            }
            assertThat(thirdPasses).as("cuts inside runs of equal magnitudes, ties %s", ties)
                    .isEqualTo(ties ? 6 : 0);
        }
    }

    /**
     * A search whose passes read the ranges on several threads, in a shuffled order, each thread counting into its
     * own tally ({@link MagnitudeRanking.Tallies}, fewer tallies than threads so that takers wait), finds the cut of
     * the sequential search: the same threshold, the same number of ties allowed and the same count of equal entries
     * before every range, at every rank, with ties and without.
     */
    @Test
    void aConcurrentCutSearchFindsTheSequentialCut() throws Exception {
        SplittableRandom random = new SplittableRandom(4);
        int rangeLength = 1000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            int equalPasses = 0;
            for (boolean ties : new boolean[] {true, false}) {
                int n = 17 * rangeLength + 321;
                List<float[]> ranges = new ArrayList<>();
                for (int from = 0; from < n; from += rangeLength) {
                    float[] m = new float[Math.min(n, from + rangeLength) - from];
                    for (int j = 0; j < m.length; j++) {
                        m[j] = MagnitudeRanking.magnitude(ties ? random.nextInt(-4, 5) * 0.25
                                : random.nextDouble() * 2 - 1);
                    }
                    ranges.add(m);
                }
                for (int rank : new int[] {-1, 0, 1, 7, n / 3, n / 2, n - 2, n - 1, n, n + 5}) {
                    MagnitudeRanking.CutSearch sequential = new MagnitudeRanking.CutSearch(rank, n);
                    while (sequential.searching()) {
                        ranges.forEach(sequential::add);
                        sequential.endPass();
                    }
                    MagnitudeRanking.CutSearch concurrent = new MagnitudeRanking.CutSearch(rank, n);
                    MagnitudeRanking.Tallies tallies =
                            new MagnitudeRanking.Tallies(new MagnitudeRanking.CutSearch[] {null, concurrent}, 2);
                    while (concurrent.searching()) {
                        boolean histogram = concurrent.countsHistogram();
                        equalPasses += histogram ? 0 : 1;
                        List<Integer> order = new ArrayList<>();
                        for (int r = 0; r < ranges.size(); r++) {
                            order.add(r);
                        }
                        java.util.Collections.shuffle(order, new java.util.Random(rank));
                        List<java.util.concurrent.Future<?>> counted = new ArrayList<>();
                        for (int r : order) {
                            counted.add(pool.submit(() -> {
                                MagnitudeRanking.Tallies.Tally tally = tallies.take();
                                try {
                                    tally.count(1, ranges.get(r), r);
                                } finally {
                                    tallies.give(tally);
                                }
                            }));
                        }
                        for (java.util.concurrent.Future<?> f : counted) {
                            f.get();
                        }
                        tallies.addToSearches();
                        concurrent.endPass();
                        concurrent.expectRanges(ranges.size());
                    }
                    MagnitudeRanking.RankCut expected = sequential.cut();
                    MagnitudeRanking.RankCut actual = concurrent.cut();
                    String what = "ties " + ties + ", rank " + rank;
                    assertThat(actual.none()).as(what).isEqualTo(expected.none());
                    assertThat(actual.all()).as(what).isEqualTo(expected.all());
                    assertThat(actual.threshold()).as(what).isEqualTo(expected.threshold());
                    assertThat(actual.equalsAllowed()).as(what).isEqualTo(expected.equalsAllowed());
                    assertThat(actual.equalsBefore()).as(what).isEqualTo(expected.equalsBefore());
                }
            }
            assertThat(equalPasses).as("passes counting equal entries (ties at the cut)").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
