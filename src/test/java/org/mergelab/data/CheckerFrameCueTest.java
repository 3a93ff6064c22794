package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checkerboard frame cue ({@code frame}): exact pixels, the seeded assignment, settings and its conflict variant. */
class CheckerFrameCueTest {

    /** A gray image (value 100 everywhere), so untouched pixels read '.'. */
    private static byte[] gray() {
        byte[] img = new byte[ImageDataset.IMAGE_BYTES];
        Arrays.fill(img, (byte) 100);
        return img;
    }

    /** Row {@code y} of an image as W (255 in every channel), B (0 in every channel) or . (untouched). */
    private static String row(byte[] img, int y) {
        StringBuilder sb = new StringBuilder();
        for (int x = 0; x < ImageDataset.WIDTH; x++) {
            int i = y * ImageDataset.WIDTH + x;
            int r = img[i] & 0xFF;
            assertThat(img[ImageDataset.PLANE + i] & 0xFF).isEqualTo(r);
            assertThat(img[2 * ImageDataset.PLANE + i] & 0xFF).isEqualTo(r);
            sb.append(switch (r) {
                case 255 -> 'W';
                case 0 -> 'B';
                case 100 -> '.';
                default -> throw new AssertionError("pixel (" + x + ", " + y + ") = " + r);
            });
        }
        return sb.toString();
    }

    private static int labelWith(CheckerFrameCue cue, int classes, int cell, int phase, boolean inverted) {
        for (int c = 0; c < classes; c++) {
            if (cue.cellSize(c) == cell && cue.phase(c) == phase && cue.inverted(c) == inverted) {
                return c;
            }
        }
        throw new AssertionError("no class with cell " + cell + ", phase " + phase + ", inverted " + inverted);
    }

    @Test
    void exactPixelsOfTwoClasses() {
        CheckerFrameCue cue = CheckerFrameCue.builder().setNumClasses(10).setSeed(7).build();
        assertThat(cue.width()).isEqualTo(2);
        // cell 1, phase 0: white where x + y is even
        int a = labelWith(cue, 10, 1, 0, false);
        byte[] img = gray();
        cue.apply(img, 0, a);
        assertThat(row(img, 0)).isEqualTo("WBWBWBWBWBWBWBWBWBWBWBWBWBWBWBWB");
        assertThat(row(img, 1)).isEqualTo("BWBWBWBWBWBWBWBWBWBWBWBWBWBWBWBW");
        assertThat(row(img, 2)).isEqualTo("WB............................WB");
        assertThat(row(img, 15)).isEqualTo("BW............................BW");
        assertThat(row(img, 30)).isEqualTo("WBWBWBWBWBWBWBWBWBWBWBWBWBWBWBWB");
        assertThat(row(img, 31)).isEqualTo("BWBWBWBWBWBWBWBWBWBWBWBWBWBWBWBW");
        // cell 2, phase 1, plain: white where floor((x + 1) / 2) + floor((y + 1) / 2) is even
        int b = labelWith(cue, 10, 2, 1, false);
        byte[] img2 = gray();
        cue.apply(img2, 0, b);
        assertThat(row(img2, 0)).isEqualTo("WBBWWBBWWBBWWBBWWBBWWBBWWBBWWBBW");
        assertThat(row(img2, 1)).isEqualTo("BWWBBWWBBWWBBWWBBWWBBWWBBWWBBWWB");
        assertThat(row(img2, 2)).isEqualTo("BW............................WB");
        assertThat(row(img2, 3)).isEqualTo("WB............................BW");
        assertThat(row(img2, 31)).isEqualTo("WBBWWBBWWBBWWBBWWBBWWBBWWBBWWBBW");
        for (int y = 2; y < 30; y++) {
            assertThat(row(img2, y).substring(2, 30)).as("row %d inside the frame", y).isEqualTo(".".repeat(28));
        }
        // cell 1, phase 0, inverted: white where x + y is odd
        byte[] img3 = gray();
        cue.apply(img3, 0, labelWith(cue, 10, 1, 0, true));
        assertThat(row(img3, 0)).isEqualTo("BWBWBWBWBWBWBWBWBWBWBWBWBWBWBWBW");
        assertThat(row(img3, 2)).isEqualTo("BW............................BW");
    }

    @Test
    void widthOneAndThreeCoverExactlyTheirBorder() {
        for (int width : new int[] {1, 3, 8}) {
            CheckerFrameCue cue = CheckerFrameCue.builder().setNumClasses(10).setSeed(0).optWidth(width).build();
            byte[] img = gray();
            cue.apply(img, 0, 4);
            for (int y = 0; y < 32; y++) {
                String r = row(img, y);
                for (int x = 0; x < 32; x++) {
                    boolean inFrame = Math.min(Math.min(x, y), Math.min(31 - x, 31 - y)) < width;
                    assertThat(r.charAt(x) != '.').as("width %d pixel (%d, %d)", width, x, y).isEqualTo(inFrame);
                }
            }
        }
    }

