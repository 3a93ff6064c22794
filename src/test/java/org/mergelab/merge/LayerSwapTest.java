package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;

class LayerSwapTest {

    private static final List<String> NAMES = List.of("conv1.weight", "bn1.weight", "bn1.running_mean",
            "bn1.running_var", "layer1.0.conv1.weight", "layer1.0.bn1.running_mean", "layer2.0.shortcut.0.weight",
            "layer2.0.shortcut.1.running_var", "layer3.0.conv2.weight", "fc.weight", "fc.bias");

    /** Every tensor of the endpoint holds {@code value} plus its position, so each tensor says where it came from. */
    private static NamedTensors endpoint(float value) {
        NamedTensors t = new NamedTensors();
        for (int i = 0; i < NAMES.size(); i++) {
            t.put(NAMES.get(i), Tensor.ofFloats(new long[] {2}, new float[] {value + i, value - i}));
        }
        return t;
    }

    @Test
    void swappingEveryGroupGivesTheOtherEndpointAndNoneTheOwn() {
        NamedTensors own = endpoint(1);
        NamedTensors other = endpoint(100);
        List<String> all = LayerGroups.of(own.names()).names();
        assertThat(all).containsExactly("stem", "layer1", "layer2", "layer3", "fc");
        assertThat(LayerSwap.swapGroups(own, other, all)).isEqualTo(other);
        assertThat(LayerSwap.swapGroups(own, other, List.of())).isEqualTo(own);
    }

    @Test
    void aSwappedGroupBringsItsBatchNormStatistics() {
        NamedTensors own = endpoint(1);
        NamedTensors other = endpoint(100);
        NamedTensors swapped = LayerSwap.swapGroups(own, other, List.of("stem", "layer2"));
        assertThat(swapped.names()).isEqualTo(NAMES);
        for (String name : NAMES) {
            boolean fromOther = name.startsWith("conv1.") || name.startsWith("bn1.") || name.startsWith("layer2.");
            assertThat(swapped.get(name)).as(name).isEqualTo((fromOther ? other : own).get(name));
        }
    }

    @Test
    void unknownGroupsAndDifferentLayoutsAreNamed() {
        NamedTensors own = endpoint(1);
        assertThatThrownBy(() -> LayerSwap.swapGroups(own, endpoint(2), List.of("layer4")))
                .hasMessageContainingAll("'layer4'", "stem", "fc");
        NamedTensors shorter = new NamedTensors();
        shorter.put("conv1.weight", Tensor.ofFloats(new long[] {2}, new float[2]));
        assertThatThrownBy(() -> LayerSwap.swapGroups(own, shorter, List.of("stem")))
                .hasMessageContainingAll("'bn1.weight'", "the other endpoint");
    }
}
