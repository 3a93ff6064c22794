package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.CheckpointId;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.config.Seeds;
import org.mergelab.data.Augmentation;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cue;
import org.mergelab.data.Cues;
import org.mergelab.data.DataFingerprint;
import org.mergelab.lineage.Lineage;
import org.mergelab.lineage.TaskRecord;
import org.mergelab.lineage.VersionsRecord;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;
import org.mergelab.train.TrainConfig;
import org.mergelab.train.Trainer;
import org.mergelab.train.TrainingProgress;
import org.mergelab.train.TrainingResult;

/**
 * Trains one task (pre-training or a fine-tune) and makes its checkpoint with lineage. The
 * {@code train} command and every training unit of an experiment go through here, so a checkpoint
 * made either way has the same lineage for the same inputs.
 *
 * <p>Seeds, all derived from the run's {@code seed}: the initial weights from ("init"), the split
 * into halves A and B from ("split"), the data order and augmentation of a task from ("order/" +
 * task name).
 */
public final class TaskTraining {

    private final DataContext data;
    private final ModelSpec model;
    private final TrainConfig train;
    private final TaskSpec task;
    private final long seed;
    private final int threads;
    private final long cueSeed;
    private final java.util.Map<String, org.mergelab.data.CueSettings> cues;
    private final Checkpoint init;
    private final java.util.Map<String, String> extra;