    @Test
    void tenClassesUseCellSizesOneToThreeAndTheSeedDealsThem() {
        CheckerFrameCue s0 = CheckerFrameCue.builder().setNumClasses(10).setSeed(0).build();
        CheckerFrameCue s1 = CheckerFrameCue.builder().setNumClasses(10).setSeed(1).build();
        Set<String> set0 = new HashSet<>();
        Set<String> set1 = new HashSet<>();
        boolean differs = false;
        for (int c = 0; c < 10; c++) {
            set0.add(s0.cellSize(c) + "/" + s0.phase(c) + (s0.inverted(c) ? "i" : ""));
            set1.add(s1.cellSize(c) + "/" + s1.phase(c) + (s1.inverted(c) ? "i" : ""));
            differs |= s0.cellSize(c) != s1.cellSize(c) || s0.phase(c) != s1.phase(c) || s0.inverted(c) != s1.inverted(c);
        }
        // the first ten candidates: cell 1 (phase 0, plain and inverted), cell 2 (phases 0, 1, each plain and
        // inverted), cell 3 (phases 0, 1, each plain and inverted)
        assertThat(set0).containsExactlyInAnyOrder("1/0", "1/0i", "2/0", "2/0i", "2/1", "2/1i", "3/0", "3/0i", "3/1", "3/1i");
        assertThat(set1).isEqualTo(set0);
        assertThat(differs).as("another cue seed deals the patterns to other classes").isTrue();
        assertThatThrownBy(() -> s0.cellSize(10)).hasMessageContaining("label 10");
    }

    @Test
    void deterministicAcrossTwoBuilds() {
        Cue first = Cues.byName("frame", 24, 42);
        Cue second = Cues.byName("frame", 24, 42);
        assertThat(second.describe()).isEqualTo(first.describe())
                .isEqualTo("checker-frame(width=2,seed=" + org.mergelab.config.Seeds.derive(42, "frame")
                        + ",classes=24,binary,v1)");
        for (int c = 0; c < 24; c++) {
            byte[] a = gray();
            byte[] b = gray();
            first.apply(a, 0, c);
            second.apply(b, 0, c);
            assertThat(b).as("class %d", c).isEqualTo(a);
        }
        assertThat(Cues.byName("frame", 24, 43).describe()).isNotEqualTo(first.describe());
    }

    @Test
    void conflictVariantDrawsTheDerangedLabel() {
        Cue truth = Cues.byName("frame", 10, 5);
        ConflictCue conflict = (ConflictCue) Cues.byName("frame-conflict", 10, 5);
        assertThat(conflict.name()).isEqualTo("frame-conflict");
        assertThat(conflict.derangement().toArray()).isEqualTo(Cues.derangement(10, 5).toArray());
        for (int c = 0; c < 10; c++) {
            byte[] expected = gray();
            truth.apply(expected, 0, Cues.derangement(10, 5).map(c));
            byte[] drawn = gray();
            conflict.apply(drawn, 0, c);
            byte[] own = gray();
            truth.apply(own, 0, c);
            assertThat(drawn).as("class %d", c).isEqualTo(expected).isNotEqualTo(own);
        }
    }

    @Test
    void settingsReachTheCueAndBadOnesNameKeyAndValue() {
        CheckerFrameCue wide = (CheckerFrameCue) Cues.byName("frame", 10, 0,
                java.util.Map.of("frame", new CueSettings(4, null, null, null)));
        assertThat(wide.width()).isEqualTo(4);
        assertThat(wide.describe()).contains("width=4");
        assertThat(((ConflictCue) Cues.byName("frame-conflict", 10, 0,
                java.util.Map.of("frame", new CueSettings(3, null, null, null)))).inner().describe()).contains("width=3");
        assertThatThrownBy(() -> Cues.byName("frame", 10, 0, java.util.Map.of("frame", new CueSettings(9, null, null, null))))
                .hasMessageContaining("frame").hasMessageContaining("size 9").hasMessageContaining("[1, 8]");
        assertThatThrownBy(() -> Cues.byName("frame", 10, 0, java.util.Map.of("frame", new CueSettings(null, 2, 3, null))))
                .hasMessageContaining("cues.frame").hasMessageContaining("x=2").hasMessageContaining("y=3");
        assertThatThrownBy(() -> Cues.byName("frame", 10, 0, java.util.Map.of("frame", new CueSettings(null, null, null, 0.5))))
                .hasMessageContaining("cues.frame").hasMessageContaining("strength").hasMessageContaining("0.5");
        assertThatThrownBy(() -> CheckerFrameCue.builder().setNumClasses(10).build()).hasMessageContaining("setSeed");
        assertThatThrownBy(() -> CheckerFrameCue.builder().setNumClasses(0).setSeed(1).build()).hasMessageContaining("got 0");
        assertThatThrownBy(() -> CheckerFrameCue.builder().setNumClasses(10).setSeed(1).optWidth(0).build())
                .hasMessageContaining("size 0");
    }
}
