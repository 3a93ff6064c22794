package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinDatasetTest {

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() {
        ImageDataset a = BuiltinDataset.generate(500, 7);
        ImageDataset b = BuiltinDataset.generate(500, 7);
        ImageDataset c = BuiltinDataset.generate(500, 8);
        assertThat(Arrays.equals(a.pixels(), b.pixels())).isTrue();
        assertThat(a.labels()).isEqualTo(b.labels());
        int same = 0;
        for (int i = 0; i < 500; i++) {
            if (Arrays.equals(a.pixels(), i * 3072, (i + 1) * 3072, c.pixels(), i * 3072, (i + 1) * 3072)) {
                same++;
            }
        }
        assertThat(same).isZero();
    }

    @Test
    void imageDependsOnlyOnSeedAndIndex() {
        ImageDataset small = BuiltinDataset.generate(30, 3);
        ImageDataset large = BuiltinDataset.generate(200, 3);
        assertThat(Arrays.equals(small.pixels(), 0, small.pixels().length, large.pixels(), 0, small.pixels().length))
                .isTrue();
    }

    @Test
    void balancedLabelsAndNamedClasses() {
        ImageDataset ds = BuiltinDataset.generate(24 * 5, 1);
        assertThat(ds.numClasses()).isEqualTo(24).isGreaterThanOrEqualTo(20);
        assertThat(ds.classNames()).hasSize(24).doesNotHaveDuplicates().contains("ring", "spiral", "checkerboard");
        assertThat(ds.classCounts()).containsOnly(5);
        assertThat(ds.name()).isEqualTo("builtin");
    }

    @Test
    void everyClassDrawsSomethingDistinctWithoutNoise() {
        // no noise, texture or clutter: pixels differing from the top-left background pixel come from the shape
        BuiltinDataset.Options clean = BuiltinDataset.Options.builder().optNoiseSigma(0).optTextureStrength(0)
                .optMaxClutter(0).optMaxRotationDegrees(0).optScaleRange(12, 12).build();
        ImageDataset ds = BuiltinDataset.generate(24, 11, clean);
        Set<String> masks = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            int off = ds.imageOffset(i);
            int bg = ds.pixels()[off] & 0xFF;
            int fgPixels = 0;
            for (int p = 0; p < ImageDataset.PLANE; p++) {
                if ((ds.pixels()[off + p] & 0xFF) != bg) {
                    fgPixels++;
                }
            }
            assertThat(fgPixels).as("class %s", ds.classNames().get(i)).isBetween(20, 1000);
        }
        // colour is not the class: foreground colours of one class vary across images
        ImageDataset discs = BuiltinDataset.generate(24 * 20, 5, clean);
        byte[] px = discs.pixels();
        for (int i = 0; i < discs.size(); i += 24) {
            int off = discs.imageOffset(i);
            int best = 0;
            int bestDist = -1;
            for (int p = 0; p < ImageDataset.PLANE; p++) { // the pixel farthest from the background is foreground
                int d = 0;
                for (int c = 0; c < 3; c++) {
                    d += Math.abs((px[off + c * 1024 + p] & 0xFF) - (px[off + c * 1024] & 0xFF));
                }
                if (d > bestDist) {
                    bestDist = d;
                    best = p;
                }
            }
            masks.add((px[off + best] & 0xFF) + "," + (px[off + 1024 + best] & 0xFF) + "," + (px[off + 2048 + best] & 0xFF));
        }
        assertThat(masks.size()).isGreaterThan(15);
    }

    @Test
    void shapesRespondToTheirDistanceFunction() {
        // spot checks of the signed distance functions in the unit frame
        assertThat(BuiltinDataset.Renderer.sd(0, 0, 0, 0.2f, 0)).isLessThan(0); // disc centre inside
        assertThat(BuiltinDataset.Renderer.sd(1, 0, 0, 0.2f, 0)).isGreaterThan(0); // ring centre empty
        assertThat(BuiltinDataset.Renderer.sd(1, 0.72f, 0, 0.2f, 0)).isLessThan(0); // on the ring
        assertThat(BuiltinDataset.Renderer.sd(5, 0.8f, 0, 0.2f, 0)).isLessThan(0); // plus arm
        assertThat(BuiltinDataset.Renderer.sd(5, 0.6f, 0.6f, 0.2f, 0)).isGreaterThan(0); // plus, off the arms
        assertThat(BuiltinDataset.Renderer.sd(6, 0.6f, 0.6f, 0.2f, 0)).isLessThan(0); // x-cross diagonal
        assertThat(BuiltinDataset.Renderer.sd(4, 0, 0.3f, 0.2f, 0)).isLessThan(0); // triangle body
        assertThat(BuiltinDataset.Renderer.sd(4, 0.8f, -0.8f, 0.2f, 0)).isGreaterThan(0); // beside the apex
        assertThatThrownBy(() -> BuiltinDataset.Renderer.sd(24, 0, 0, 0.2f, 0)).hasMessageContaining("class 24");
    }

    @Test
    void optionsAreValidatedWithTheBadValue() {
        assertThatThrownBy(() -> BuiltinDataset.Options.builder().optMaxRotationDegrees(30).build())
                .hasMessageContaining("30.0");
        assertThatThrownBy(() -> BuiltinDataset.Options.builder().optScaleRange(9, 4).build())
                .hasMessageContaining("9.0..4.0");
        assertThatThrownBy(() -> BuiltinDataset.Options.builder().optMaxClutter(-1).build())
                .hasMessageContaining("-1");
        assertThat(BuiltinDataset.Options.defaults().describe())
                .isEqualTo("builtin-v2(scale=8.0-12.0,rot=15.0,clutter=1,noise=6.0,texture=0.3,contrast=60.0,saturation=0.35)");
    }

    @Test
    void twentyThousandImagesInEveryClass() {
        // its speed is a benchmark goal (data.bench.BuiltinDatasetBenchmark: under 4 s on 2 cores), not a timed test
        ImageDataset ds = BuiltinDataset.generate(20_000, 1);
        assertThat(ds.size()).isEqualTo(20_000);
        int[] perClass = new int[ds.numClasses()];
        for (int label : ds.labels()) {
            perClass[label]++;
        }
        assertThat(java.util.Arrays.stream(perClass).min().orElseThrow()).as("images of the rarest class").isPositive();
    }
}