    private TaskTraining(Builder b) {
        this.data = b.data;
        this.model = b.model;
        this.train = b.train;
        this.task = b.task;
        this.seed = b.seed;
        this.threads = b.threads;
        this.cueSeed = b.cueSeed;
        this.cues = b.cues;
        this.init = b.init;
        this.extra = java.util.Map.copyOf(b.extra);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The training ids of this task. */
    public int[] trainIds() {
        return task.ids(data.train().size(), Seeds.derive(seed, "split"));
    }

    private Cue cue() {
        return task.hasCue() ? Cues.byName(task.cue(), data.numClasses(), cueSeed, cues) : null;
    }

    /** The batches this task trains on. */
    public BatchStream batches() {
        BatchStream.Builder b = BatchStream.builder()
                .setDataset(data.train())
                .optIds(trainIds())
                .setBatchSize(train.batchSize())
                .optShuffle(true)
                .setSeed(Seeds.derive(seed, "order/" + task.name()))
                .optNormalization(data.normalization())
                .optPrefetch(true);
        if (train.augment()) {
            b.optAugmentation(Augmentation.standard());
        }
        Cue cue = cue();
        if (cue != null) {
            b.optCue(cue);
        }
        return b.build();
    }

    /**
     * The lineage the checkpoint will have, without checkpoint id and wall time: equal inputs give
     * equal planned lineages, so its reuse key identifies the unit of work.
     */
    public Lineage plannedLineage() {
        TrainingRecipe recipe = new TrainingRecipe(data.spec(), model, train, task.name(), cueSeed, cues,
                TrainingRecipe.NormalizationRecord.of(data.normalization()));
        Cue cue = cue();
        Lineage.Builder b = Lineage.builder()
                .setKind(init == null ? "pretrain" : "finetune")
                .optTask(new TaskRecord(data.spec(), task.splitName(), task.cue()))
                .optConfig(recipe.toTree())
                .optSeed(seed)
                .optThreads(threads)
                .optVersions(VersionsRecord.current())
                .optDataFingerprint(DataFingerprint.of(data.train().name(), trainIds(), cue == null ? "none" : cue.describe()));
        if (init != null) {
            b.addParent(init.lineage());
        }
        extra.forEach(b::putExtra);
        return b.build();
    }

    /**
     * Trains and returns the checkpoint (not yet written).
     *
     * @param epochDirectory where per-epoch resumable state is kept, or null
     * @param progress progress receiver
     */
    public Result run(Path epochDirectory, TrainingProgress progress) {
        Lineage planned = plannedLineage();
        long start = System.nanoTime();
        try (Network network = Network.create(model, data.numClasses(), Seeds.derive(seed, "init"))) {
            if (init != null) {
                network.load(init.tensors());
            }
            Trainer.Builder tb = Trainer.builder()
                    .setConfig(train)
                    .optThreads(threads)
                    .optTaskName(task.name())
                    .optProgress(progress);
            if (epochDirectory != null) {
                tb.optEpochCheckpoints(epochDirectory, planned.reuseKeySha256());
            }
            Trainer trainer = tb.build();
            TrainingResult result = trainer.train(network, batches());
            double wall = (System.nanoTime() - start) / 1e9;
            Lineage lineage = planned.toBuilder().optWallTimeSeconds(wall).build();
            NamedTensors tensors = network.toTensors();
            Checkpoint checkpoint = new Checkpoint(tensors, lineage.withCheckpointId(CheckpointId.of(tensors)));
            return new Result(checkpoint, result);
        }
    }

    /** Writes a checkpoint and its lineage file atomically. */
    public static Path write(Path file, Checkpoint checkpoint) {
        try {
            java.nio.file.Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            return CheckpointStore.write(file, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** A trained checkpoint and what training did. */
    public record Result(Checkpoint checkpoint, TrainingResult training) {}

    /** Builds a {@link TaskTraining}. */
    public static final class Builder {
        private DataContext data;
        private ModelSpec model;
        private TrainConfig train;
        private TaskSpec task;
        private Long seed;
        private int threads = 2;
        private long cueSeed;
        private java.util.Map<String, org.mergelab.data.CueSettings> cues = java.util.Map.of();
        private Checkpoint init;
        private final java.util.Map<String, String> extra = new java.util.TreeMap<>();

        private Builder() {}

        /** A fact recorded in the lineage's {@code extra} (e.g. the unit key of an experiment). */
        public Builder putLineageExtra(String key, String value) {
            extra.put(key, value);
            return this;
        }

        /** Required: the loaded dataset. */
        public Builder setData(DataContext value) {
            this.data = value;
            return this;
        }

        /** Required: the architecture. */
        public Builder setModel(ModelSpec value) {
            this.model = value;
            return this;
        }

        /** Required: the hyper-parameters. */
        public Builder setTrainConfig(TrainConfig value) {
            this.train = value;
            return this;
        }

        /** Required: the task. */
        public Builder setTask(TaskSpec value) {
            this.task = value;
            return this;
        }

        /** Required: the run's seed. */
        public Builder setSeed(long value) {
            this.seed = value;
            return this;
        }

        /** PyTorch threads; default 2. */
        public Builder optThreads(int value) {
            this.threads = value;
            return this;
        }

        /** Cue seed; default 0. */
        public Builder optCueSeed(long value) {
            this.cueSeed = value;
            return this;
        }

        /** Settings per cue kind; default none (every cue's defaults). */
        public Builder optCues(java.util.Map<String, org.mergelab.data.CueSettings> value) {
            this.cues = java.util.Map.copyOf(value);
            return this;
        }

        /** The checkpoint to start from; default none (fresh initialisation: pre-training). */
        public Builder optInit(Checkpoint value) {
            this.init = value;
            return this;
        }

        /** Validates and builds. */
        public TaskTraining build() {
            Objects.requireNonNull(data, "data is required: call setData");
            Objects.requireNonNull(model, "model is required: call setModel");
            Objects.requireNonNull(train, "train config is required: call setTrainConfig");
            Objects.requireNonNull(task, "task is required: call setTask");
            Objects.requireNonNull(seed, "seed is required: call setSeed");
            if (init != null && init.lineage() == null) {
                throw new IllegalArgumentException("the initial checkpoint has no lineage");
            }
            TaskTraining training = new TaskTraining(this);
            training.cue(); // an unknown cue is an error now, before any output is written
            return training;
        }
    }
}
