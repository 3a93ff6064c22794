package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import org.mergelab.data.CueSettings;
import org.mergelab.model.ModelSpec;
import org.mergelab.train.TrainConfig;

/**
 * The config file of {@code mergelab train}: one task trained from scratch or from a checkpoint.
 *
 * @param dataset dataset spec; default {@code builtin}
 * @param model the network; default ResNet-20; null when not given (see {@link #modelFor}): with {@code --init}
 *     the checkpoint fixes the network, and a {@code model:} that differs from it is an error
 * @param training hyper-parameters; default {@link TrainConfig} defaults
 * @param task split and cue; default the whole training set without cue, named {@code task}
 * @param seed the run's seed; default 0
 * @param threads PyTorch threads; default 2
 * @param cueSeed seed of the noise patterns and conflict derangement; default 0
 * @param cues settings per cue kind (see {@link CueSettings}); default none
 * @param testSize test images for the final accuracy line (a seeded subset); null or 0 means all
 * @param testSubsetSeed seed of that subset; default 0
 */
@JsonPropertyOrder({"dataset", "model", "training", "task", "seed", "threads", "cue_seed", "cues", "test_size", "test_subset_seed"})
public record TrainRunConfig(
        String dataset,
        ModelSpec model,
        TrainConfig training,
        TaskSpec task,
        Long seed,
        Integer threads,
        Long cueSeed,
        Map<String, CueSettings> cues,
        Integer testSize,
        Long testSubsetSeed) {

    /** Fills defaults. */
    public TrainRunConfig {
        dataset = dataset == null ? "builtin" : dataset;
        training = training == null ? TrainConfig.defaults() : training;
        task = task == null ? new TaskSpec(null, null, null) : task;
        seed = seed == null ? 0L : seed;
        threads = threads == null ? 2 : threads;
        cueSeed = cueSeed == null ? 0L : cueSeed;
        cues = cues == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(cues));
        testSize = testSize == null || testSize == 0 ? null : testSize;
        testSubsetSeed = testSubsetSeed == null ? 0L : testSubsetSeed;
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " is below 1");
        }
        if (testSize != null && testSize < 1) {
            throw new IllegalArgumentException("test_size: " + testSize + " is below 1");
        }
    }

    /**
     * The network to train: without a checkpoint to start from, the config's {@code model:} or ResNet-20; with one,
     * the checkpoint's architecture {@code fromCheckpoint}, which a {@code model:} in the config must equal.
     *
     * @param fromCheckpoint the architecture of the checkpoint to start from, or null to train from scratch
     * @param checkpoint names the checkpoint in messages
     * @throws IllegalArgumentException naming both models when they differ
     */
    public ModelSpec modelFor(ModelSpec fromCheckpoint, String checkpoint) {
        if (fromCheckpoint == null) {
            return model == null ? ModelSpec.RESNET20 : model;
        }
        if (model != null && !model.equals(fromCheckpoint)) {
            throw new IllegalArgumentException("model: the config asks for " + model.displayName() + " but the --init "
                    + "checkpoint " + checkpoint + " is a " + fromCheckpoint.displayName() + "; remove model: from "
                    + "the config (the checkpoint fixes it) or give the checkpoint's");
        }
        return fromCheckpoint;
    }
}
