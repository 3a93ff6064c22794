package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.OutputFile;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cues;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Splits;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.eval.FisherEstimation;
import org.mergelab.eval.GramEstimation;
import org.mergelab.model.Network;
import org.mergelab.train.Trainer;
import org.mergelab.engine.TorchEngine;

/**
 * What {@code mergelab fisher} and {@code mergelab gram} do: a statistic of a mergelab checkpoint on a seeded sample of
 * a dataset's training images (with a cue, for a cue task), written as a safetensors file: the diagonal Fisher, with
 * the checkpoint's tensor names (the per-model {@code fisher:} file of a {@code merge_method: fisher} recipe), or
 * the input Gram matrices of its linear maps under their weights' names (the per-model {@code gram:} file of a
 * {@code merge_method: regmean} recipe).
 */
public final class DataStatisticsRun {

    /** Which statistic, with the {@code format} metadata of its files. */
    public enum Statistic {
        /** {@link FisherEstimation}: per-sample squared gradients, every tensor. */
        FISHER_DIAGONAL("fisher", "mergelab-fisher"),
        /** {@link GramEstimation}: the input Gram matrix of every convolution and linear weight. */
        INPUT_GRAM("gram", "mergelab-gram");

        private final String command;
        private final String format;

        Statistic(String command, String format) {
            this.command = command;
            this.format = format;
        }

        /** The command that writes it. */
        public String command() {
            return command;
        }

        /** The {@code format} metadata of its files. */
        String format() {
            return format;
        }

        Estimate estimate(Network network, List<Batch> batches) {
            return switch (this) {
                case FISHER_DIAGONAL -> {
                    FisherEstimation.Result r = FisherEstimation.estimate(network, batches);
                    yield new Estimate(r.fisher(), r.samples());
                }
                case INPUT_GRAM -> {
                    GramEstimation.Result r = GramEstimation.estimate(network, batches);
                    yield new Estimate(r.grams(), r.samples());
                }
            };
        }
    }

    /**
     * What was written.
     *
     * @param tensors tensor name to statistic
     * @param samples images averaged over
     */
    public record Estimate(NamedTensors tensors, long samples) {}

    private DataStatisticsRun() {}

    /**
     * Estimates and writes a statistic.
     *
     * @param statistic which one
     * @param checkpointFile the model
     * @param datasetSpec the data (training set)
     * @param cue a cue name, or null / "none"
     * @param samples images to average over (a seeded subset)
     * @param seed seed of the subset
     * @param threads PyTorch threads
     * @param out the safetensors file to write
     * @return the estimate
     */
    public static Estimate run(Statistic statistic, Path checkpointFile, String datasetSpec, String cue, int samples,
            long seed, int threads, Path out) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " is below 1");
        }
        OutputFile target = OutputFile.claim(out, List.of(checkpointFile), file -> isFileOf(statistic, file),
                statistic.command());
        Checkpoint checkpoint = CheckpointModels.read(checkpointFile);
        ImageDataset train;
        try {
            train = DatasetSpec.parse(datasetSpec).train();
        } catch (IOException e) {
            throw new UncheckedIOException("dataset '" + datasetSpec + "': " + e.getMessage(), e);
        }
        CheckpointModels.requireClasses(checkpoint, checkpointFile.toString(), datasetSpec, train.numClasses());
        int classes = train.numClasses();
        TrainingRecipe recipe = TrainingRecipe.of(checkpoint.lineage(), checkpointFile.toString());
        BatchStream.Builder b = BatchStream.builder()
                .setDataset(train)
                .optIds(Splits.subset(train.size(), Math.min(samples, train.size()), seed))
                .setBatchSize(64)
                .optNormalization(recipe.normalization().toNormalization());
        if (cue != null && !cue.equals("none")) {
            b.optCue(Cues.byName(cue, classes, recipe.cueSeed(), recipe.cues()));
        }
        List<Batch> batches = new ArrayList<>();
        b.build().epoch(0).forEach(batches::add);
        TorchEngine.useThreads(threads);
        Estimate result;
        try (Network network = CheckpointModels.open(checkpoint, checkpointFile.toString())) {
            result = statistic.estimate(network, batches);
        }
        try {
            target.createParents();
            SafetensorsWriter.write(target.path(), result.tensors(), Map.of(
                    "format", statistic.format(),
                    "format_version", "1",
                    "checkpoint_id", checkpoint.id(),
                    "dataset", datasetSpec,
                    "cue", cue == null ? "none" : cue,
                    "samples", Long.toString(result.samples()),
                    "seed", Long.toString(seed)));
        } catch (IOException e) {
            target.removeCreatedParents();
            throw new UncheckedIOException(e.getMessage(), e); // names the file and the reason
        }
        return result;
    }

    /** True for a file this command wrote (safetensors with the statistic's {@code format}), which it may replace. */
    static boolean isFileOf(Statistic statistic, Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return statistic.format().equals(reader.metadata().get("format"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
