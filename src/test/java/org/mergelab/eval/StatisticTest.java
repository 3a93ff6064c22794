package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StatisticTest {

    @Test
    void threeSeedsGiveMeanStandardErrorAndTInterval() {
        Statistic s = Statistic.ofValues(0.8, 0.9, 1.0);
        // sd = 0.1, se = 0.1 / sqrt(3), t(0.975; 2) = 4.303
        assertThat(s.mean()).isCloseTo(0.9, within(1e-12));
        assertThat(s.se()).isCloseTo(0.1 / Math.sqrt(3), within(1e-12));
        assertThat(s.ciLow()).isCloseTo(0.9 - 4.303 * 0.1 / Math.sqrt(3), within(1e-12));
        assertThat(s.ciHigh()).isCloseTo(0.9 + 4.303 * 0.1 / Math.sqrt(3), within(1e-12));
        assertThat(s.n()).isEqualTo(3);
    }

    @Test
    void fewerThanThreeSeedsHaveNoStandardError() {
        Statistic s = Statistic.ofValues(0.5, 0.7);
        assertThat(s.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(s.se()).isNull();
        assertThat(s.ciLow()).isNull();
        assertThat(s.format(2)).isEqualTo("0.60 (SE n/a)");
    }

    @Test
    void undefinedSeedsAreLeftOutOfTheMean() {
        Statistic s = Statistic.of(Arrays.asList(0.2, null, 0.4, 0.6));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(0.4, within(1e-12));
        assertThat(s.perSeed()).containsExactly(0.2, null, 0.4, 0.6);
        assertThat(Statistic.of(Arrays.asList(null, null)).format(3)).isEqualTo("undefined");
    }

    @Test
    void tQuantilesMatchTablesAndApproachTheNormal() {
        assertThat(StudentT.quantile975(2)).isEqualTo(4.303);
        assertThat(StudentT.quantile975(30)).isEqualTo(2.042);
        // t(0.975; 60) = 2.000, t(0.975; 120) = 1.980 from tables
        assertThat(StudentT.quantile975(60)).isCloseTo(2.000, within(0.002));
        assertThat(StudentT.quantile975(120)).isCloseTo(1.980, within(0.002));
    }
}
