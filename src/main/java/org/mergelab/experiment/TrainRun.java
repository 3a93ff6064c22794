package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputFile;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;
import org.mergelab.train.Trainer;
import org.mergelab.train.TrainingProgress;
import org.mergelab.train.TrainingResult;

/**
 * What {@code mergelab train} does: train one task (from scratch, or from {@code --init}), write the
 * checkpoint with its lineage into the output directory, and measure test accuracy on the base
 * probe (and the task's cue probe, if it has one). A killed run started again with the same
 * command resumes from its last complete epoch.
 */
public final class TrainRun {

    private TrainRun() {}

    /**
     * The outcome of a training run.
     *
     * @param checkpointFile where the checkpoint was written
     * @param checkpoint the checkpoint
     * @param training what the trainer did
     * @param testAccuracy probe name to accuracy on the test set (or its subset)
     * @param testImages test images per probe
     */
    public record Outcome(
            Path checkpointFile, Checkpoint checkpoint, TrainingResult training, Map<String, Probes.Count> testAccuracy,
            int testImages) {}

    /**
     * Runs it. Everything is checked (config, initial checkpoint, dataset, cue) before the output directory is
     * created; a failure before training leaves nothing behind.
     *
     * @param config the run's config
     * @param output the output directory, claimed as {@link OutputKind#TRAIN} (created when training starts)
     * @param initFile checkpoint to start from, or null
     * @param progress progress receiver
     */
    public static Outcome run(TrainRunConfig config, OutputDirectory output, Path initFile, TrainingProgress progress) {
        if (output.kind() != OutputKind.TRAIN) {
            throw new IllegalArgumentException("a training run is written to a train output, not " + output.kind());
        }
        Path outDir = output.path();
        Checkpoint init = null;
        ModelSpec model = config.modelFor(null, null);
        if (initFile != null) {
            init = CheckpointModels.read(initFile);
            model = config.modelFor(TrainingRecipe.of(init.lineage(), initFile.toString()).model(), initFile.toString());
        }
        DataContext data = DataContext.load(config.dataset());
        int[] testIds = data.testIds(config.testSize(), config.testSubsetSeed(), "test_size"); // checked before training
        if (init != null) {
            CheckpointModels.requireClasses(init, initFile.toString(), config.dataset(), data.numClasses());
        }
        TaskTraining training = TaskTraining.builder()
                .setData(data)
                .setModel(model)
                .setTrainConfig(config.training())
                .setTask(config.task())
                .setSeed(config.seed())
                .optThreads(config.threads())
                .optCueSeed(config.cueSeed())
                .optCues(config.cues())
                .optInit(init)
                .build();
        Path checkpointFile = outDir.resolve(config.task().name() + ".safetensors");
        OutputFile.requireNotAnInput(checkpointFile, java.util.Arrays.asList(initFile), "checkpoint " + checkpointFile);
        try {
            output.create();
            AtomicFiles.removeTemporaries(outDir); // left by a killed run of this command
        } catch (IOException e) {
            output.removeCreated();
            throw new UncheckedIOException("cannot create output directory " + outDir + ": " + e.getMessage(), e);
        }
        Path stateDir = outDir.resolve(".epoch-state-" + config.task().name());
        TaskTraining.Result result = training.run(stateDir, progress);
        Path file = TaskTraining.write(checkpointFile, result.checkpoint());
        Trainer.clearEpochState(stateDir);

        List<String> probes = new ArrayList<>(List.of("base"));
        if (config.task().hasCue()) {
            probes.add(config.task().cue());
        }
        ProbeSet set = ProbeSet.build(data.test(), testIds, probes, config.cueSeed(), config.cues(), data.normalization());
        Map<String, Probes.Count> accuracy;
        try (Network network = CheckpointModels.open(result.checkpoint(), file.toString())) {
            accuracy = Probes.evaluate(network, set);
        }
        return new Outcome(file, result.checkpoint(), result.training(), accuracy, testIds.length);
    }
}
