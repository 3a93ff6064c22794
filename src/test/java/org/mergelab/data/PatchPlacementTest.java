package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PatchPlacementTest {

    @Test
    void cornersPlaceThePatchWhenNoPositionIsGiven() {
        assertThat(PatchPlacement.of("c", 4, null, null, PatchPlacement.Corner.TOP_LEFT))
                .isEqualTo(new PatchPlacement(4, 0, 0));
        assertThat(PatchPlacement.of("c", 6, null, null, PatchPlacement.Corner.BOTTOM_LEFT))
                .isEqualTo(new PatchPlacement(6, 0, 26));
        assertThat(PatchPlacement.of("c", 6, null, null, PatchPlacement.Corner.BOTTOM_RIGHT))
                .isEqualTo(new PatchPlacement(6, 26, 26));
        assertThat(PatchPlacement.of("c", 32, 0, 0, PatchPlacement.Corner.BOTTOM_RIGHT))
                .isEqualTo(new PatchPlacement(32, 0, 0));
        assertThat(PatchPlacement.of("c", 3, 29, 1, PatchPlacement.Corner.BOTTOM_RIGHT).describe())
                .isEqualTo("size=3,x=29,y=1");
    }

    @Test
    void errorsNameTheCueTheKeyAndTheValue() {
        assertThatThrownBy(() -> PatchPlacement.of("noise cue", 0, null, null, PatchPlacement.Corner.TOP_LEFT))
                .hasMessageStartingWith("noise cue: size 0 must be in [1, 32]");
        assertThatThrownBy(() -> PatchPlacement.of("noise cue", 33, null, null, PatchPlacement.Corner.BOTTOM_RIGHT))
                .hasMessageStartingWith("noise cue: size 33 must be in [1, 32]");
        assertThatThrownBy(() -> PatchPlacement.of("color cue", 4, 29, 0, PatchPlacement.Corner.TOP_LEFT))
                .hasMessageStartingWith("color cue: x 29 must be in [0, 28] for size 4")
                .hasMessageContaining("(29, 0)");
        assertThatThrownBy(() -> PatchPlacement.of("stripes cue", 8, 0, -1, PatchPlacement.Corner.BOTTOM_LEFT))
                .hasMessageStartingWith("stripes cue: y -1 must be in [0, 24] for size 8");
        assertThatThrownBy(() -> PatchPlacement.of("color cue", 4, 1, null, PatchPlacement.Corner.TOP_LEFT))
                .hasMessageContaining("x=1, y=null");
        // the builders report their own cue
        assertThatThrownBy(() -> StripesCue.builder().setNumClasses(3).optSize(8).optPosition(25, 0).build())
                .hasMessageStartingWith("stripes cue: x 25");
        assertThatThrownBy(() -> NoisePatchCue.builder().setNumClasses(3).setSeed(1).optSize(40).build())
                .hasMessageStartingWith("noise cue: size 40");
    }

    @Test
    void fillAndPaintTouchExactlyTheSquare() {
        PatchPlacement p = new PatchPlacement(2, 30, 1);
        byte[] img = new byte[ImageDataset.IMAGE_BYTES];
        p.fill(img, 0, new byte[] {1, 2, 3});
        byte[] gray = new byte[ImageDataset.IMAGE_BYTES];
        p.paintGray(gray, 0, new byte[] {5, 6, 7, 8});
        for (int ch = 0; ch < 3; ch++) {
            for (int row = 0; row < 32; row++) {
                for (int col = 0; col < 32; col++) {
                    int i = ch * 1024 + row * 32 + col;
                    boolean inside = col >= 30 && row >= 1 && row < 3;
                    assertThat(img[i]).as("fill c=%d row=%d col=%d", ch, row, col).isEqualTo((byte) (inside ? ch + 1 : 0));
                    int expectedGray = inside ? 5 + (row - 1) * 2 + (col - 30) : 0;
                    assertThat(gray[i]).as("paint c=%d row=%d col=%d", ch, row, col).isEqualTo((byte) expectedGray);
                }
            }
        }
    }
}
