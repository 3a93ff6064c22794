package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void halvesAreDisjointSortedAndCoverEverything() {
        Splits.Halves s = Splits.halves(1001, 5);
        assertThat(s.a()).hasSize(501);
        assertThat(s.b()).hasSize(500);
        assertThat(s.a()).isSorted();
        assertThat(s.b()).isSorted();
        int[] all = IntStream.concat(Arrays.stream(s.a()), Arrays.stream(s.b())).sorted().toArray();
        assertThat(all).isEqualTo(Splits.all(1001));
        // a random split, not the first half
        assertThat(s.a()[s.a().length - 1]).isGreaterThan(900);
        assertThat(s.b()[0]).isLessThan(100);
    }

    @Test
    void halvesAreSeeded() {
        assertThat(Splits.halves(100, 1).a()).isEqualTo(Splits.halves(100, 1).a());
        assertThat(Splits.halves(100, 1).a()).isNotEqualTo(Splits.halves(100, 2).a());
        assertThatThrownBy(() -> Splits.halves(1, 0)).hasMessageContaining("n=1");
    }

    @Test
    void subsetIsDistinctSortedSeeded() {
        int[] s = Splits.subset(10_000, 2000, 3);
        assertThat(s).hasSize(2000).isSorted().doesNotHaveDuplicates();
        assertThat(s[0]).isGreaterThanOrEqualTo(0);
        assertThat(s[1999]).isLessThan(10_000).isGreaterThan(9000);
        assertThat(Splits.subset(10_000, 2000, 3)).isEqualTo(s);
        assertThat(Splits.subset(10_000, 2000, 4)).isNotEqualTo(s);
        assertThat(Splits.subset(5, 5, 1)).containsExactly(0, 1, 2, 3, 4);
        assertThatThrownBy(() -> Splits.subset(5, 6, 1)).hasMessageContaining("k=6");
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = Splits.permutation(500, 9);
        assertThat(p.clone()).isNotEqualTo(Splits.all(500));
        Arrays.sort(p);
        assertThat(p).isEqualTo(Splits.all(500));
    }
}
