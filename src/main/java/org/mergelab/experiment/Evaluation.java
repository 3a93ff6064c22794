package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.data.CueSettings;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.model.Network;
import org.mergelab.engine.TorchEngine;

/** What {@code mergelab eval} does: probe accuracies of one checkpoint on a dataset's test set. */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Probe accuracies.
     *
     * @param checkpointId the checkpoint's id
     * @param accuracy probe to count, in the order asked
     * @param testImages images per probe
     */
    public record Outcome(String checkpointId, Map<String, Probes.Count> accuracy, int testImages) {}

    /**
     * Evaluates a checkpoint.
     *
     * @param file the checkpoint
     * @param datasetSpec the dataset (its test set is used)
     * @param probes probe names
     * @param testSize a seeded subset size, or null for all
     * @param testSubsetSeed the seed of that subset (an experiment's {@code test_subset_seed}; 0 by default)
     * @param cueSeed the cue seed the probes use, or null for the one in the checkpoint's lineage
     * @param cueSettings settings per cue kind that replace the lineage's for that kind (an experiment's
     *     {@code cues}); empty to keep the lineage's
     * @param threads PyTorch threads
     */
    public static Outcome run(Path file, String datasetSpec, List<String> probes, Integer testSize, long testSubsetSeed,
            Long cueSeed, Map<String, CueSettings> cueSettings, int threads) {
        Checkpoint checkpoint = CheckpointModels.read(file);
        ImageDataset test;
        try {
            test = DatasetSpec.parse(datasetSpec).test();
        } catch (IOException e) {
            throw new UncheckedIOException("dataset '" + datasetSpec + "': " + e.getMessage(), e);
        }
        CheckpointModels.requireClasses(checkpoint, file.toString(), datasetSpec, test.numClasses());
        int[] ids = DataContext.testIds(test, testSize, testSubsetSeed, "--test-size of dataset '" + datasetSpec + "'");
        TorchEngine.useThreads(threads);
        TrainingRecipe recipe = TrainingRecipe.of(checkpoint.lineage(), file.toString());
        long seed = cueSeed != null ? cueSeed : recipe.cueSeed();
        Map<String, CueSettings> cues = new TreeMap<>(recipe.cues());
        cues.putAll(cueSettings);
        ProbeSet set = ProbeSet.build(test, ids, probes, seed, cues, recipe.normalization().toNormalization());
        try (Network network = CheckpointModels.open(checkpoint, file.toString())) {
            return new Outcome(checkpoint.id(), Probes.evaluate(network, set), ids.length);
        }
    }
}
