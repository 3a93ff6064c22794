package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mergelab.merge.MergekitReferenceTest.assertMatchesToFloat32Rounding;
import static org.mergelab.merge.MergekitReferenceTest.doubles;
import static org.mergelab.merge.MergekitReferenceTest.referenceCase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

/**
 * {@code slices:} recipes and {@code passthrough} against mergekit's rules (issue 11). Expected values in
 * {@code src/test/resources/mergekit/slices/recipes.json} come from {@code make_expected_slices.py} beside it: a
 * numpy transcription of mergekit's planner ({@code plan.MergePlanner}) and the methods it names, run on the 40-layer
 * Llama-shaped checkpoints it wrote there.
 */
class MergekitSlicesReferenceTest {

    private static final JsonNode CASES = MergekitReferenceTest.load("/mergekit/slices/recipes.json");

    @TempDir Path dir;

    /** Copies the fixture checkpoints to a fresh directory and writes {@code yaml} there as recipe.yaml. */
    private Path work(String name, String yaml) throws IOException, URISyntaxException {
        Path work = Files.createDirectories(dir.resolve(name));
        Path fixtures = Path.of(MergekitSlicesReferenceTest.class.getResource("/mergekit/slices").toURI());
        for (String model : List.of("model_a", "model_b", "base")) {
            Files.createDirectories(work.resolve(model));
            for (String file : List.of("model.safetensors", "config.json")) {
                Files.copy(fixtures.resolve(model).resolve(file), work.resolve(model).resolve(file));
            }
        }
        return Files.writeString(work.resolve("recipe.yaml"), yaml);
    }

    /** Merges the case's recipe and checks every output tensor, the tensor names and the config's layer count. */
    private Path assertCaseMatches(String name) throws Exception {
        JsonNode c = referenceCase(CASES, name);
        Path recipe = work(name, c.get("yaml").asText());
        Path out = recipe.resolveSibling("out");
        RecipeMerge.merge(recipe, out, false, w -> { });
        NamedTensors merged;
        try (TensorSource source = TensorSource.open(out)) {
            merged = source.readAll();
        }
        assertThat(merged.names()).containsExactlyInAnyOrderElementsOf(() -> c.get("expected").fieldNames());
        c.get("expected").properties().forEach(e -> assertMatchesToFloat32Rounding(merged.get(e.getKey()).toFloats(),
                doubles(e.getValue()), name + " " + e.getKey() + " (" + c.get("follows").asText() + ")"));
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(c.get("layers").asInt());
        assertThat(config.get("hidden_size").asInt()).isEqualTo(2);
        return out;
    }

    @Test
    void theCanonicalPassthroughRecipeStacksFortyFourLayersInFloat16() throws Exception {
        Path out = assertCaseMatches("passthrough_canonical_44_layers");
        try (TensorSource source = TensorSource.open(out)) {
            assertThat(source.tensors()).allSatisfy(info -> assertThat(info.dtype()).isEqualTo(DType.F16));
            // output order: embeddings, layers 0..43, then final norm and lm_head
            List<String> names = source.tensors().stream().map(t -> t.name()).toList();
            assertThat(names.getFirst()).isEqualTo("model.embed_tokens.weight");
            assertThat(names.indexOf("model.layers.43.mlp.up_proj.weight"))
                    .isLessThan(names.indexOf("model.norm.weight"));
        }
    }

    @Test
    void passthroughCopiesTheBytesOfEachLayerUnderItsNewNumber() throws Exception {
        Path out = assertCaseMatches("passthrough_float32_repeats_a_layer");
        Path inputs = out.getParent();
        try (TensorSource merged = TensorSource.open(out);
                TensorSource a = TensorSource.open(inputs.resolve("model_a"));
                TensorSource b = TensorSource.open(inputs.resolve("model_b"));
                Arena arena = Arena.ofConfined()) {
            // output layers: a0, a1, b1, b2, a1
            String[][] origin = {{"0", "a", "0"}, {"1", "a", "1"}, {"2", "b", "1"}, {"3", "b", "2"}, {"4", "a", "1"}};
            for (String[] o : origin) {
                TensorSource from = o[1].equals("a") ? a : b;
                Tensor written = merged.read("model.layers." + o[0] + ".self_attn.q_proj.weight", arena);
                Tensor read = from.read("model.layers." + o[2] + ".self_attn.q_proj.weight", arena);
                assertThat(written.data()).as("output layer %s", o[0]).isEqualTo(read.data());
            }
            // embeddings from the first slice's model, final norm and lm_head from the last slice's (mergekit)
            assertThat(merged.read("model.embed_tokens.weight", arena).data())
                    .isEqualTo(a.read("model.embed_tokens.weight", arena).data());
            assertThat(merged.read("lm_head.weight", arena).data()).isEqualTo(a.read("lm_head.weight", arena).data());
            assertThat(merged.read("model.norm.weight", arena).data())
                    .isEqualTo(a.read("model.norm.weight", arena).data());
        }
    }

