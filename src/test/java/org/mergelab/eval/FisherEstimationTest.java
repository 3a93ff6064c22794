package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

class FisherEstimationTest {

    @Test
    void biasFisherEqualsTheMeanSquaredOneHotMinusSoftmax() {
        ImageDataset data = BuiltinDataset.generate(24, 4);
        List<Batch> batches = new ArrayList<>();
        BatchStream.builder().setDataset(data).setBatchSize(10).optNormalization(Normalization.fromDataset(data)).build()
                .epoch(0).forEach(batches::add);
        try (Network net = Network.create(new ModelSpec("resnet", 8, 4), data.numClasses(), 3)) {
            String before = CheckpointId.of(net.toTensors());
            FisherEstimation.Result r = FisherEstimation.estimate(net, batches);
            assertThat(r.samples()).isEqualTo(24);
            assertThat(CheckpointId.of(net.toTensors())).as("weights unchanged").isEqualTo(before);
            NamedTensors f = r.fisher();
            assertThat(f.names()).isEqualTo(net.toTensors().names());
            // d log softmax(z)_y / d b = onehot(y) - softmax(z): its square, averaged over the samples
            double[] expected = new double[data.numClasses()];
            for (Batch b : batches) {
                try (NDManager scope = net.manager().newSubManager()) {
                    NDArray p = net.logits(Network.images(scope, b.images(), b.size()), false).softmax(1);
                    float[] probs = p.toFloatArray();
                    for (int i = 0; i < b.size(); i++) {
                        for (int c = 0; c < expected.length; c++) {
                            double g = (c == b.labels()[i] ? 1 : 0) - probs[i * expected.length + c];
                            expected[c] += g * g / 24;
                        }
                    }
                }
            }
            float[] bias = f.get("fc.bias").toFloats();
            for (int c = 0; c < expected.length; c++) {
                assertThat((double) bias[c]).as("class " + c).isCloseTo(expected[c], within(1e-5));
            }
            assertThat(f.get("bn1.running_mean").toFloats()).containsOnly(0f);
            float[] conv = f.get("conv1.weight").toFloats();
            double sum = 0;
            for (float v : conv) {
                assertThat(v).isGreaterThanOrEqualTo(0f);
                sum += v;
            }
            assertThat(sum).isPositive();
        }
    }
}
