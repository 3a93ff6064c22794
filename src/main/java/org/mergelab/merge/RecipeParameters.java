package org.mergelab.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * A recipe's parameters as {@link ParameterSetting}s, and the plain values they give one tensor. A per-model key
 * takes the model's own setting, else the top-level one (mergekit's {@code ConfigReader.parameter}: a top-level
 * {@code weight} or {@code density} is every model's default), else the method's default (the key is left out); a
 * global key takes the top-level setting, else the default. A setting whose filters do not match the tensor counts
 * as not given.
 *
 * @param perModel one map per model, in merge order, of the model's own settings
 * @param topLevel the recipe's top-level {@code parameters}: global keys and per-model defaults
 * @param globalKeys the method's global keys; every other top-level key is a per-model default
 */
record RecipeParameters(List<Map<String, ParameterSetting>> perModel, Map<String, ParameterSetting> topLevel,
        Set<String> globalKeys) {

    /** Copies. */
    RecipeParameters {
        perModel = perModel.stream().map(Map::copyOf).toList();
        topLevel = Map.copyOf(topLevel);
        globalKeys = Set.copyOf(globalKeys);
    }

    /** True when some value depends on the layer position (a gradient anywhere). */
    boolean dependsOnLayer() {
        return topLevel.values().stream().anyMatch(ParameterSetting::dependsOnLayer)
                || perModel.stream().flatMap(m -> m.values().stream()).anyMatch(ParameterSetting::dependsOnLayer);
    }

    /** The values for tensor {@code name} at layer position {@code t}. */
    StreamingMerge.TensorParameters at(String name, double t) {
        Map<String, Double> global = new TreeMap<>();
        Map<String, ParameterSetting> defaults = new TreeMap<>();
        topLevel.forEach((key, setting) -> {
            if (globalKeys.contains(key)) {
                setting.at(name, t).ifPresent(v -> global.put(key, v));
            } else {
                defaults.put(key, setting);
            }
        });
        List<Map<String, Double>> models = new ArrayList<>();
        for (Map<String, ParameterSetting> own : perModel) {
            Map<String, Double> values = new TreeMap<>();
            for (Map.Entry<String, ParameterSetting> e : own.entrySet()) {
                e.getValue().at(name, t).ifPresent(v -> values.put(e.getKey(), v));
            }
            defaults.forEach((key, setting) -> {
                if (!values.containsKey(key)) {
                    OptionalDouble v = setting.at(name, t);
                    v.ifPresent(value -> values.put(key, value));
                }
            });
            models.add(values);
        }
        return new StreamingMerge.TensorParameters(models, global);
    }

    /** The settings as given, for the lineage: {@code {"per_model": [...], "top_level": {...}}}. */
    JsonNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode models = out.putArray("per_model");
        for (Map<String, ParameterSetting> own : perModel) {
            models.add(toJson(own));
        }
        out.set("top_level", toJson(topLevel));
        return out;
    }

    private static ObjectNode toJson(Map<String, ParameterSetting> settings) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(settings).forEach((key, setting) -> node.set(key, setting.toJson()));
        return node;
    }
}