    @Test
    void mergedSlicesEvaluateGradientsWithinEachSliceAndSliceParametersAreDefaults() throws Exception {
        assertCaseMatches("linear_slices_with_gradients_per_slice");
    }

    @Test
    void aMethodWithABaseTakesTheBaseFromASourceOfEverySlice() throws Exception {
        assertCaseMatches("task_arithmetic_slices_with_the_base_as_a_source");
    }

    // ---------------------------------------------------------------- errors

    private int failures;

    private String failure(String yaml) throws Exception {
        Path recipe = work("bad" + failures++, yaml);
        Path out = recipe.resolveSibling("out");
        List<String> messages = new ArrayList<>();
        try {
            RecipeMerge.merge(recipe, out, false, w -> { });
        } catch (IllegalArgumentException e) {
            messages.add(e.getMessage());
        }
        assertThat(out).doesNotExist();
        assertThat(messages).as("the merge must fail").hasSize(1);
        return messages.getFirst();
    }

    @Test
    void sourcesOfDifferentLengthsInOneSliceAreRejectedNamingTheSliceAndModels() throws Exception {
        assertThat(failure("merge_method: linear\nslices:\n  - sources:\n      - {model: model_a, layer_range: [0, 3]}\n"
                + "  - sources:\n      - {model: model_a, layer_range: [0, 2]}\n"
                + "      - {model: model_b, layer_range: [0, 3]}\n"))
                .contains("slices[1]").contains("model 'model_b' layer_range [0, 3]")
                .contains("model 'model_a' layer_range [0, 2]").contains("same number of layers");
    }

    @Test
    void aLayerRangePastTheModelsLayersIsRejected() throws Exception {
        assertThat(failure("merge_method: passthrough\nslices:\n  - sources: [{model: model_a, layer_range: [38, 41]}]\n"))
                .contains("slices[0]").contains("model 'model_a' layer_range [38, 41]").contains("40 layers");
    }

    @Test
    void passthroughTakesOneSourcePerSlice() throws Exception {
        assertThat(failure("merge_method: passthrough\nslices:\n  - sources:\n"
                + "      - {model: model_a, layer_range: [0, 2]}\n      - {model: model_b, layer_range: [0, 2]}\n"))
                .contains("passthrough").contains("exactly one").contains("found 2");
    }

    @Test
    void modelsAndSlicesTogetherAndAMissingBaseSourceAreRejected() throws Exception {
        assertThat(failure("merge_method: passthrough\nmodels: [{model: model_a}]\n"
                + "slices:\n  - sources: [{model: model_a, layer_range: [0, 2]}]\n")).contains("not both");
        assertThat(failure("merge_method: task_arithmetic\nbase_model: base\nslices:\n"
                + "  - sources: [{model: model_a, layer_range: [0, 2]}]\n"))
                .contains("slices[0] has no source for base_model");
        assertThat(failure("merge_method: passthrough\nslices:\n  - sources: [{model: model_a, layer_range: [2, 2]}]\n"))
                .contains("layer_range [2, 2]").contains("model_a");
        assertThat(failure("merge_method: passthrough\nslices:\n  - sources: [{model: model_a, layer_range: [0, 2]}]\n"
                + "    residual_weight: 0.5\n")).contains("'residual_weight'").contains("slices[0]");
    }

    @Test
    void aLayerTensorMissingFromOneSourceIsNamedWithBothFiles() throws Exception {
        Path recipe = work("missing", "merge_method: linear\nslices:\n  - sources:\n"
                + "      - {model: model_a, layer_range: [0, 1]}\n      - {model: model_c, layer_range: [0, 1]}\n");
        Path c = Files.createDirectories(recipe.resolveSibling("model_c"));
        NamedTensors tensors;
        try (TensorSource a = TensorSource.open(recipe.resolveSibling("model_a"))) {
            tensors = a.readAll();
        }
        NamedTensors without = new NamedTensors();
        tensors.names().stream().filter(n -> !n.equals("model.layers.0.mlp.up_proj.weight"))
                .forEach(n -> without.put(n, tensors.get(n)));
        org.mergelab.checkpoint.SafetensorsWriter.write(c.resolve("model.safetensors"), without, java.util.Map.of());
        assertThatThrownBy(() -> RecipeMerge.merge(recipe, recipe.resolveSibling("out"), false, w -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slices[0]").hasMessageContaining("model.layers.0.mlp.up_proj.weight")
                .hasMessageContaining("model_c").hasMessageContaining("model_a");
        assertThat(recipe.resolveSibling("out")).doesNotExist();
    }
}
