package org.mergelab.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mergelab.checkpoint.DType;
import org.mergelab.config.ConfigReader;

/**
 * A merge recipe in mergekit's YAML, for the methods mergekit and mergelab share: parsed, checked and resolved (paths,
 * parameters, dtype, seed, where config files come from); {@link RecipeMerge} runs it.
 *
 * <pre>{@code
 * merge_method: ties
 * base_model: base            # a directory (model.safetensors or a sharded index) or a .safetensors file
 * models:
 *   - model: finetuned-a      # relative paths resolve against the recipe's directory
 *     parameters: {weight: 0.5, density: 0.5}
 *   - model: finetuned-b
 *     parameters: {weight: 0.5, density: 0.5}
 * parameters: {normalize: true, lambda: 1.0}
 * dtype: bfloat16             # float32 | float16 | bfloat16; out_dtype wins when both are given
 * }</pre>
 *
 * <p>Accepted top-level keys: {@code merge_method}, {@code models}, {@code base_model}, {@code parameters},
 * {@code dtype}, {@code out_dtype}, {@code random_seed} (mergelab also reads {@code seed}; not both), and the
 * tokenizer/config keys {@code tokenizer_source} ({@code base} or a model path; {@code union} changes the embeddings
 * and is rejected), {@code tokenizer} (only its {@code source}) and {@code chat_template} (accepted, not applied: a
 * warning says so), and {@code slices} in place of {@code models} ({@link RecipeSlice}: layer ranges of several
 * models, stacked or merged). Every other key ({@code modules}, ...) is rejected naming it. A parameter value is
 * a scalar (a number, a boolean for flags, or a name where a parameter has named values:
 * {@code rescale: inverse_density}), a per-layer gradient (a list), or a list of {@code {filter, value}} entries
 * picked by tensor name, with mergekit's rules ({@link ParameterSetting}, positions from {@link LayerPositions};
 * mergelab-only top-level {@code layer_pattern} gives the layer index pattern). {@code int8_mask} is accepted and has
 * no effect (it only changes how mergekit stores masks). Mergelab-only: a per-model {@code fisher: PATH} names that
 * model's diagonal Fisher (a safetensors file with the same tensor names) for {@code merge_method: fisher}, and a
 * per-model {@code gram: PATH} that model's input Gram matrices for {@code merge_method: regmean}
 * ({@link AuxiliaryInput}).
 *
 * <p>As in mergekit ({@code config.ConfigReader.parameter}), a per-model key ({@code weight}, {@code density},
 * {@code gamma}) in the top-level {@code parameters} is the default of every model, and a model's own value wins.
 *
 * <p>mergekit conventions kept: {@code slerp} takes the base model as its first endpoint (t = 0) and the one other
 * model as the second; methods with a base skip a {@code models} entry that is the base itself, and when every entry
 * is the base the merge returns the base (no task vector to add; it is merged as the base with itself, which every
 * method with a base returns unchanged); methods without a base use {@code base_model} only as the source of config
 * and tokenizer files.
 */
