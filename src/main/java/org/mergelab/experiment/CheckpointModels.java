package org.mergelab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.data.Normalization;
import org.mergelab.lineage.Lineage;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;

/** Rebuilds the network and input normalisation of a checkpoint that mergelab trained. */
public final class CheckpointModels {

    private CheckpointModels() {}

    /** The architecture recorded in a checkpoint's lineage (its own, or its first parent's). */
    public static ModelSpec modelSpec(Lineage lineage, String source) {
        JsonNode model = configNode(lineage, "model");
        if (model == null) {
            throw new IllegalArgumentException(source + ": the lineage records no model (not trained by mergelab?)");
        }
        return new ModelSpec(model.path("architecture").asText("resnet"), model.path("depth").asInt(20),
                model.path("width").asInt(16));
    }

    /** The normalisation recorded in a checkpoint's lineage. */
    public static Normalization normalization(Lineage lineage, String source) {
        JsonNode n = configNode(lineage, "normalization");
        if (n == null || n.path("mean").size() != 3 || n.path("std").size() != 3) {
            throw new IllegalArgumentException(source + ": the lineage records no input normalisation");
        }
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) n.path("mean").get(c).asDouble();
            std[c] = (float) n.path("std").get(c).asDouble();
        }
        return Normalization.of(mean, std);
    }

    /** The cue seed recorded in a checkpoint's lineage (the nearest one that has it), or 0. */
    public static long cueSeed(Lineage lineage) {
        JsonNode n = configNode(lineage, "cue_seed");
        return n == null ? 0L : n.asLong();
    }

    /** The cue settings recorded in a checkpoint's lineage, or none. */
    public static java.util.Map<String, org.mergelab.data.CueSettings> cueSettings(Lineage lineage) {
        JsonNode n = configNode(lineage, "cues");
        if (n == null || !n.isObject()) {
            return java.util.Map.of();
        }
        java.util.Map<String, org.mergelab.data.CueSettings> out = new java.util.TreeMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(),
                org.mergelab.config.ConfigReader.convert(e.getValue(), org.mergelab.data.CueSettings.class, "lineage cues")));
        return out;
    }

    private static JsonNode configNode(Lineage lineage, String key) {
        for (Lineage l = lineage; l != null; l = l.parents().isEmpty() ? null : l.parents().get(0)) {
            if (l.config() != null && l.config().has(key)) {
                return l.config().get(key);
            }
        }
        return null;
    }

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
        Network network = Network.create(modelSpec(checkpoint.lineage(), source), numClasses(checkpoint, source), 0);
        try {
            network.load(checkpoint.tensors());
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
