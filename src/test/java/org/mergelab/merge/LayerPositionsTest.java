package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LayerPositionsTest {

    private static final Pattern DEFAULT = LayerPositions.compile(LayerPositions.DEFAULT_PATTERN);

    @Test
    void layersSpreadOverZeroToOneAndOutsideTensorsSitAtTheEnds() {
        List<String> names = List.of("model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight",
                "model.layers.1.mlp.up_proj.weight", "model.layers.4.self_attn.q_proj.weight", "model.norm.weight",
                "lm_head.weight");
        LayerPositions positions = LayerPositions.of(names, DEFAULT, null, "no config");
        assertThat(positions.layers()).isEqualTo(5); // largest index 4, from the names
        assertThat(positions.t("model.layers.1.mlp.up_proj.weight")).isEqualTo(0.25);
        assertThat(positions.t("model.layers.4.self_attn.q_proj.weight")).isEqualTo(1.0);
        assertThat(positions.t("model.embed_tokens.weight")).isEqualTo(0.0);
        assertThat(positions.t("model.norm.weight")).isEqualTo(1.0);
        assertThat(positions.t("lm_head.weight")).isEqualTo(1.0);
        // the config's count wins: layer 1 of 9 is at 1/8
        assertThat(LayerPositions.of(names, DEFAULT, 9, "config.json").t("model.layers.1.mlp.up_proj.weight"))
                .isEqualTo(0.125);
    }

    @Test
    void theDefaultPatternKnowsGpt2BertAndBlockNamesButNotResNetStages() {
        LayerPositions positions = LayerPositions.of(List.of("transformer.h.2.attn.c_attn.weight"), DEFAULT, 3, "c");
        assertThat(positions.layerIndex("transformer.h.2.attn.c_attn.weight")).hasValue(2);
        assertThat(positions.layerIndex("bert.encoder.layer.11.output.dense.weight")).hasValue(11);
        assertThat(positions.layerIndex("blocks.3.norm1.weight")).hasValue(3);
        assertThat(positions.layerIndex("layer1.0.conv1.weight")).isEmpty();
        assertThat(positions.layerIndex("model.layers.10")).hasValue(10);
        assertThat(positions.t("transformer.wte.weight")).isEqualTo(0.0);
        assertThat(positions.t("transformer.wpe.weight")).isEqualTo(0.0);
        assertThat(positions.t("transformer.ln_f.weight")).isEqualTo(1.0);
    }

    @Test
    void aSingleLayerIsAtOneAndAnIndexBeyondTheConfigIsAnError() {
        assertThat(LayerPositions.of(List.of("layers.0.w"), DEFAULT, null, "none").t("layers.0.w")).isEqualTo(1.0);
        assertThatThrownBy(() -> LayerPositions.of(List.of("model.layers.3.w"), DEFAULT, 2, "base/config.json"))
                .hasMessageContainingAll("'model.layers.3.w'", "layer 3", "base/config.json", "2 layers");
    }

    @Test
    void aRecipePatternNeedsAGroupThatCapturesANumber() {
        assertThatThrownBy(() -> LayerPositions.compile("blocks\\.\\d+")).hasMessageContaining("no group");
        assertThatThrownBy(() -> LayerPositions.compile("blocks\\.(\\d+")).hasMessageContaining("not a regular");
        Pattern words = LayerPositions.compile("stage_(\\w+)\\.");
        assertThatThrownBy(() -> LayerPositions.of(List.of("stage_a.w"), words, null, "none"))
                .hasMessageContainingAll("'a'", "'stage_a.w'");
    }
}
