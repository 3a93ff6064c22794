package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchStreamTest {
    private static final ImageDataset DATA = BuiltinDataset.generate(1000, 17);

    private static BatchStream.Builder training(boolean prefetch) {
        return BatchStream.builder().setDataset(DATA).setBatchSize(64).setSeed(5).optShuffle(true)
                .optAugmentation(Augmentation.standard()).optCue(ColorPatchCue.defaults())
                .optNormalization(Normalization.fromDataset(DATA)).optPrefetch(prefetch);
    }

    private static List<Batch> collect(Iterable<Batch> batches) {
        List<Batch> out = new ArrayList<>();
        batches.forEach(out::add);
        return out;
    }

    @Test
    void sameSeedSameBatchesWithOrWithoutPrefetch() {
        List<Batch> a = collect(training(false).build().epoch(3));
        List<Batch> b = collect(training(true).build().epoch(3));
        BatchStream s = training(false).build();
        assertThat(a).hasSize(16);
        assertThat(a.get(15).size()).isEqualTo(1000 - 15 * 64);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).images()).isEqualTo(b.get(i).images());
            assertThat(a.get(i).labels()).isEqualTo(b.get(i).labels());
            assertThat(s.batch(3, i).images()).isEqualTo(a.get(i).images());
        }
    }

    @Test
    void epochsAndSeedsShuffleDifferentlyAndCoverAllIds() {
        BatchStream s = training(false).build();
        int[] o1 = s.order(1);
        int[] o2 = s.order(2);
        assertThat(o1).isNotEqualTo(o2);
        assertThat(training(false).setSeed(6).build().order(1)).isNotEqualTo(o1);
        int[] sorted = o1.clone();
        Arrays.sort(sorted);
        assertThat(sorted).isEqualTo(Splits.all(1000));
        int[] labels = collect(s.epoch(1)).stream().flatMapToInt(b -> Arrays.stream(b.labels())).toArray();
        for (int i = 0; i < 1000; i++) {
            assertThat(labels[i]).isEqualTo(DATA.labels()[o1[i]]);
        }
    }

    @Test
    void evaluationDefaultsServeIdsInOrderUnchanged() {
        int[] ids = {5, 3, 999};
        BatchStream s = BatchStream.builder().setDataset(DATA).setBatchSize(2).optIds(ids).build();
        List<Batch> batches = collect(s.epoch(0));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).labels()).containsExactly(DATA.labels()[5], DATA.labels()[3]);
        assertThat(batches.get(1).size()).isEqualTo(1);
        float[] img = batches.get(1).images();
        for (int k = 0; k < 3072; k++) {
            assertThat(img[k]).isEqualTo((DATA.pixels()[999 * 3072 + k] & 0xFF) / 255f);
        }
        assertThat(BatchStream.builder().setDataset(DATA).setBatchSize(64).optDropLast(true).build().batchesPerEpoch())
                .isEqualTo(15);
        assertThatThrownBy(() -> BatchStream.builder().setDataset(DATA).setBatchSize(8).optShuffle(true).build())
                .hasMessageContaining("setSeed");
        assertThatThrownBy(() -> BatchStream.builder().setDataset(DATA).setBatchSize(8).optIds(new int[] {1000}).build())
                .hasMessageContaining("id 1000");
    }

    @Test
    void augmentationNeverMovesTheCue() {
        // every training sample, whatever its crop and flip, shows the exact colour patch at (0..3, 0..3)
        // and the exact noise patch at (24..31, 24..31)
        NoisePatchCue noise = NoisePatchCue.builder().setNumClasses(24).setSeed(3).build();
        for (Cue cue : List.of(ColorPatchCue.defaults(), noise)) {
            BatchStream s = BatchStream.builder().setDataset(DATA).setBatchSize(100).setSeed(1).optShuffle(true)
                    .optAugmentation(Augmentation.builder().optPadding(8).optFlipProbability(0.5).build()).optCue(cue)
                    .build();
            for (Batch b : s.epoch(0)) {
                for (int k = 0; k < b.size(); k++) {
                    byte[] expected = new byte[3072];
                    cue.apply(expected, 0, b.labels()[k]);
                    int x0 = cue == noise ? 24 : 0;
                    int size = cue == noise ? 8 : 4;
                    for (int c = 0; c < 3; c++) {
                        for (int y = x0; y < x0 + size; y++) {
                            for (int x = x0; x < x0 + size; x++) {
                                int i = c * 1024 + y * 32 + x;
                                assertThat(b.images()[k * 3072 + i]).isEqualTo((expected[i] & 0xFF) / 255f);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void fastEnough() {
        BatchStream s = training(false).optPrefetch(false).setBatchSize(128).build();
        double best = 0;
        for (int round = 0; round < 4; round++) { // the first rounds warm the JIT up; keep the best
            int images = 0;
            long t0 = System.nanoTime();
            for (int e = 1; e <= 10; e++) {
                for (Batch b : s.epoch(e)) {
                    images += b.size();
                }
            }
            assertThat(images).isEqualTo(10_000);
            best = Math.max(best, images / ((System.nanoTime() - t0) / 1e9));
        }
        System.out.printf("batch stream (shuffle + augmentation + cue + normalisation, one thread): %.0f images/s%n",
                best);
        // the target is > 20,000 images/s on one core; the bound is generous for a loaded test machine
        assertThat(best).isGreaterThan(10_000);
    }
}