public record MergeRecipe(
        Path file,
        JsonNode tree,
        MergeMethod method,
        List<Path> models,
        Path base,
        RecipeParameters parameters,
        String layerPattern,
        List<Path> auxiliary,
        DType outputDType,
        long seed,
        Path configSource,
        List<String> warnings,
        List<RecipeSlice> slices) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("merge_method", "models", "base_model", "parameters",
            "dtype", "out_dtype", "random_seed", "seed", "tokenizer_source", "tokenizer", "chat_template",
            "layer_pattern", "slices");
    private static final Set<String> IGNORED_PARAMETERS = Set.of("int8_mask");

    /**
     * Copies the lists; {@code parameters} holds one settings map per model. For a {@code slices:} recipe,
     * {@code slices} holds every output slice, and {@code models} and {@code parameters} are the first slice's.
     */
    public MergeRecipe {
        models = List.copyOf(models);
        auxiliary = auxiliary == null ? null : List.copyOf(auxiliary);
        warnings = List.copyOf(warnings);
        slices = List.copyOf(slices);
    }

    /**
     * Reads and checks a recipe; nothing is opened but the YAML.
     *
     * @throws IllegalArgumentException naming the file and the first unsupported key or bad value
     * @throws org.mergelab.config.ConfigException for a file that {@link ConfigReader#readTree} refuses: not a
     *     regular file, over 1 MiB, not valid YAML, a duplicate key, an anchor or an alias
     */
    public static MergeRecipe parse(Path file) throws IOException {
        JsonNode root = ConfigReader.readTree(file);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a recipe is a YAML mapping, found " + root);
        }
        Path dir = file.toAbsolutePath().getParent();
        for (String key : (Iterable<String>) root::fieldNames) {
            if (!TOP_KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unsupported recipe key '" + key + "'"
                        + (key.equals("modules") ? " (mergelab reads 'slices' but not 'modules')"
                                : "") + "; supported: " + String.join(", ", new java.util.TreeSet<>(TOP_KEYS)));
            }
        }
        List<String> warnings = new ArrayList<>();
        String methodName = text(root, "merge_method", file, true);
        MergeMethod method;
        try {
            method = MergeMethods.byName(methodName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<String, ParameterSetting> topLevel = new LinkedHashMap<>();
        if (root.has("parameters") && !root.get("parameters").isNull()) {
            Set<String> accepted = new java.util.TreeSet<>(method.globalParameters());
            accepted.addAll(method.perModelParameters());
            topLevel = settings(root.get("parameters"), accepted, Set.of(), "(global)", method, file);
        }
        String layerPattern = root.has("layer_pattern") ? text(root, "layer_pattern", file, true) : null;
        if (layerPattern != null) {
            try {
                LayerPositions.compile(layerPattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        Path base = root.has("base_model") ? dir.resolve(text(root, "base_model", file, true)).normalize() : null;
        boolean sliced = root.has("slices");
        if (sliced && root.has("models")) {
            throw new IllegalArgumentException(file + ": give 'models' or 'slices', not both (as mergekit)");
        }
        JsonNode entries = sliced ? JSON.createArrayNode() : root.get("models");
        if (!sliced && (entries == null || !entries.isArray() || entries.isEmpty())) {
            throw new IllegalArgumentException(file + ": 'models' must be a non-empty list, found " + entries);
        }
        List<Path> models = new ArrayList<>();
        List<Map<String, ParameterSetting>> perModel = new ArrayList<>();
        List<Path> auxiliary = new ArrayList<>();
        String auxiliaryKey = method.auxiliaryInput().recipeKey();
        Set<String> auxiliaryKeys = new java.util.TreeSet<>();
        for (AuxiliaryInput input : AuxiliaryInput.values()) {
            if (input.recipeKey() != null) {
                auxiliaryKeys.add(input.recipeKey());
            }
        }
        for (JsonNode entry : entries) {
            if (!entry.isObject() || !entry.has("model")) {
                throw new IllegalArgumentException(file + ": each 'models' entry needs a 'model' key, found " + entry);
            }
            for (String key : (Iterable<String>) entry::fieldNames) {
                if (!key.equals("model") && !key.equals("parameters")) {
                    throw new IllegalArgumentException(file + ": unsupported key '" + key + "' in models entry "
                            + entry.get("model") + "; supported: model, parameters");
                }
            }
            Path model = dir.resolve(text(entry, "model", file, true)).normalize();
            String where = "of model '" + entry.get("model").asText() + "'";
            Map<String, ParameterSetting> parameters = new LinkedHashMap<>();
            JsonNode given = entry.get("parameters");
            Path auxiliaryFile = null;
            if (given != null && !given.isNull()) {
                for (String key : auxiliaryKeys) {
                    if (given.has(key) && !key.equals(auxiliaryKey)) {
                        throw new IllegalArgumentException(file + ": parameter '" + key + "' " + where
                                + " is only read by merge_method " + methodsReading(key) + ", not " + method.name());
                    }
                }
                if (auxiliaryKey != null && given.has(auxiliaryKey)) {
                    if (!given.get(auxiliaryKey).isTextual()) {
                        throw new IllegalArgumentException(file + ": parameter '" + auxiliaryKey + "' " + where
                                + " must be a path to a safetensors file, found " + given.get(auxiliaryKey));
                    }
                    auxiliaryFile = dir.resolve(given.get(auxiliaryKey).asText()).normalize();
                }
                parameters = settings(given, method.perModelParameters(), auxiliaryKeys, where, method, file);
            }
            if (base != null && method.acceptsBaseModel() && model.equals(base)) {
                warnings.add("models entry " + model + " is the base model; " + method.name()
                        + " merges task vectors relative to it, so the entry is skipped (as mergekit does)");
                continue;
            }
            models.add(model);
            perModel.add(parameters);
            auxiliary.add(auxiliaryFile);
        }
        List<RecipeSlice> slices = List.of();
        if (sliced) {
            slices = RecipeSlice.parseAll(root.get("slices"), dir, method, base, topLevel,
                    (given, where) -> settings(given, method.perModelParameters(), Set.of(), where, method, file),
                    file);
            for (RecipeSlice.Source source : slices.getFirst().models()) {
                models.add(source.model());
                auxiliary.add(null);
            }
            perModel.addAll(slices.getFirst().parameters().perModel());
        }
        if (models.isEmpty() && base != null && method.needsBaseModel()) {
            // the base merged with itself: zero task vectors, which every method with a base returns unchanged
            int copies = method.minimumModels();
            for (int i = 0; i < copies; i++) {
                models.add(base);
                perModel.add(Map.of());
                auxiliary.add(null);
            }
            warnings.add("every models entry is the base model; " + method.name() + " has no task vector to add"
                    + " and returns the base (as mergekit)");
        }
        boolean anyAuxiliary = auxiliary.stream().anyMatch(f -> f != null);
        if (method.needsAuxiliary() && auxiliary.contains(null)) {
            throw new IllegalArgumentException(file + ": merge_method " + method.name() + " needs parameters: {"
                    + auxiliaryKey + ": PATH} for every model (" + method.auxiliaryInput().description() + ")");
        }
        Path mergedBase = base;
        if (method.recipeBaseIsFirstModel() && base != null) {
            // mergekit: slerp goes from the base (t = 0) to the one other model (t = 1)
            int index = models.indexOf(base);
            if (index >= 0) {
                models.remove(index);
                perModel.remove(index);
                auxiliary.remove(index);
            }
            models.addFirst(base);
            perModel.addFirst(Map.of());
            auxiliary.addFirst(null);
            mergedBase = null;
        } else if (!method.acceptsBaseModel() && base != null) {
            warnings.add("base_model " + base + " is not merged by " + method.name()
                    + "; it is used only as the source of config and tokenizer files");
            mergedBase = null;
        } else if (method.needsBaseModel() && base == null) {
            throw new IllegalArgumentException(file + ": merge_method " + method.name() + " needs base_model");
        }
        DType out = null;
        String dtypeKey = root.has("out_dtype") ? "out_dtype" : root.has("dtype") ? "dtype" : null;
        if (dtypeKey != null) {
            out = switch (text(root, dtypeKey, file, true)) {
                case "float32", "fp32" -> DType.F32;
                case "float16", "fp16" -> DType.F16;
                case "bfloat16", "bf16" -> DType.BF16;
                default -> throw new IllegalArgumentException(file + ": " + dtypeKey + " '"
                        + root.get(dtypeKey).asText() + "' is not one of float32, float16, bfloat16");
            };
        }
        if (root.has("random_seed") && root.has("seed")) {
            throw new IllegalArgumentException(file + ": give 'random_seed' or 'seed', not both");
        }
        long seed = 0;
        for (String key : List.of("random_seed", "seed")) {
            if (root.has(key)) {
                if (!root.get(key).canConvertToLong() || !root.get(key).isIntegralNumber()) {
                    throw new IllegalArgumentException(file + ": '" + key + "' must be an integer, found "
                            + root.get(key));
                }
                seed = root.get(key).longValue();
            }
        }
        if (method.copiesItsOnlyModel() && models.size() != 1) {
            throw new IllegalArgumentException(file + ": merge_method " + method.name() + " copies one model; "
                    + "give exactly one model (or, with slices, one source per slice), found " + models.size());
        }
        Path configSource = base != null ? base : models.getFirst();
        JsonNode tokenizer = root.get("tokenizer");
        String tokenizerSource = root.has("tokenizer_source") ? text(root, "tokenizer_source", file, true) : null;
        if (tokenizer != null && !tokenizer.isNull()) {
            for (String key : (Iterable<String>) tokenizer::fieldNames) {
                if (!key.equals("source")) {
                    throw new IllegalArgumentException(file + ": unsupported key 'tokenizer." + key
                            + "' (it changes the embedding tensors); mergelab copies tokenizer files only");
                }
            }
            if (tokenizer.has("source")) {
                tokenizerSource = text(tokenizer, "source", file, true);
            }
        }
        if (tokenizerSource != null) {
            if (tokenizerSource.equals("union")) {
                throw new IllegalArgumentException(file + ": tokenizer source 'union' changes the embedding "
                        + "tensors; mergelab supports 'base' or a model path");
            }
            if (!tokenizerSource.equals("base")) {
                configSource = dir.resolve(tokenizerSource).normalize();
            }
        }
        if (root.has("chat_template")) {
            warnings.add("chat_template is accepted but not applied: tokenizer files are copied unchanged");
        }
        RecipeParameters parameters = new RecipeParameters(perModel, topLevel, method.globalParameters());
        if (layerPattern != null && !parameters.dependsOnLayer()) {
            warnings.add("layer_pattern is accepted but has no effect: no parameter is a per-layer gradient");
        }
        return new MergeRecipe(file, root, method, models, mergedBase, parameters, layerPattern,
                anyAuxiliary ? auxiliary : null, out, seed, configSource, warnings, slices);
    }

    private static String text(JsonNode node, String key, Path file, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a string, found " + value);
        }
        return value.asText();
    }

    private static Map<String, ParameterSetting> settings(JsonNode given, Set<String> accepted, Set<String> special,
            String where, MergeMethod method, Path file) {
        if (!given.isObject()) {
            throw new IllegalArgumentException(file + ": parameters " + where + " must be a mapping, found " + given);
        }
        Map<String, ParameterSetting> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (special.contains(key) || IGNORED_PARAMETERS.contains(key)) {
                continue;
            }
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException(file + ": method '" + method.name() + "' does not take "
                        + (where.equals("(global)") ? "global" : "per-model") + " parameter '" + key + "' "
                        + where + "; takes: " + (accepted.isEmpty() ? "none"
                                : String.join(", ", new java.util.TreeSet<>(accepted))));
            }
            MergeParameter parameter = MergeParameter.byKey(key).orElseThrow();
            if (parameter == MergeParameter.FISHER_NORM) {
                throw new IllegalArgumentException(file + ": parameter '" + key + "' " + where + " is computed from"
                        + " the Fisher files (normalize_fishers: true); a recipe does not give it");
            }
            try {
                out.put(key, ParameterSetting.parse(value, parameter, where));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(file + ": " + bad.getMessage(), bad);
            }
        }
        return out;
    }

    /**
     * Each tensor's parameters: the recipe's settings at the tensor's name and layer position ({@link LayerPositions}
     * over {@code tensorNames}, the first model's, with the layer count from the {@code config.json} in
     * {@link #configDirectory} when it gives one).
     */
    Function<String, StreamingMerge.TensorParameters> tensorParameters(List<String> tensorNames) throws IOException {
        if (!parameters.dependsOnLayer()) {
            return name -> parameters.at(name, 0.0); // no value depends on t
        }
        Path config = configDirectory().resolve("config.json");
        Pattern pattern = LayerPositions.compile(layerPattern != null ? layerPattern : LayerPositions.DEFAULT_PATTERN);
        LayerPositions positions = LayerPositions.of(tensorNames, pattern, configLayers(config), config.toString());
        return name -> parameters.at(name, positions.t(name));
    }

    /** The directory config and tokenizer files come from: {@link #configSource}, or the directory of that file. */
    Path configDirectory() {
        return Files.isDirectory(configSource) ? configSource : configSource.toAbsolutePath().getParent();
    }

    /** The layer count a {@code config.json} gives ({@code num_hidden_layers}, {@code n_layer}, {@code num_layers}). */
    static Integer configLayers(Path config) throws IOException {
        if (!Files.isRegularFile(config)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(config.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(config + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        for (String key : List.of("num_hidden_layers", "n_layer", "num_layers")) {
            JsonNode value = root == null ? null : root.get(key);
            if (value != null) {
                if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
                    throw new IllegalArgumentException(config + ": '" + key + "' must be a positive integer, found "
                            + value);
                }
                return value.intValue();
            }
        }
        return null;
    }

    /** Every file or directory this recipe reads: an output may not be, or contain, one of them. */
    List<Path> inputs() {
        List<Path> all = new ArrayList<>(models);
        all.add(file);
        all.add(base);
        all.add(configSource);
        if (auxiliary != null) {
            all.addAll(auxiliary);
        }
        for (RecipeSlice slice : slices) {
            slice.models().forEach(source -> all.add(source.model()));
            if (slice.base() != null) {
                all.add(slice.base().model());
            }
        }
        return all;
    }

    /** The methods whose per-model {@code key} names their auxiliary file, for messages. */
    private static String methodsReading(String key) {
        return MergeMethods.all().stream().filter(m -> key.equals(m.auxiliaryInput().recipeKey()))
                .map(MergeMethod::name).collect(Collectors.joining(", "));
    }
}
