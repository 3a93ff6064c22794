package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

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
}
