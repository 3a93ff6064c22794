package org.mergelab.merge;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One output slice of a {@code slices:} recipe (mergekit's {@code OutputSliceDefinition}): sources that each give a
 * layer range of a model, all of the same length; output layer k of the slice merges layer {@code from + k} of every
 * source with the recipe's method. Slices are stacked in order, so {@code passthrough} with one source per slice
 * builds a model from layer ranges of several models (a "frankenmerge").
 *
 * <pre>{@code
 * slices:
 *   - sources:
 *       - model: model_a
 *         layer_range: [0, 2]     # layers 0 and 1: [from, to), as mergekit
 *   - sources:
 *       - model: model_b
 *         layer_range: [1, 3]
 *         parameters: {weight: 0.5}   # per-model parameters of this source
 *     parameters: {t: 0.3}        # this slice's top-level parameters, over the recipe's
 * merge_method: passthrough
 * }</pre>
 *
 * <p>For a method with a base model, one source of every slice is the recipe's {@code base_model} and gives the base
 * tensors; for {@code slerp} that source is the t = 0 end. Every slice has the same number of sources (mergelab
 * merges every output tensor from the same number of inputs; mergekit allows the count to change between slices).
 *
 * @param models the merged sources, in merge order
 * @param base the base model's source, or null
 * @param parameters the slice's parameters: one settings map per entry of {@code models}, and the top-level
 *     settings (the recipe's, with the slice's own {@code parameters} over them)
 */
record RecipeSlice(List<Source> models, Source base, RecipeParameters parameters) {

    /**
     * One source of a slice (mergekit's {@code InputSliceDefinition}).
     *
     * @param model the model's path, as {@code models} entries
     * @param name the model as the recipe names it, for messages
     * @param from first layer
     * @param to one past the last layer
     */
    record Source(Path model, String name, int from, int to) {
        int layers() {
            return to - from;
        }

        String describe() {
            return "model '" + name + "' layer_range [" + from + ", " + to + "]";
        }
    }

    /** Copies. */
    RecipeSlice {
        models = List.copyOf(models);
    }

    /** The number of layers every source gives. */
    int layers() {
        return (base != null ? base : models.getFirst()).layers();
    }

    /** Every source: the models, then the base if any. */
    List<Source> sources() {
        List<Source> all = new ArrayList<>(models);
        if (base != null) {
            all.add(base);
        }
        return all;
    }

    /**
     * Parses a recipe's {@code slices} list.
     *
     * @param perModelSettings parses a source's {@code parameters} (the recipe's rules), given where it is
     * @throws IllegalArgumentException naming the file, the slice ({@code slices[i]}) and the model at fault
     */
    static List<RecipeSlice> parseAll(JsonNode node, Path dir, MergeMethod method, Path base,
            Map<String, ParameterSetting> topLevel,
            BiFunction<JsonNode, String, Map<String, ParameterSetting>> perModelSettings, Path file) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(file + ": 'slices' must be a non-empty list, found " + node);
        }
        if (method.needsAuxiliary()) {
            throw new IllegalArgumentException(file + ": merge_method " + method.name()
                    + " reads one " + method.auxiliaryInput().recipeKey() + " file per model and does not take 'slices';"
                    + " use 'models'");
        }
        if (method.needsBaseModel() && base == null) {
            throw new IllegalArgumentException(file + ": merge_method " + method.name() + " needs base_model");
        }
        boolean baseIsSource = base != null && (method.needsBaseModel() || method.recipeBaseIsFirstModel());
        Set<String> accepted = new java.util.TreeSet<>(method.globalParameters());
        accepted.addAll(method.perModelParameters());
        List<RecipeSlice> slices = new ArrayList<>();
        for (int s = 0; s < node.size(); s++) {
            String where = "slices[" + s + "]";
            JsonNode slice = node.get(s);
            if (!slice.isObject() || !slice.has("sources")) {
                throw new IllegalArgumentException(file + ": " + where + " needs a 'sources' list, found " + slice);
            }
            for (String key : (Iterable<String>) slice::fieldNames) {
                if (!key.equals("sources") && !key.equals("parameters")) {
                    throw new IllegalArgumentException(file + ": unsupported key '" + key + "' in " + where
                            + "; supported: sources, parameters" + (key.equals("base_model")
                                    ? " (mergelab takes the recipe's top-level base_model for every slice)" : ""));
                }
            }
            Map<String, ParameterSetting> sliceTop = new LinkedHashMap<>(topLevel);
            JsonNode sliceParameters = slice.get("parameters");
            if (sliceParameters != null && !sliceParameters.isNull()) {
                if (!sliceParameters.isObject()) {
                    throw new IllegalArgumentException(file + ": parameters of " + where + " must be a mapping, found "
                            + sliceParameters);
                }
                for (Map.Entry<String, JsonNode> e : sliceParameters.properties()) {
                    if (!accepted.contains(e.getKey())) {
                        throw new IllegalArgumentException(file + ": method '" + method.name()
                                + "' does not take parameter '" + e.getKey() + "' of " + where + "; takes: "
                                + (accepted.isEmpty() ? "none" : String.join(", ", accepted)));
                    }
                    MergeParameter parameter = MergeParameter.byKey(e.getKey()).orElseThrow();
                    try {
                        sliceTop.put(e.getKey(), ParameterSetting.parse(e.getValue(), parameter, "of " + where));
                    } catch (IllegalArgumentException bad) {
                        throw new IllegalArgumentException(file + ": " + bad.getMessage(), bad);
                    }
                }
            }
            JsonNode sources = slice.get("sources");
            if (!sources.isArray() || sources.isEmpty()) {
                throw new IllegalArgumentException(file + ": 'sources' of " + where + " must be a non-empty list, "
                        + "found " + sources);
            }
            List<Source> models = new ArrayList<>();
            List<Map<String, ParameterSetting>> perModel = new ArrayList<>();
            Source baseSource = null;
            for (JsonNode entry : sources) {
                Source source = source(entry, dir, where, file);
                for (String key : (Iterable<String>) entry::fieldNames) {
                    if (!Set.of("model", "layer_range", "parameters").contains(key)) {
                        throw new IllegalArgumentException(file + ": unsupported key '" + key + "' in a source of "
                                + where + " (" + source.describe() + "); supported: model, layer_range, parameters");
                    }
                }
                Source first = baseSource != null ? baseSource : models.isEmpty() ? null : models.getFirst();
                if (first != null && first.layers() != source.layers()) {
                    throw new IllegalArgumentException(file + ": " + where + ": " + source.describe() + " has "
                            + source.layers() + " layers but " + first.describe() + " has " + first.layers()
                            + "; all sources of a slice must have the same number of layers (as mergekit)");
                }
                JsonNode given = entry.get("parameters");
                Map<String, ParameterSetting> settings = given == null || given.isNull() ? Map.of()
                        : perModelSettings.apply(given, "of " + where + " " + source.describe());
                if (baseIsSource && source.model().equals(base) && baseSource == null) {
                    baseSource = source;
                    if (method.recipeBaseIsFirstModel()) {
                        models.addFirst(source);
                        perModel.addFirst(settings);
                    }
                    continue;
                }
                models.add(source);
                perModel.add(settings);
            }
            if (baseIsSource && baseSource == null) {
                throw new IllegalArgumentException(file + ": " + where + " has no source for base_model " + base
                        + "; merge_method " + method.name() + " takes the base's layers from a source of every slice");
            }
            if (method.recipeBaseIsFirstModel()) {
                baseSource = null; // it is the first model
            }
            if (models.size() < method.minimumModels()) {
                throw new IllegalArgumentException(file + ": " + where + " has " + models.size() + " source(s) to "
                        + "merge; merge_method " + method.name() + " needs at least " + method.minimumModels());
            }
            if (!slices.isEmpty() && slices.getFirst().models().size() != models.size()) {
                throw new IllegalArgumentException(file + ": " + where + " merges " + models.size()
                        + " source(s) but slices[0] merges " + slices.getFirst().models().size()
                        + "; mergelab needs the same number in every slice");
            }
            slices.add(new RecipeSlice(models, baseSource,
                    new RecipeParameters(perModel, sliceTop, method.globalParameters())));
        }
        return slices;
    }

    private static Source source(JsonNode entry, Path dir, String where, Path file) {
        if (!entry.isObject() || !entry.has("model") || !entry.get("model").isTextual()) {
            throw new IllegalArgumentException(file + ": each source of " + where + " needs a 'model' key, found "
                    + entry);
        }
        String name = entry.get("model").asText();
        JsonNode range = entry.get("layer_range");
        if (range == null || !range.isArray() || range.size() != 2 || !range.get(0).isIntegralNumber()
                || !range.get(1).isIntegralNumber() || !range.get(0).canConvertToInt()
                || !range.get(1).canConvertToInt()) {
            throw new IllegalArgumentException(file + ": source model '" + name + "' of " + where
                    + " needs 'layer_range: [from, to]' (two integers), found " + range);
        }
        int from = range.get(0).intValue();
        int to = range.get(1).intValue();
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException(file + ": " + where + ": layer_range [" + from + ", " + to
                    + "] of model '" + name + "' must have 0 <= from < to (layers from..to-1)");
        }
        return new Source(dir.resolve(name).normalize(), name, from, to);
    }
}
