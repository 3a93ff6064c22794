package org.mergelab.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.lineage.Lineage;
import org.mergelab.train.TrainConfig;
import org.mergelab.train.Trainer;
import org.mergelab.train.TrainingProgress;
import org.mergelab.work.UnitProgress;

/**
 * Training of one task: pre-training (no parent) or a fine-tune of the parent's checkpoint. Its output is the
 * checkpoint with its lineage, whose {@code extra.unit_key} is this unit's key. Per-epoch state is kept beside it,
 * so a unit whose worker died resumes from its last complete epoch, in whichever worker takes it over.
 *
 * @param name readable name, e.g. {@code seed0/theta1}
 * @param key the unit key
 * @param output the checkpoint file
 * @param seed the run's seed
 * @param task the task trained
 * @param parent the unit whose checkpoint this starts from, or null for pre-training
 * @param trainImages training images over all epochs (for estimates)
 */
public record TrainingUnit(String name, String key, Path output, long seed, TaskSpec task, TrainingUnit parent, long trainImages)
        implements ExperimentUnit {

    /** The lineage {@code extra} key that holds the unit key. */
    static final String UNIT_KEY = "unit_key";

    /** Requires every part but the parent. */
    public TrainingUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(task, "task");
    }

    /** True for a fine-tune (a unit with a parent). */
    public boolean finetune() {
        return parent != null;
    }

    @Override
    public long evalImages() {
        return 0;
    }

    @Override
    public List<TrainingUnit> dependencies() {
        return parent == null ? List.of() : List.of(parent);
    }

    /** The directory of a training unit's per-epoch state in an experiment directory: named by the key's first 16 digits. */
    static Path epochStateDirectory(Path experimentDirectory, String key) {
        return experimentDirectory.resolve("checkpoints").resolve(EPOCH_STATE_PREFIX + key.substring(0, 16));
    }

    /** The name of an epoch-state directory, before the 16 hex digits. */
    static final String EPOCH_STATE_PREFIX = ".epoch-state-";

    @Override
    public boolean isDone() {
        return key.equals(keyOf(output));
    }

    /** The unit key in the lineage beside a checkpoint, or null when there is none (not a unit checkpoint of mergelab's). */
    static String keyOf(Path checkpoint) {
        Path lineageFile = CheckpointStore.lineageFile(checkpoint);
        if (!Files.isRegularFile(checkpoint) || !Files.isRegularFile(lineageFile)) {
            return null;
        }
        try {
            return Lineage.fromJson(Files.readString(lineageFile)).extra().get(UNIT_KEY);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        ExperimentConfig config = context.config();
        TrainConfig training = finetune() ? config.finetune() : config.pretrain();
        TaskTraining.Builder b = TaskTraining.builder()
                .setData(context.data())
                .setModel(config.model())
                .setTrainConfig(training)
                .setTask(task)
                .setSeed(seed)
                .optThreads(config.threads())
                .optCueSeed(config.cueSeed())
                .optCues(config.cues())
                .putLineageExtra(UNIT_KEY, key)
                .putLineageExtra("unit", name);
        if (parent != null) {
            b.optInit(context.checkpoint(parent));
        }
        Path stateDir = epochStateDirectory(context.directory(), key);
        TaskTraining.Result r;
        try {
            r = b.build().run(stateDir, new TrainingProgress() {
                private int epoch;
                private int batches = 1;

                @Override
                public void epochStarted(String taskName, int e, int total, int n) {
                    epoch = e;
                    batches = Math.max(1, n);
                }

                @Override
                public void stepDone(int batch, double meanLoss, double imagesPerSecond) {
                    if (progress.lost()) {
                        throw new ClaimLost();
                    }
                    progress.fraction((epoch + (batch + 1.0) / batches) / Math.max(1, training.epochs()));
                }
            });
        } catch (ClaimLost e) {
            return "abandoned: another worker took this unit over";
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        TaskTraining.write(output, r.checkpoint());
        Trainer.clearEpochState(stateDir);
        context.remember(this, r.checkpoint());
        return String.format("checkpoint %s, train loss %.4f, train accuracy %.4f, %.0f img/s",
                r.checkpoint().id().substring(0, 12), r.training().finalLoss(), r.training().finalTrainAccuracy(),
                r.training().imagesPerSecond());
    }

    /** Stops training when this worker's claim was taken over. */
    private static final class ClaimLost extends RuntimeException {
        ClaimLost() {
            super("claim taken over", null, false, false);
        }
    }
}
