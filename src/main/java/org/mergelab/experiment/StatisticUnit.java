package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.config.Seeds;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cues;
import org.mergelab.data.Splits;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * A data statistic of one endpoint on its own training task, for the merge methods that read one (the diagonal
 * Fisher of {@code fisher}, the input Gram matrices of {@code regmean}): {@code samples} images drawn (seeded) from
 * the endpoint's split with its cue, as {@code mergelab fisher} / {@code mergelab gram} estimate them. Its output is
 * a safetensors file like theirs, with the unit key in its metadata.
 *
 * @param name readable name, e.g. {@code seed0/theta1/fisher}
 * @param key the unit key
 * @param output the safetensors file
 * @param seed the run's seed
 * @param statistic which statistic
 * @param endpoint the unit of the checkpoint
 * @param samples images averaged over
 */
public record StatisticUnit(String name, String key, Path output, long seed, DataStatisticsRun.Statistic statistic,
        TrainingUnit endpoint, int samples) implements ExperimentUnit {

    /** The metadata key of the unit key in the output. */
    static final String UNIT_KEY = "mergelab_unit_key";

    /** Requires every part. */
    public StatisticUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public long evalImages() {
        // per-sample gradients cost about three forward passes
        return statistic == DataStatisticsRun.Statistic.FISHER_DIAGONAL ? 3L * samples : samples;
    }

    @Override
    public List<TrainingUnit> dependencies() {
        return List.of(endpoint);
    }

    @Override
    public boolean isDone() {
        return key.equals(keyOf(output));
    }

    /** The unit key in a statistic file's metadata, or null when the file is missing or is not one. */
    static String keyOf(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return null;
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.metadata().get(UNIT_KEY);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        ExperimentConfig config = context.config();
        DataContext data = context.data();
        Checkpoint checkpoint = context.checkpoint(endpoint);
        TaskSpec task = endpoint.task();
        int[] ids = task.ids(data.train().size(), Seeds.derive(seed, "split"));
        int[] chosen = Splits.subset(ids.length, Math.min(samples, ids.length), Seeds.derive(seed, "statistic/" + task.name()));
        int[] picked = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            picked[i] = ids[chosen[i]];
        }
        BatchStream.Builder b = BatchStream.builder().setDataset(data.train()).optIds(picked).setBatchSize(64)
                .optNormalization(data.normalization());
        if (task.hasCue()) {
            b.optCue(Cues.byName(task.cue(), data.numClasses(), config.cueSeed(), config.cues()));
        }
        List<Batch> batches = new ArrayList<>();
        b.build().epoch(0).forEach(batches::add);
        DataStatisticsRun.Estimate estimate;
        try (Network network = CheckpointModels.open(checkpoint, endpoint.output().toString())) {
            estimate = statistic.estimate(network, batches);
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        try {
            java.nio.file.Files.createDirectories(output.getParent());
            SafetensorsWriter.write(output, estimate.tensors(), Map.of(
                    "format", statistic.format(),
                    "format_version", "1",
                    "checkpoint_id", checkpoint.id(),
                    "dataset", config.dataset(),
                    "cue", task.cue(),
                    "samples", Long.toString(estimate.samples()),
                    UNIT_KEY, key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        return estimate.tensors().size() + " tensors over " + estimate.samples() + " images";
    }

    /** The statistic's tensors. */
    NamedTensors tensors() {
        try (TensorSource source = TensorSource.open(output)) {
            return source.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + output + ": " + e.getMessage(), e);
        }
    }
}
