package org.mergelab.experiment;

import java.nio.file.Path;

/**
 * A unit of work of an experiment, keyed by everything that determines its result. Its output is
 * written atomically under a fixed name; a unit whose output exists with the same key is reused.
 */
public sealed interface Unit permits Unit.Train, Unit.ProbeCheckpoint, Unit.Merge {

    /** A readable name, unique in the plan (e.g. {@code seed0/t1}). */
    String name();

    /** The unit key (hex SHA-256). */
    String key();

    /** The file the unit writes. */
    Path output();

    /** Images through the network: a cost measure for estimates. */
    long trainImages();

    /** Images through the network in inference: a cost measure for estimates. */
    long evalImages();

    /**
     * Training of one task.
     *
     * @param seed the run's seed
     * @param training the task training (data, config, init supplied when run)
     * @param task the task
     * @param parent the unit whose checkpoint this starts from, or null for pre-training
     */
    record Train(String name, String key, Path output, long trainImages, long evalImages, long seed, TaskSpec task,
            boolean finetune, Train parent) implements Unit {}

    /** Probe accuracies of one checkpoint (the pre-trained model of a seed). */
    record ProbeCheckpoint(String name, String key, Path output, long trainImages, long evalImages, long seed, Train checkpoint)
            implements Unit {}

    /** Interpolation of two checkpoints over the alpha grid, probed at every alpha. */
    record Merge(String name, String key, Path output, long trainImages, long evalImages, long seed, String protocol,
            String regime, String bnPolicy, Train first, Train second, String firstCue, String secondCue) implements Unit {}
}
