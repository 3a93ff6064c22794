package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's tensors in layer groups: what weight forensics aggregate over and what a swap model exchanges
 * (PROTOCOL.md, "where knowledge lives" and "weight forensics").
 *
 * <ul>
 *   <li>mergelab's ResNets, recognised when every tensor name starts with {@code conv1.}, {@code bn1.},
 *       {@code layerK.} or {@code fc.} and {@code conv1} and {@code fc} are there: {@code stem} (conv1, bn1), one
 *       group per stage ({@code layer1}, {@code layer2}, ...), {@code fc}, in that order.
 *   <li>Any other model: {@code layers.N} for the tensors of layer N, found in the name as
 *       {@link LayerPositions#DEFAULT_PATTERN} finds it ({@code layers.N.}, {@code h.N.}, {@code layer.N.},
 *       {@code blocks.N.}), in the order of N, then {@code other} for every tensor outside the layers (embeddings,
 *       final norm, head).
 * </ul>
 *
 * A BatchNorm layer's running statistics are in the group of its layer, so they travel with it in a swap.
 */
public final class LayerGroups {

    /** The group of a ResNet's first convolution and its BatchNorm. */
    public static final String STEM = "stem";
    /** The group of a ResNet's classifier. */
    public static final String CLASSIFIER = "fc";
    /** The group of a layered model's tensors outside its layers. */
    public static final String OTHER = "other";

    private static final Pattern RESNET_NAME = Pattern.compile("^(conv1|bn1|fc|layer(\\d+))\\.");
    private static final Pattern LAYER_INDEX = Pattern.compile(LayerPositions.DEFAULT_PATTERN);
    private static final Set<String> RUNNING_STATISTICS = Set.of("running_mean", "running_var", "num_batches_tracked");

    private final Map<String, String> groupOfTensor;
    private final List<String> groups;

    private LayerGroups(Map<String, String> groupOfTensor, List<String> groups) {
        this.groupOfTensor = groupOfTensor;
        this.groups = groups;
    }

    /** The groups of a model whose tensors are {@code tensorNames}; see the class Javadoc. */
    public static LayerGroups of(Collection<String> tensorNames) {
        boolean resnet = !tensorNames.isEmpty() && tensorNames.stream().allMatch(n -> RESNET_NAME.matcher(n).find())
                && tensorNames.stream().anyMatch(n -> n.startsWith("conv1."))
                && tensorNames.stream().anyMatch(n -> n.startsWith("fc."));
        Map<String, String> groupOfTensor = new LinkedHashMap<>();
        TreeMap<Integer, String> numbered = new TreeMap<>();
        boolean first = false;
        boolean last = false;
        for (String name : tensorNames) {
            String group;
            if (resnet) {
                Matcher m = RESNET_NAME.matcher(name);
                m.find();
                group = switch (m.group(1)) {
                    case "conv1", "bn1" -> STEM;
                    case "fc" -> CLASSIFIER;
                    default -> m.group(1);
                };
                if (m.group(2) != null) {
                    numbered.put(stageNumber(name, m.group(2)), group);
                }
                first |= group.equals(STEM);
                last |= group.equals(CLASSIFIER);
            } else {
                OptionalInt index = layerIndex(name);
                group = index.isPresent() ? "layers." + index.getAsInt() : OTHER;
                index.ifPresent(i -> numbered.put(i, "layers." + i));
                last |= group.equals(OTHER);
            }
            groupOfTensor.put(name, group);
        }
        List<String> groups = new ArrayList<>();
        if (first) {
            groups.add(STEM);
        }
        groups.addAll(numbered.values());
        if (last) {
            groups.add(resnet ? CLASSIFIER : OTHER);
        }
        return new LayerGroups(groupOfTensor, List.copyOf(groups));
    }

    private static int stageNumber(String name, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tensor '" + name + "': stage number " + digits + " is too large");
        }
    }

    private static OptionalInt layerIndex(String name) {
        Matcher m = LAYER_INDEX.matcher(name);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tensor '" + name + "': layer index " + m.group(1) + " is too large");
        }
    }

    /**
     * Whether {@code tensorName} is a BatchNorm running statistic ({@code running_mean}, {@code running_var},
     * {@code num_batches_tracked}): estimated from data, not trained, so no part of a task vector.
     */
    public static boolean isRunningStatistic(String tensorName) {
        int dot = tensorName.lastIndexOf('.');
        return RUNNING_STATISTICS.contains(dot < 0 ? tensorName : tensorName.substring(dot + 1));
    }

    /** The group names in model order. */
    public List<String> names() {
        return groups;
    }

    /**
     * The group of a tensor of this model.
     *
     * @throws IllegalArgumentException naming a tensor the model does not have
     */
    public String groupOf(String tensorName) {
        String group = groupOfTensor.get(tensorName);
        if (group == null) {
            throw new IllegalArgumentException("tensor '" + tensorName + "' is not among the model's "
                    + groupOfTensor.size() + " tensors");
        }
        return group;
    }

    /**
     * Requires every name in {@code groupNames} to be a group of this model; the message names the unknown group
     * and lists the known ones.
     */
    public void requireKnown(Collection<String> groupNames) {
        for (String g : groupNames) {
            if (!groups.contains(g)) {
                throw new IllegalArgumentException("unknown layer group '" + g + "'; this model has " + groups);
            }
        }
    }
}
