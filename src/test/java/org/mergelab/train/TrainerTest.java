package org.mergelab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.CheckpointId;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.data.Augmentation;
import org.mergelab.data.BatchStream;
import org.mergelab.data.BuiltinDataset;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;

class TrainerTest {

    private static final ModelSpec TINY = new ModelSpec("resnet", 8, 4);
    private static final ImageDataset DATA = BuiltinDataset.generate(384, 3);

    private static BatchStream stream() {
        return BatchStream.builder()
                .setDataset(DATA)
                .setBatchSize(64)
                .optShuffle(true)
                .setSeed(11)
                .optAugmentation(Augmentation.standard())
                .optCue(Cues.byName("color", DATA.numClasses(), 0))
                .optNormalization(Normalization.fromDataset(DATA))
                .build();
    }

    private static TrainConfig config(int epochs) {
        return TrainConfig.defaults().withEpochs(epochs).withLearningRate(0.05);
    }

    private static NamedTensors train(int epochs, Path epochDir, TrainingProgress progress) {
        try (Network net = Network.create(TINY, DATA.numClasses(), 5)) {
            Trainer.Builder b = Trainer.builder().setConfig(config(epochs)).optThreads(2).optProgress(progress);
            if (epochDir != null) {
                b.optEpochCheckpoints(epochDir, "key-1");
            }
            TrainingResult r = b.build().train(net, stream());
            assertThat(r.finalLoss()).isFinite();
            return net.toTensors();
        }
    }

    @Test
    void sameConfigAndSeedGiveIdenticalTensorBytes() {
        NamedTensors a = train(1, null, TrainingProgress.SILENT);
        NamedTensors b = train(1, null, TrainingProgress.SILENT);
        assertThat(CheckpointId.of(a)).isEqualTo(CheckpointId.of(b));
        for (String name : a.names()) {
            assertThat(a.get(name).contentEquals(b.get(name))).as(name).isTrue();
        }
        // and training did change the weights
        try (Network fresh = Network.create(TINY, DATA.numClasses(), 5)) {
            assertThat(CheckpointId.of(fresh.toTensors())).isNotEqualTo(CheckpointId.of(a));
        }
    }

    @Test
    void aKilledRunResumesFromItsLastEpochAndEndsIdentical(@TempDir Path dir) {
        NamedTensors uninterrupted = train(3, null, TrainingProgress.SILENT);
        Path state = dir.resolve("state");
        TrainingProgress killer = new TrainingProgress() {
            @Override
            public void epochStarted(String task, int epoch, int epochs, int batches) {
                if (epoch == 2) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> train(3, state, killer)).hasMessage("killed");
        assertThat(Files.exists(state.resolve(EpochState.FILE_NAME))).isTrue();
        int[] resumedAt = {-1};
        TrainingProgress watcher = new TrainingProgress() {
            @Override
            public void epochStarted(String task, int epoch, int epochs, int batches) {
                if (resumedAt[0] < 0) {
                    resumedAt[0] = epoch;
                }
            }
        };
        NamedTensors resumed = train(3, state, watcher);
        assertThat(resumedAt[0]).isEqualTo(2);
        assertThat(CheckpointId.of(resumed)).isEqualTo(CheckpointId.of(uninterrupted));
    }

    @Test
    void learningRateSchedules() {
        TrainConfig cosine = TrainConfig.defaults().withEpochs(2);
        assertThat(cosine.learningRateAt(0, 0, 10)).isEqualTo(0.1);
        assertThat(cosine.learningRateAt(1, 0, 10)).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-12));
        TrainConfig step = new TrainConfig(3, null, 0.1, null, null, "step", java.util.List.of(1, 2), 0.5, null);
        assertThat(step.learningRateAt(0, 5, 10)).isEqualTo(0.1);
        assertThat(step.learningRateAt(1, 0, 10)).isEqualTo(0.05);
        assertThat(step.learningRateAt(2, 0, 10)).isEqualTo(0.025);
        assertThatThrownBy(() -> new TrainConfig(null, null, null, null, null, "linear", null, null, null))
                .hasMessageContaining("schedule").hasMessageContaining("linear");
    }
}
