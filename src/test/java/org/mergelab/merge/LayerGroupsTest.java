package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerGroupsTest {

    @Test
    void resnetGroupsAreStemStagesAndClassifierWithTheirBatchNormStatistics() {
        LayerGroups g = LayerGroups.of(List.of("conv1.weight", "bn1.weight", "bn1.running_var", "layer1.0.conv1.weight",
                "layer2.0.shortcut.1.running_mean", "layer10.0.bn2.bias", "layer3.1.bn1.weight", "fc.weight", "fc.bias"));
        assertThat(g.names()).containsExactly("stem", "layer1", "layer2", "layer3", "layer10", "fc");
        assertThat(g.groupOf("bn1.running_var")).isEqualTo("stem");
        assertThat(g.groupOf("layer2.0.shortcut.1.running_mean")).isEqualTo("layer2");
        assertThat(g.groupOf("fc.bias")).isEqualTo("fc");
    }

    @Test
    void otherModelsAreGroupedByLayerIndexThenOther() {
        LayerGroups g = LayerGroups.of(List.of("model.embed_tokens.weight", "model.layers.10.mlp.up_proj.weight",
                "model.layers.2.self_attn.q_proj.weight", "model.norm.weight", "lm_head.weight"));
        assertThat(g.names()).containsExactly("layers.2", "layers.10", "other");
        assertThat(g.groupOf("model.layers.10.mlp.up_proj.weight")).isEqualTo("layers.10");
        assertThat(g.groupOf("lm_head.weight")).isEqualTo("other");
        // a ResNet-like name among others does not make a ResNet
        assertThat(LayerGroups.of(List.of("conv1.weight", "fc.weight", "head.weight")).names())
                .containsExactly("other");
    }

    @Test
    void runningStatisticsAreRecognisedByTheirLastNamePart() {
        assertThat(LayerGroups.isRunningStatistic("layer1.0.bn1.running_mean")).isTrue();
        assertThat(LayerGroups.isRunningStatistic("bn1.running_var")).isTrue();
        assertThat(LayerGroups.isRunningStatistic("bn1.num_batches_tracked")).isTrue();
        assertThat(LayerGroups.isRunningStatistic("bn1.weight")).isFalse();
        assertThat(LayerGroups.isRunningStatistic("running_mean_head.weight")).isFalse();
    }

    @Test
    void unknownGroupsAndTensorsAreNamed() {
        LayerGroups g = LayerGroups.of(List.of("conv1.weight", "fc.weight"));
        assertThatThrownBy(() -> g.requireKnown(List.of("layer9"))).hasMessageContainingAll("'layer9'", "[stem, fc]");
        assertThatThrownBy(() -> g.groupOf("nope.weight")).hasMessageContaining("'nope.weight'");
    }
}
