package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** Pixel value encodes its position: 1 + (c*64 + y*3 + x) mod 255, never 0 (0 is the padding). */
    private static byte[] coded() {
        byte[] img = new byte[3072];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img[c * 1024 + y * 32 + x] = (byte) (1 + (c * 64 + y * 3 + x) % 255);
                }
            }
        }
        return img;
    }

    @Test
    void shiftAndFlipMatchTheFormula() {
        byte[] src = coded();
        for (int dx = -4; dx <= 4; dx += 2) {
            for (int dy = -4; dy <= 4; dy += 4) {
                for (boolean flip : new boolean[] {false, true}) {
                    byte[] dst = new byte[3072];
                    Augmentation.shiftFlip(src, 0, dst, 0, dx, dy, flip);
                    for (int c = 0; c < 3; c++) {
                        for (int y = 0; y < 32; y++) {
                            for (int x = 0; x < 32; x++) {
                                int sx = (flip ? 31 - x : x) + dx;
                                int sy = y + dy;
                                int expected = (sx < 0 || sx > 31 || sy < 0 || sy > 31) ? 0
                                        : src[c * 1024 + sy * 32 + sx] & 0xFF;
                                assertThat(dst[c * 1024 + y * 32 + x] & 0xFF)
                                        .as("dx=%d dy=%d flip=%s c=%d y=%d x=%d", dx, dy, flip, c, y, x)
                                        .isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void randomParametersCoverTheRangeAndAreSeeded() {
        Augmentation aug = Augmentation.standard();
        byte[] src = coded();
        Set<String> seen = new HashSet<>();
        for (long s = 0; s < 400; s++) {
            byte[] a = new byte[3072];
            byte[] b = new byte[3072];
            aug.apply(src, 0, a, 0, new SplittableRandom(s));
            aug.apply(src, 0, b, 0, new SplittableRandom(s));
            assertThat(a).isEqualTo(b);
            seen.add(java.util.Arrays.toString(a));
        }
        // 9 x 9 shifts x 2 flips = 162 outcomes; 400 draws see most of them
        assertThat(seen.size()).isGreaterThan(120);
        Augmentation none = Augmentation.builder().optPadding(0).optFlipProbability(0).build();
        byte[] c = new byte[3072];
        none.apply(src, 0, c, 0, new SplittableRandom(1));
        assertThat(c).isEqualTo(src);
        assertThatThrownBy(() -> Augmentation.builder().optFlipProbability(1.5).build()).hasMessageContaining("1.5");
    }
}
