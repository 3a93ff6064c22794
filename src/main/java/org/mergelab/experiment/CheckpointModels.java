package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.CheckpointFormatException;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.lineage.Lineage;
import org.mergelab.merge.RecipeMerge;
import org.mergelab.model.Network;

/**
 * Reads checkpoints and rebuilds the network of one that mergelab trained, from its {@link TrainingRecipe}
 * (which also gives its input normalisation and cue settings).
 */
public final class CheckpointModels {

    private CheckpointModels() {}

    /**
     * Reads a checkpoint: a mergelab checkpoint file, or the output of {@code mergelab merge} (its directory, or its
     * {@code model.safetensors}) with the {@value RecipeMerge#LINEAGE_FILE_NAME} that the merge wrote beside it. A
     * merge of mergelab checkpoints has their lineages as its parents, so its network and probe settings come from
     * its first input's training recipe.
     *
     * @throws java.io.UncheckedIOException naming the file when it is missing, truncated or corrupt
     */
    public static Checkpoint read(Path file) {
        try {
            Path lineageFile = mergeLineage(file);
            if (lineageFile == null) {
                return CheckpointStore.read(file);
            }
            Lineage lineage;
            try {
                lineage = Lineage.fromJson(Files.readString(lineageFile));
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(lineageFile + ": bad lineage: " + e.getMessage(), e);
            }
            if (!"merge".equals(lineage.kind())) {
                throw new CheckpointFormatException(lineageFile + ": lineage kind is '" + lineage.kind()
                        + "', expected 'merge' (the lineage that mergelab merge writes)");
            }
            try (TensorSource source = TensorSource.open(file)) {
                return new Checkpoint(source.readAll(), lineage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * The lineage file of a {@code mergelab merge} output at {@code path} (a directory, or a safetensors file in one
     * that is not a mergelab checkpoint), or null when {@code path} is not one.
     */
    private static Path mergeLineage(Path path) throws IOException {
        Path dir;
        if (Files.isDirectory(path)) {
            dir = path;
        } else if (Files.isRegularFile(path) && !isMergelabCheckpoint(path)) {
            dir = path.toAbsolutePath().getParent();
        } else {
            return null;
        }
        Path lineage = dir.resolve(RecipeMerge.LINEAGE_FILE_NAME);
        if (Files.isRegularFile(lineage)) {
            return lineage;
        }
        if (Files.isDirectory(path)) {
            throw new CheckpointFormatException(path + ": is a directory without " + RecipeMerge.LINEAGE_FILE_NAME
                    + ", so not an output of mergelab merge (give a mergelab checkpoint file, or such an output)");
        }
        return null; // CheckpointStore names what the file is not
    }

    private static boolean isMergelabCheckpoint(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return CheckpointStore.FORMAT.equals(reader.metadata().get("format"));
        } catch (IOException | RuntimeException e) {
            return true; // not readable as safetensors: CheckpointStore.read reports why, naming the file
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
