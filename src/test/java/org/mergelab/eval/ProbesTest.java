package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.BuiltinDataset;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;

class ProbesTest {

    @Test
    void meanLossIsTheCrossEntropyOfTheLogitsAndAccuracyTheirArgmax() {
        ImageDataset data = BuiltinDataset.generate(24, 4);
        List<Batch> batches = new ArrayList<>();
        BatchStream.builder().setDataset(data).setBatchSize(10).optNormalization(Normalization.fromDataset(data)).build()
                .epoch(0).forEach(batches::add);
        try (Network net = Network.create(new ModelSpec("resnet", 8, 4), data.numClasses(), 3)) {
            Probes.Count count = Probes.evaluate(net, batches);
            // by hand from the logits: −log(e^{z_y} / Σ_c e^{z_c}) and argmax z = y
            double loss = 0.0;
            long correct = 0;
            for (Batch b : batches) {
                try (NDManager scope = net.manager().newSubManager()) {
                    float[] z = net.logits(Network.images(scope, b.images(), b.size()), false).toFloatArray();
                    int classes = data.numClasses();
                    for (int i = 0; i < b.size(); i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        int argmax = 0;
                        for (int c = 0; c < classes; c++) {
                            if (z[i * classes + c] > max) {
                                max = z[i * classes + c];
                                argmax = c;
                            }
                        }
                        double sum = 0.0;
                        for (int c = 0; c < classes; c++) {
                            sum += Math.exp(z[i * classes + c] - max);
                        }
                        loss += Math.log(sum) + max - z[i * classes + b.labels()[i]];
                        correct += argmax == b.labels()[i] ? 1 : 0;
                    }
                }
            }
            assertThat(count.total()).isEqualTo(24);
            assertThat(count.correct()).isEqualTo(correct);
            assertThat(count.meanLoss()).isCloseTo(loss / 24, within(1e-5));
            assertThat(count.meanLoss()).isPositive();
        }
    }
}
