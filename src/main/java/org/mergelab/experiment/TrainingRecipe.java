package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.CueSettings;
import org.mergelab.data.Normalization;
import org.mergelab.lineage.Lineage;
import org.mergelab.model.ModelSpec;
import org.mergelab.train.TrainConfig;

/**
 * What a trained checkpoint was trained with: the {@code config} of its lineage (kind {@code pretrain} or
 * {@code finetune}). Written by {@link TaskTraining} and read back strictly by {@link #of(Lineage, String)}:
 * a missing or unknown key is an error naming the checkpoint and the key, never a default.
 *
 * @param dataset the dataset spec
 * @param model the network
 * @param training the hyper-parameters
 * @param task the task's name ({@code pretrain}, {@code t1}, {@code t2}, ...)
 * @param cueSeed the seed of the cues' noise patterns and conflict derangement
 * @param cues settings per cue kind
 * @param normalization the input normalisation (the training set's, in the [0, 1] scale)
 */
@JsonPropertyOrder({"dataset", "model", "training", "task", "cue_seed", "cues", "normalization"})
public record TrainingRecipe(
        String dataset,
        ModelSpec model,
        TrainConfig training,
        String task,
        long cueSeed,
        Map<String, CueSettings> cues,
        NormalizationRecord normalization) {

    /** Lineage kinds whose config is a training recipe. */
    private static final List<String> TRAINING_KINDS = List.of("pretrain", "finetune");

    /** Requires every part. */
    public TrainingRecipe {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(normalization, "normalization");
        cues = cues == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(cues));
        Objects.requireNonNull(cues, "cues");
    }

    /**
     * Per-channel mean and standard deviation, three each.
     *
     * @param mean channel means in [0, 1]
     * @param std channel standard deviations
     */
    public record NormalizationRecord(float[] mean, float[] std) {

        /** Validates through {@link Normalization#of}. */
        public NormalizationRecord {
            Normalization.of(Objects.requireNonNull(mean, "mean"), Objects.requireNonNull(std, "std"));
            mean = mean.clone();
            std = std.clone();
        }

        /** Of a normalisation. */
        public static NormalizationRecord of(Normalization n) {
            return new NormalizationRecord(n.mean(), n.std());
        }

        /** As a normalisation. */
        public Normalization toNormalization() {
            return Normalization.of(mean, std);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NormalizationRecord r && java.util.Arrays.equals(mean, r.mean) && java.util.Arrays.equals(std, r.std);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(mean) + java.util.Arrays.hashCode(std);
        }

        @Override
        public String toString() {
            return "mean " + java.util.Arrays.toString(mean) + ", std " + java.util.Arrays.toString(std);
        }
    }

    /** The recipe as the lineage's {@code config} tree. */
    public JsonNode toTree() {
        return ConfigReader.toTree(this);
    }

    /**
     * The recipe of a checkpoint trained by mergelab: its own lineage's, or that of the nearest first parent that
     * was trained (a merge of mergelab checkpoints has the recipe of its first input).
     *
     * @param source names the checkpoint in messages
     * @throws IllegalArgumentException naming {@code source} when no lineage on that path was trained by mergelab
     * @throws org.mergelab.config.ConfigException naming {@code source} and the key when the recipe is incomplete or
     *     has an unknown key
     */
    public static TrainingRecipe of(Lineage lineage, String source) {
        for (Lineage l = lineage; l != null; l = l.parents().isEmpty() ? null : l.parents().get(0)) {
            if (TRAINING_KINDS.contains(l.kind()) && l.config() != null) {
                return ConfigReader.convertComplete(l.config(), TrainingRecipe.class, source + ": lineage config");
            }
        }
        throw new IllegalArgumentException(source + ": the lineage records no training recipe (not trained by mergelab?)");
    }
}
