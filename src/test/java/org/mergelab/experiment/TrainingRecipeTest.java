package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mergelab.config.ConfigException;
import org.mergelab.data.CueSettings;
import org.mergelab.lineage.Lineage;
import org.mergelab.model.ModelSpec;
import org.mergelab.train.TrainConfig;

/** The recipe in a trained checkpoint's lineage is written as a record and read back completely and strictly. */
class TrainingRecipeTest {

    private static TrainingRecipe recipe() {
        return new TrainingRecipe("builtin:size=240", new ModelSpec("resnet", 8, 4), TrainConfig.defaults().withEpochs(3), "t1", 7L,
                Map.of("color", new CueSettings(8, null, null, null)),
                new TrainingRecipe.NormalizationRecord(new float[] {0.5f, 0.25f, 0.125f}, new float[] {0.2f, 0.3f, 0.4f}));
    }

    private static Lineage lineage(String kind, com.fasterxml.jackson.databind.JsonNode config) {
        return Lineage.builder().setKind(kind).optConfig(config).build();
    }

    @Test
    void aRecipeSurvivesTheLineageFileUnchanged() {
        Lineage written = lineage("finetune", recipe().toTree());
        Lineage read = Lineage.fromJson(written.toJson());
        assertThat(TrainingRecipe.of(read, "x.safetensors")).isEqualTo(recipe());
    }

    @Test
    void aMergeOfTrainedCheckpointsHasItsFirstInputsRecipe() {
        Lineage trained = lineage("finetune", recipe().toTree()).withCheckpointId("a".repeat(64));
        Lineage merged = Lineage.builder().setKind("merge").optConfig(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("merge_method", "linear")).addParent(trained).build();
        assertThat(TrainingRecipe.of(merged, "m.safetensors").model()).isEqualTo(new ModelSpec("resnet", 8, 4));
    }

    @Test
    void aMissingKeyIsAnErrorNamingItNotADefault() {
        ObjectNode tree = (ObjectNode) recipe().toTree();
        ((ObjectNode) tree.get("model")).remove("depth"); // once read as ResNet-20 without a word
        assertThatThrownBy(() -> TrainingRecipe.of(lineage("pretrain", tree), "theta0.safetensors"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("theta0.safetensors")
                .hasMessageContaining("missing key 'model.depth'");
        ObjectNode noNormalization = (ObjectNode) recipe().toTree();
        noNormalization.remove("normalization");
        assertThatThrownBy(() -> TrainingRecipe.of(lineage("pretrain", noNormalization), "theta0.safetensors"))
                .hasMessageContaining("normalization");
    }

    @Test
    void anUnknownKeyIsAnError() {
        ObjectNode tree = (ObjectNode) recipe().toTree();
        tree.put("learning_rate", 0.1);
        assertThatThrownBy(() -> TrainingRecipe.of(lineage("finetune", tree), "t.safetensors"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'learning_rate'");
    }

    @Test
    void aLineageWithoutTrainingSaysSo() {
        Lineage imported = Lineage.builder().setKind("import").build();
        assertThatThrownBy(() -> TrainingRecipe.of(imported, "hub.safetensors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hub.safetensors: the lineage records no training recipe");
    }
}
