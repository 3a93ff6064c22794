package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {
    private static ImageDataset tiny() {
        byte[] px = new byte[3 * ImageDataset.IMAGE_BYTES];
        for (int i = 0; i < 3; i++) {
            java.util.Arrays.fill(px, i * 3072, (i + 1) * 3072, (byte) (10 * (i + 1)));
        }
        return new ImageDataset("tiny", 2, List.of("a", "b"), px, new int[] {0, 1, 1});
    }

    @Test
    void sizeOffsetsAndSubset() {
        ImageDataset ds = tiny();
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.imageOffset(2)).isEqualTo(2 * 3072);
        assertThat(ds.classCounts()).containsExactly(1, 2);
        ImageDataset sub = ds.subset(new int[] {2, 0, 2});
        assertThat(sub.labels()).containsExactly(1, 0, 1);
        assertThat(sub.pixels()[0]).isEqualTo((byte) 30);
        assertThat(sub.pixels()[3072 + 3071]).isEqualTo((byte) 10);
        assertThat(sub.pixels()[2 * 3072]).isEqualTo((byte) 30);
        assertThatThrownBy(() -> ds.subset(new int[] {0, 3})).hasMessageContaining("id 3 at position 1");
        assertThatThrownBy(() -> ds.imageOffset(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void validationNamesTheBadValue() {
        byte[] px = new byte[2 * 3072];
        assertThatThrownBy(() -> new ImageDataset("d", 2, List.of("a", "b"), px, new int[] {0, 2}))
                .hasMessageContaining("label 2 of image 1");
        assertThatThrownBy(() -> new ImageDataset("d", 2, List.of("a", "b"), px, new int[] {0}))
                .hasMessageContaining("2 images but 1 labels");
        assertThatThrownBy(() -> new ImageDataset("d", 2, List.of("a", "b"), new byte[100], new int[0]))
                .hasMessageContaining("pixels.length=100");
        assertThatThrownBy(() -> new ImageDataset("d", 3, List.of("a", "b"), px, new int[] {0, 1}))
                .hasMessageContaining("2 class names for numClasses=3");
    }
}
