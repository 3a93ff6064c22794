package org.mergelab.merge;

import java.util.Collection;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where a tensor sits among a model's N layers, as the position t in [0, 1] that gradients are evaluated at. The
 * rule is mergekit's planner ({@code plan.MergePlanner}): layer i of N has t = i / (N − 1) (t = 1 when N = 1);
 * tensors before the layers (the embeddings) have t = 0 and tensors after them (final norm, lm_head) t = 1.
 *
 * <p>mergekit knows each architecture's tensors; mergelab reads the names. The layer index is the number in the
 * first match of {@code layers.N.}, {@code h.N.}, {@code layer.N.} or {@code blocks.N.} (each preceded by the start
 * of the name or a dot, and followed by a dot or the end), or of the recipe's {@code layer_pattern}, a regular
 * expression whose first group is the index. A tensor without a layer index is before the layers when its name
 * contains {@code embed} or is GPT-2's {@code wte} or {@code wpe} (a name part), and after them otherwise. N is the
 * config's layer count when given ({@code num_hidden_layers}, {@code n_layer} or {@code num_layers} of the
 * {@code config.json} the merge copies), otherwise one more than the largest index among the names.
 */
final class LayerPositions {

    /** mergelab's default layer index pattern. */
    static final String DEFAULT_PATTERN = "(?:^|\\.)(?:layers|h|layer|blocks)\\.(\\d+)(?:\\.|$)";
    private static final Pattern INPUT_SIDE = Pattern.compile("embed|(?:^|\\.)(?:wte|wpe)(?:\\.|$)");

    private final Pattern pattern;
    private final int layers;

    private LayerPositions(Pattern pattern, int layers) {
        this.pattern = pattern;
        this.layers = layers;
    }

    /** Compiles a recipe's {@code layer_pattern}; the error names the pattern. */
    static Pattern compile(String layerPattern) {
        try {
            Pattern p = Pattern.compile(layerPattern);
            if (p.matcher("").groupCount() < 1) {
                throw new IllegalArgumentException("layer_pattern '" + layerPattern
                        + "' has no group; its first group must capture the layer index, e.g. 'blocks\\.(\\d+)\\.'");
            }
            return p;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("layer_pattern '" + layerPattern + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    /**
     * The positions of {@code names} (a model's tensors).
     *
     * @param configLayers the config's layer count, or null when there is none
     * @param configWhere names the config in errors (its file)
     * @throws IllegalArgumentException when a name's index is not below the config's count
     */
    static LayerPositions of(Collection<String> names, Pattern pattern, Integer configLayers, String configWhere) {
        int largest = -1;
        String largestName = null;
        for (String name : names) {
            OptionalInt index = index(pattern, name);
            if (index.isPresent() && index.getAsInt() > largest) {
                largest = index.getAsInt();
                largestName = name;
            }
        }
        if (configLayers != null) {
            if (largest >= configLayers) {
                throw new IllegalArgumentException("tensor '" + largestName + "' is in layer " + largest + " but "
                        + configWhere + " says the model has " + configLayers + " layers");
            }
            return new LayerPositions(pattern, configLayers);
        }
        return new LayerPositions(pattern, largest + 1);
    }

    private static OptionalInt index(Pattern pattern, String name) {
        Matcher m = pattern.matcher(name);
        if (!m.find() || m.group(1) == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer_pattern '" + pattern.pattern() + "' captures '" + m.group(1)
                    + "' in tensor '" + name + "', which is not a layer number");
        }
    }

    /** The number of layers N. */
    int layers() {
        return layers;
    }

    /** The tensor's layer index, or empty for tensors outside the layers. */
    OptionalInt layerIndex(String name) {
        return index(pattern, name);
    }

    /** True for a tensor outside the layers that comes before them (the embeddings); see the class Javadoc. */
    boolean beforeLayers(String name) {
        return index(pattern, name).isEmpty() && INPUT_SIDE.matcher(name).find();
    }

    /** {@code name} with its layer index (the pattern's first group) replaced by {@code layer}. */
    String withLayer(String name, int layer) {
        Matcher m = pattern.matcher(name);
        if (!m.find() || m.group(1) == null) {
            throw new IllegalArgumentException("tensor '" + name + "' has no layer index");
        }
        return name.substring(0, m.start(1)) + layer + name.substring(m.end(1));
    }

    /** The tensor's position t in [0, 1]; see the class Javadoc. */
    double t(String name) {
        OptionalInt index = index(pattern, name);
        if (index.isEmpty()) {
            return INPUT_SIDE.matcher(name).find() ? 0.0 : 1.0;
        }
        return layers > 1 ? (double) index.getAsInt() / (layers - 1) : 1.0;
    }
}
