package org.mergelab.merge;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorLayout;

/**
 * Swap models for "where knowledge lives" (PROTOCOL.md): an endpoint with some of its {@link LayerGroups layer groups}
 * taken from the other endpoint. Every tensor of a swapped group comes from the other endpoint, its BatchNorm running
 * statistics included (they are named in the group), and every other tensor from the own endpoint; nothing is
 * recalibrated. Swapping every group gives the other endpoint, swapping none the own one.
 */
public final class LayerSwap {

    private LayerSwap() {}

    /**
     * {@code own} with the tensors of {@code groups} from {@code other}, in {@code own}'s order.
     *
     * @throws IllegalArgumentException when the endpoints differ in tensor names, shapes or dtypes (naming the tensor),
     *     or a group is not one of the model's (naming it and listing the model's groups)
     */
    public static NamedTensors swapGroups(NamedTensors own, NamedTensors other, Collection<String> groups) {
        TensorLayout.requireSame(TensorLayout.of("the own endpoint", own), TensorLayout.of("the other endpoint", other),
                TensorLayout.DTypes.SAME);
        LayerGroups layerGroups = LayerGroups.of(own.names());
        layerGroups.requireKnown(groups);
        Set<String> swapped = Set.copyOf(groups);
        NamedTensors result = new NamedTensors();
        for (Map.Entry<String, Tensor> e : own) {
            String name = e.getKey();
            result.put(name, swapped.contains(layerGroups.groupOf(name)) ? other.get(name) : e.getValue());
        }
        return result;
    }
}
