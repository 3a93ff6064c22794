package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizationTest {
    @Test
    void statisticsFromADatasetAndTheFormula() {
        // two images: red channel 0 and 255, green 51 everywhere, blue half 0 half 102
        byte[] px = new byte[2 * 3072];
        Arrays.fill(px, 3072, 3072 + 1024, (byte) 255);
        Arrays.fill(px, 1024, 2048, (byte) 51);
        Arrays.fill(px, 3072 + 1024, 3072 + 2048, (byte) 51);
        Arrays.fill(px, 2048, 2048 + 512, (byte) 102);
        Arrays.fill(px, 3072 + 2048, 3072 + 2048 + 512, (byte) 102);
        px[1024] = 52; // green not constant
        ImageDataset ds = new ImageDataset("n", 1, List.of("x"), px, new int[] {0, 0});
        Normalization n = Normalization.fromDataset(ds);
        assertThat(n.mean()[0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(n.std()[0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(n.mean()[2]).isCloseTo(0.2f, within(1e-6f));
        assertThat(n.std()[2]).isCloseTo(0.2f, within(1e-6f));
        float[] out = new float[3072];
        n.apply(px, 3072, out, 0);
        assertThat(out[0]).isCloseTo(1f, within(1e-6f)); // (1 - 0.5) / 0.5
        assertThat(out[2048]).isCloseTo(1f, within(1e-5f)); // (0.4 - 0.2) / 0.2
        assertThat(out[3071]).isCloseTo(-1f, within(1e-5f));
    }

    @Test
    void unitAndValidation() {
        float[] out = new float[3072];
        byte[] img = new byte[3072];
        img[5] = (byte) 255;
        img[6] = (byte) 51;
        Normalization.unit().apply(img, 0, out, 0);
        assertThat(out[5]).isEqualTo(1f);
        assertThat(out[6]).isCloseTo(0.2f, within(1e-7f));
        assertThatThrownBy(() -> Normalization.of(new float[] {0, 0, 0}, new float[] {1, 0, 1}))
                .hasMessageContaining("channel 1");
        ImageDataset flat = new ImageDataset("flat", 1, List.of("x"), new byte[3072], new int[] {0});
        assertThatThrownBy(() -> Normalization.fromDataset(flat)).hasMessageContaining("flat");
    }
}
