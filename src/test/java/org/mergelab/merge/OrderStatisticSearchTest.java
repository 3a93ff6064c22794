package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrderStatisticSearchTest {

    /** Runs the search over {@code values} in ranges of {@code range}; returns the values found and the passes. */
    private static double[] search(double[] values, int range, long[] ranks, int[] passes) {
        OrderStatisticSearch search = new OrderStatisticSearch(values.length, ranks);
        while (search.searching()) {
            for (int from = 0; from < values.length; from += range) {
                search.add(Arrays.copyOfRange(values, from, Math.min(values.length, from + range)));
            }
            search.endPass();
            passes[0]++;
        }
        double[] found = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            found[i] = search.value(i);
        }
        return found;
    }

    private static void assertSameBitsAsSorting(double[] values, int range, int maxPasses, long... ranks) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int[] passes = {0};
        double[] found = search(values, range, ranks, passes);
        for (int i = 0; i < ranks.length; i++) {
            assertThat(Double.doubleToRawLongBits(found[i])).as("rank %d", ranks[i])
                    .isEqualTo(Double.doubleToRawLongBits(sorted[(int) ranks[i]]));
        }
        assertThat(passes[0]).isLessThanOrEqualTo(maxPasses);
    }

    @Test
    void findsTheValuesSortingPutsAtEachRankOfManyDistinctValues() {
        SplittableRandom random = new SplittableRandom(1);
        double[] values = new double[300_000];
        for (int j = 0; j < values.length; j++) {
            values[j] = Math.exp(random.nextDouble() * 40 - 20) * (random.nextBoolean() ? 1 : -1);
        }
        long last = values.length - 1;
        assertSameBitsAsSorting(values, 65_536, 3, last / 4, last / 2, 3 * last / 4, 0, last);
    }

    @Test
    void equalValuesNegativeZerosAndZerosEndTheSearchEarly() {
        SplittableRandom random = new SplittableRandom(2);
        double[] values = new double[200_000];
        for (int j = 0; j < values.length; j++) {
            int kind = random.nextInt(10);
            values[j] = kind < 5 ? 0.0 : kind < 7 ? -0.0 : kind < 9 ? 1.5 : -1 - random.nextDouble();
        }
        long last = values.length - 1;
        // sorted: about 10 % below -1, 20 % -0.0, 50 % 0.0, 20 % 1.5; these ranks fall among equal values, whose
        // first 16 bits no other value shares: two passes
        assertSameBitsAsSorting(values, 70_000, 2, last / 4, last / 2, 9 * last / 10);
    }

    @Test
    void valuesThatShareEveryLeadingDigitTakeAllFourDigitPasses() {
        // 100,000 values of 1 + k ulp, k < 100,000: they differ only in the lowest 17 bits, two digits
        double[] values = new double[100_000];
        for (int j = 0; j < values.length; j++) {
            values[j] = Double.longBitsToDouble(Double.doubleToRawLongBits(1.0) + (j * 7919L) % values.length);
        }
        assertSameBitsAsSorting(values, 1 << 16, 4, 0, 49_999, 99_999);
    }

    @Test
    void fewValuesAreCollectedAndSortedInOnePass() {
        double[] values = {3.0, -1.0, 2.5, -0.0, 0.0, 7.0, 2.5};
        assertSameBitsAsSorting(values, 3, 1, 0, 1, 2, 3, 6);
    }

    @Test
    void aRankOutsideTheValuesIsRefused() {
        assertThatThrownBy(() -> new OrderStatisticSearch(10, 10)).hasMessageContaining("rank 10 is outside [0, 10)");
        assertThatThrownBy(() -> new OrderStatisticSearch(10, 3).value(0)).hasMessageContaining("not known yet");
    }
}
