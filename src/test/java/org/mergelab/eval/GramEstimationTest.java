package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mergelab.checkpoint.CheckpointId;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.BuiltinDataset;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;

class GramEstimationTest {

    @Test
    void theFirstConvolutionsGramIsTheMeanOuterProductOfItsZeroPaddedImagePatches() {
        ImageDataset data = BuiltinDataset.generate(12, 4);
        List<Batch> batches = new ArrayList<>();
        BatchStream.builder().setDataset(data).setBatchSize(5).optNormalization(Normalization.fromDataset(data)).build()
                .epoch(0).forEach(batches::add);
        try (Network net = Network.create(new ModelSpec("resnet", 8, 4), data.numClasses(), 3)) {
            String before = CheckpointId.of(net.toTensors());
            GramEstimation.Result r = GramEstimation.estimate(net, batches);
            assertThat(r.samples()).isEqualTo(12);
            assertThat(CheckpointId.of(net.toTensors())).as("weights unchanged").isEqualTo(before);
            NamedTensors grams = r.grams();
            assertThat(grams.names()).contains("conv1.weight", "layer1.0.conv2.weight", "layer2.0.shortcut.0.weight",
                    "fc.weight").doesNotContain("fc.bias", "bn1.weight", "conv1.bias");
            assertThat(grams.get("layer2.0.conv1.weight").shape()).containsExactly(36, 36); // 4 channels x 3 x 3
            assertThat(grams.get("layer2.0.shortcut.0.weight").shape()).containsExactly(4, 4);
            assertThat(grams.get("fc.weight").shape()).containsExactly(16, 16);

            // conv1's input is the normalised image: its 3 x 3 patches (zero outside), in (channel, row, column) order
            double[] expected = new double[27 * 27];
            long rows = 0;
            for (Batch b : batches) {
                for (int n = 0; n < b.size(); n++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            double[] patch = new double[27];
                            for (int c = 0; c < 3; c++) {
                                for (int i = 0; i < 3; i++) {
                                    for (int j = 0; j < 3; j++) {
                                        int yy = y + i - 1;
                                        int xx = x + j - 1;
                                        if (yy >= 0 && yy < 32 && xx >= 0 && xx < 32) {
                                            patch[c * 9 + i * 3 + j] = b.images()[((n * 3 + c) * 32 + yy) * 32 + xx];
                                        }
                                    }
                                }
                            }
                            for (int k = 0; k < 27; k++) {
                                for (int j = 0; j < 27; j++) {
                                    expected[k * 27 + j] += patch[k] * patch[j];
                                }
                            }
                            rows++;
                        }
                    }
                }
            }
            float[] gram = grams.get("conv1.weight").toFloats();
            for (int k = 0; k < 27; k++) {
                for (int j = 0; j < 27; j++) {
                    double e = expected[k * 27 + j] / rows;
                    assertThat((double) gram[k * 27 + j]).as("[%d, %d]", k, j).isCloseTo(e, within(1e-5 * (1 + Math.abs(e))));
                    assertThat(gram[k * 27 + j]).as("symmetric at [%d, %d]", k, j).isEqualTo(gram[j * 27 + k]);
                }
            }
        }
    }
}
