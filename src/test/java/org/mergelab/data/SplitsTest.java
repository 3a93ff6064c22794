package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void piecesAreDisjointSortedNearlyEqualAndCoverEverything() {
        int n = 1003;
        int[] sizes = new int[5];
        IntStream.Builder all = IntStream.builder();
        for (int i = 0; i < 5; i++) {
            int[] piece = Splits.piece(n, 9, i, 5);
            assertThat(piece).isSorted();
            sizes[i] = piece.length;
            Arrays.stream(piece).forEach(all::add);
        }
        // cut at ceil(i n / 5): 201, 402, 602, 803 -> sizes 201, 201, 200, 201, 200
        assertThat(sizes).containsExactly(201, 201, 200, 201, 200);
        assertThat(all.build().sorted().toArray()).isEqualTo(Splits.all(n));
        assertThat(Splits.piece(n, 9, 2, 5)).isEqualTo(Splits.piece(n, 9, 2, 5)).isNotEqualTo(Splits.piece(n, 10, 2, 5));
    }

    @Test
    void twoPiecesAreTheHalvesOfTheSameSeed() {
        for (int n : new int[] {2, 7, 1000, 1001}) {
            Splits.Halves h = Splits.halves(n, 42);
            assertThat(Splits.piece(n, 42, 0, 2)).as("n=%d", n).isEqualTo(h.a());
            assertThat(Splits.piece(n, 42, 1, 2)).as("n=%d", n).isEqualTo(h.b());
        }
    }

    @Test
    void aPieceThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> Splits.piece(100, 0, 5, 5)).hasMessageContaining("piece 5 of 5");
        assertThatThrownBy(() -> Splits.piece(3, 0, 0, 5)).hasMessageContaining("at least 5 images");
    }

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
