package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaletteTest {

    @Test
    void coloursAreWellSeparated() {
        System.out.printf("palette min RGB distance: 10 -> %.1f, 20 -> %.1f, 100 -> %.1f, 256 -> %.1f%n",
                Palette.minDistance(10), Palette.minDistance(20), Palette.minDistance(100), Palette.minDistance(256));
        // measured: 160.4, 119.0, 53.8
        assertThat(Palette.minDistance(10)).isGreaterThan(150);
        assertThat(Palette.minDistance(20)).isGreaterThan(100);
        assertThat(Palette.minDistance(100)).isGreaterThan(50);
    }

    @Test
    void allDistinctAndFixed() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < Palette.MAX_COLORS; i++) {
            assertThat(seen.add(Palette.color(i))).as("colour %d", i).isTrue();
        }
        assertThat(Palette.color(0)).isEqualTo(0xFF0000);
        assertThat(Palette.color(1)).isEqualTo(0x00FFFF);
        assertThatThrownBy(() -> Palette.color(256)).hasMessageContaining("label 256");
    }
}
