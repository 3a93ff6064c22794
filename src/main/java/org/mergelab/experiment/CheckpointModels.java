package org.mergelab.experiment;

import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.model.Network;

/**
 * Reads checkpoints and rebuilds the network of one that mergelab trained, from its {@link TrainingRecipe}
 * (which also gives its input normalisation and cue settings).
 */
public final class CheckpointModels {

    private CheckpointModels() {}

    /**
     * Reads a checkpoint.
     *
     * @throws java.io.UncheckedIOException naming the file when it is missing, truncated or corrupt
     */
    public static Checkpoint read(java.nio.file.Path file) {
        try {
            return org.mergelab.checkpoint.CheckpointStore.read(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Fails, naming both, when the checkpoint's class count differs from the dataset's. */
    public static void requireClasses(Checkpoint checkpoint, String source, String datasetSpec, int datasetClasses) {
        int classes = numClasses(checkpoint, source);
        if (classes != datasetClasses) {
            throw new IllegalArgumentException(source + ": has " + classes + " classes, dataset '" + datasetSpec + "' has "
                    + datasetClasses);
        }
    }

    /** Number of classes: rows of {@code fc.weight}. */
    public static int numClasses(Checkpoint checkpoint, String source) {
        if (!checkpoint.tensors().contains("fc.weight")) {
            throw new IllegalArgumentException(source + ": no tensor 'fc.weight' (not a mergelab ResNet)");
        }
        return Math.toIntExact(checkpoint.tensors().get("fc.weight").shape()[0]);
    }

    /** A network holding the checkpoint's tensors; the caller closes it. */
    public static Network open(Checkpoint checkpoint, String source) {
        Network network = Network.create(TrainingRecipe.of(checkpoint.lineage(), source).model(), numClasses(checkpoint, source), 0);
        try {
            network.load(checkpoint.tensors());
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
