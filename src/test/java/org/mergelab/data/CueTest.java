package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CueTest {
    private static byte[] randomImage(long seed) {
        byte[] img = new byte[ImageDataset.IMAGE_BYTES];
        new SplittableRandom(seed).nextBytes(img);
        return img;
    }

    private static int px(byte[] img, int off, int c, int y, int x) {
        return img[off + c * 1024 + y * 32 + x] & 0xFF;
    }

    /** Asserts that only pixels inside the square [x0, x0+size) x [y0, y0+size) changed. */
    private static void onlyPatchChanged(byte[] before, byte[] after, int off, int x0, int y0, int size) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean inside = x >= x0 && x < x0 + size && y >= y0 && y < y0 + size;
                    if (!inside) {
                        assertThat(px(after, off, c, y, x)).as("c=%d y=%d x=%d", c, y, x)
                                .isEqualTo(px(before, off, c, y, x));
                    }
                }
            }
        }
    }

    @Test
    void colorPatchHasExactPaletteColourAndNothingElseChanges() {
        // the image sits at an offset inside a larger buffer, as in a dataset
        byte[] buf = new byte[3 * 3072];
        new SplittableRandom(1).nextBytes(buf);
        byte[] before = buf.clone();
        Cue cue = ColorPatchCue.defaults();
        cue.apply(buf, 3072, 7);
        int rgb = Palette.color(7);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(px(buf, 3072, 0, y, x)).isEqualTo((rgb >> 16) & 0xFF);
                assertThat(px(buf, 3072, 1, y, x)).isEqualTo((rgb >> 8) & 0xFF);
                assertThat(px(buf, 3072, 2, y, x)).isEqualTo(rgb & 0xFF);
            }
        }
        onlyPatchChanged(before, buf, 3072, 0, 0, 4);
        assertThat(Arrays.equals(buf, 0, 3072, before, 0, 3072)).isTrue();
        assertThat(Arrays.equals(buf, 6144, 9216, before, 6144, 9216)).isTrue();
        assertThat(cue.name()).isEqualTo("color");
        assertThat(cue.describe()).isEqualTo("color-patch(size=4,x=0,y=0,palette=farthest-rgb-v1)");
    }

    @Test
    void colorPatchPositionAndSizeAreOptions() {
        byte[] img = randomImage(2);
        byte[] before = img.clone();
        ColorPatchCue.builder().optSize(3).optPosition(10, 20).build().apply(img, 0, 0);
        assertThat(px(img, 0, 0, 20, 10)).isEqualTo(255);
        assertThat(px(img, 0, 1, 22, 12)).isEqualTo(0);
        onlyPatchChanged(before, img, 0, 10, 20, 3);
        assertThatThrownBy(() -> ColorPatchCue.builder().optSize(4).optPosition(30, 0).build())
                .hasMessageContaining("(30, 0)");
    }

    @Test
    void noisePatchIsBinaryGrayPerClassAtBottomRight() {
        NoisePatchCue cue = NoisePatchCue.builder().setNumClasses(10).setSeed(123).build();
        assertThat(cue.placement().x()).isEqualTo(24);
        assertThat(cue.placement().y()).isEqualTo(24);
        byte[] img = randomImage(3);
        byte[] before = img.clone();
        cue.apply(img, 0, 4);
        byte[] pattern = cue.pattern(4);
        int white = 0;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int v = px(img, 0, 0, 24 + y, 24 + x);
                assertThat(v).isIn(0, 255).isEqualTo(pattern[y * 8 + x] & 0xFF);
                assertThat(px(img, 0, 1, 24 + y, 24 + x)).isEqualTo(v);
                assertThat(px(img, 0, 2, 24 + y, 24 + x)).isEqualTo(v);
                white += v == 255 ? 1 : 0;
            }
        }
        assertThat(white).isBetween(10, 54);
        onlyPatchChanged(before, img, 0, 24, 24, 8);
        // distinct per class, reproducible from the seed, different for another seed
        Set<String> patterns = new HashSet<>();
        for (int c = 0; c < 10; c++) {
            patterns.add(Arrays.toString(cue.pattern(c)));
        }
        assertThat(patterns).hasSize(10);
        NoisePatchCue again = NoisePatchCue.builder().setNumClasses(10).setSeed(123).build();
        NoisePatchCue other = NoisePatchCue.builder().setNumClasses(10).setSeed(124).build();
        assertThat(again.pattern(4)).isEqualTo(pattern);
        assertThat(other.pattern(4)).isNotEqualTo(pattern);
        assertThatThrownBy(() -> cue.apply(img, 0, 10)).hasMessageContaining("label 10");
        assertThatThrownBy(() -> NoisePatchCue.builder().setNumClasses(10).build()).hasMessageContaining("setSeed");
    }

    @Test
    void defaultCuesNeverOverlap() {
        byte[] img = new byte[3072];
        Arrays.fill(img, (byte) 77);
        ColorPatchCue.defaults().apply(img, 0, 3);
        byte[] afterColor = img.clone();
        NoisePatchCue.builder().setNumClasses(10).setSeed(1).build().apply(img, 0, 3);
        onlyPatchChanged(afterColor, img, 0, 24, 24, 8);
        assertThat(px(img, 0, 0, 0, 0)).isEqualTo((Palette.color(3) >> 16) & 0xFF);
    }

    @Test
    void noiseBlendFollowsTheFormula() {
        NoiseBlendCue cue = NoiseBlendCue.builder().setNumClasses(3).setSeed(5).build();
        byte[] black = new byte[3072];
        byte[] white = new byte[3072];
        Arrays.fill(white, (byte) 255);
        cue.apply(black, 0, 1);
        cue.apply(white, 0, 1);
        // x' = 0.75 x + 0.25 n: black gives 0.25 n, white gives 191.25 + 0.25 n
        for (int p = 0; p < 1024; p++) {
            int b = black[p] & 0xFF;
            int w = white[p] & 0xFF;
            assertThat(b).isBetween(0, 64);
            assertThat(w - b).isBetween(190, 193);
            assertThat(black[1024 + p]).isEqualTo(black[p]); // gray: same in every channel
        }
        byte[] other = new byte[3072];
        cue.apply(other, 0, 2);
        assertThat(Arrays.equals(other, black)).isFalse();
        assertThat(cue.describe()).contains("strength=0.25");
    }

    @Test
    void stripesPatternsAreDistinctBinaryAndStayInTheirCorner() {
        StripesCue cue = StripesCue.builder().setNumClasses(100).build();
        Set<String> patterns = new HashSet<>();
        for (int c = 0; c < 100; c++) {
            byte[] p = cue.pattern(c);
            patterns.add(Arrays.toString(p));
            int white = 0;
            for (byte b : p) {
                assertThat(b & 0xFF).isIn(0, 255);
                white += (b & 0xFF) == 255 ? 1 : 0;
            }
            assertThat(white).as("class %d", c).isBetween(1, 63);
        }
        assertThat(patterns).hasSize(100);
        // class 0: horizontal stripes of period 2 (rows 0, 2, 4, 6 white)
        assertThat(cue.pattern(0)[0] & 0xFF).isEqualTo(255);
        assertThat(cue.pattern(0)[8] & 0xFF).isEqualTo(0);
        assertThat(cue.pattern(0)[1] & 0xFF).isEqualTo(255);
        byte[] img = randomImage(9);
        byte[] before = img.clone();
        cue.apply(img, 0, 57);
        onlyPatchChanged(before, img, 0, 0, 24, 8);
        assertThat(px(img, 0, 2, 24 + 3, 5)).isEqualTo(cue.pattern(57)[3 * 8 + 5] & 0xFF);
        assertThatThrownBy(() -> StripesCue.builder().setNumClasses(5000).build()).hasMessageContaining("5000");
    }

    @Test
    void derangementHasNoFixedPointAndIsSeeded() {
        for (int n : new int[] {2, 3, 10, 24, 100}) {
            for (long seed = 0; seed < 20; seed++) {
                int[] map = Derangement.seeded(n, seed).toArray();
                int[] sorted = map.clone();
                Arrays.sort(sorted);
                assertThat(sorted).isEqualTo(Splits.all(n));
                for (int c = 0; c < n; c++) {
                    assertThat(map[c]).as("n=%d seed=%d class %d", n, seed, c).isNotEqualTo(c);
                }
            }
        }
        assertThat(Derangement.seeded(10, 1).toArray()).isEqualTo(Derangement.seeded(10, 1).toArray());
        assertThat(Derangement.seeded(10, 1).toArray()).isNotEqualTo(Derangement.seeded(10, 2).toArray());
        assertThatThrownBy(() -> Derangement.seeded(1, 0)).hasMessageContaining("got 1");
    }

    @Test
    void conflictCueDiffersFromTrueCueForEveryClass() {
        for (String name : new String[] {"color", "noise", "stripes", "frame", "noise-blend"}) {
            Cue truth = Cues.byName(name, 24, 42);
            Cue conflict = Cues.byName(name + "-conflict", 24, 42);
            assertThat(conflict.name()).isEqualTo(name + "-conflict");
            Derangement d = ((ConflictCue) conflict).derangement();
            for (int c = 0; c < 24; c++) {
                byte[] a = new byte[3072];
                byte[] b = new byte[3072];
                byte[] expected = new byte[3072];
                truth.apply(a, 0, c);
                conflict.apply(b, 0, c);
                truth.apply(expected, 0, d.map(c));
                assertThat(Arrays.equals(a, b)).as("%s class %d", name, c).isFalse();
                assertThat(b).isEqualTo(expected);
            }
        }
    }

    @Test
    void cuesByNameAndUnknownNames() {
        assertThat(Cues.byName("color", 10, 1)).isInstanceOf(ColorPatchCue.class);
        assertThat(Cues.byName("noise", 10, 1).describe()).isEqualTo(
                "noise-patch(size=8,x=24,y=24,seed=1,classes=10,binary)");
        assertThat(Cues.byName("noise-blend", 10, 1)).isInstanceOf(NoiseBlendCue.class);
        assertThat(Cues.byName("noise-blend-conflict", 10, 1).name()).isEqualTo("noise-blend-conflict");
        assertThat(Cues.byName("color-conflict", 10, 1).describe()).startsWith("conflict(color-patch(");
        assertThat(Cues.byName("stripes-conflict", 10, 1).name()).isEqualTo("stripes-conflict");
        assertThatThrownBy(() -> Cues.byName("checkers", 10, 1))
                .hasMessageContaining("'checkers'").hasMessageContaining("color, noise, noise-blend, stripes");
        assertThatThrownBy(() -> Cues.byName("blue-conflict", 10, 1)).hasMessageContaining("known cues");
    }
}
