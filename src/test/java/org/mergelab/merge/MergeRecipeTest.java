package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.config.ConfigException;
import org.mergelab.lineage.Lineage;

class MergeRecipeTest {

    @TempDir Path dir;
    NamedTensors base;
    NamedTensors a;
    NamedTensors b;

    @BeforeEach
    void checkpoints() throws IOException {
        base = StreamingMergeTest.checkpoint(3, DType.BF16);
        a = StreamingMergeTest.checkpoint(1, DType.BF16);
        b = StreamingMergeTest.checkpoint(2, DType.BF16);
        for (var e : Map.of("base", base, "model_a", a, "model_b", b).entrySet()) {
            Path d = Files.createDirectories(dir.resolve(e.getKey()));
            SafetensorsWriter.write(d.resolve("model.safetensors"), e.getValue(), Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve("base/config.json"), "{\"model_type\": \"test\"}");
        Files.writeString(dir.resolve("base/tokenizer.json"), "{}");
    }

    Path recipe(String yaml) throws IOException {
        return Files.writeString(dir.resolve("recipe.yaml"), yaml);
    }

    List<String> warnings = new ArrayList<>();

    RecipeMerge.Outcome run(String yaml, boolean force) throws IOException {
        return RecipeMerge.merge(recipe(yaml), dir.resolve("out"), force, warnings::add);
    }

    NamedTensors output() throws IOException {
        try (TensorSource s = TensorSource.open(dir.resolve("out"))) {
            return s.readAll();
        }
    }

    Tensor expected(String method, List<NamedTensors> models, NamedTensors baseModel, String tensor,
            Map<String, Double> global, List<Map<String, Double>> perModel, DType out) {
        return StreamingMergeTest.expected(MergeMethods.byName(method), models, baseModel, tensor, global, perModel,
                out);
    }

    @Test
    void mergekitTiesRecipeRunsUnchanged() throws IOException {
        run("""
                models:
                  - model: model_a
                    parameters:
                      density: 0.5
                      weight: 0.5
                  - model: model_b
                    parameters:
                      density: 0.5
                      weight: 0.5
                merge_method: ties
                base_model: base
                parameters:
                  normalize: true
                  int8_mask: true
                dtype: float16
                """, false);
        List<Map<String, Double>> perModel = List.of(Map.of("density", 0.5, "weight", 0.5),
                Map.of("density", 0.5, "weight", 0.5));
        assertThat(output().get("layer1.weight")).isEqualTo(expected("ties", List.of(a, b), base, "layer1.weight",
                Map.of("normalize", 1.0), perModel, DType.F16));
        assertThat(dir.resolve("out/config.json")).hasContent("{\"model_type\": \"test\"}");
        assertThat(dir.resolve("out/tokenizer.json")).exists();
        assertThat(dir.resolve("out/mergelab-recipe.yaml")).hasSameTextualContentAs(dir.resolve("recipe.yaml"));
        Lineage lineage = Lineage.fromJson(Files.readString(dir.resolve("out/mergelab-lineage.json")));
        assertThat(lineage.kind()).isEqualTo("merge");
        JsonNode inputs = lineage.config().get("inputs");
        assertThat(inputs).hasSize(3);
        assertThat(inputs.get(0).get("files").get(0).get("sha256").asText())
                .isEqualTo(RecipeMerge.sha256(dir.resolve("model_a/model.safetensors")));
        assertThat(inputs.get(2).get("role").asText()).isEqualTo("base");
        assertThat(lineage.extra()).containsEntry("merge_method", "ties");
    }

    @Test
    void mergekitLinearSlerpTaskArithmeticAndDareTiesRecipesRun() throws IOException {
        run("""
                models:
                  - model: model_a
                    parameters: {weight: 1.0}
                  - model: model_b
                    parameters: {weight: 0.3}
                merge_method: linear
                dtype: bfloat16
                """, false);
        assertThat(output().get("a.last")).isEqualTo(expected("linear", List.of(a, b), null, "a.last", Map.of(),
                List.of(Map.of("weight", 1.0), Map.of("weight", 0.3)), DType.BF16));
        run("""
                models:
                  - model: base
                  - model: model_b
                merge_method: slerp
                base_model: base
                parameters:
                  t: 0.4
                dtype: float32
                """, true);
        assertThat(output().get("layer1.weight")).isEqualTo(expected("slerp", List.of(base, b), null,
                "layer1.weight", Map.of("t", 0.4), List.of(), DType.F32));
        run("""
                models:
                  - model: model_a
                    parameters: {weight: 1.0}
                  - model: model_b
                    parameters: {weight: 0.5}
                merge_method: task_arithmetic
                base_model: base
                parameters: {normalize: false, lambda: 0.8}
                """, true);
        assertThat(output().get("layer1.bias")).isEqualTo(expected("task_arithmetic", List.of(a, b), base,
                "layer1.bias", Map.of("normalize", 0.0, "lambda", 0.8),
                List.of(Map.of("weight", 1.0), Map.of("weight", 0.5)), DType.BF16));
        run("""
                models:
                  - model: base
                  - model: model_a
                    parameters: {density: 0.53, weight: 0.4}
                  - model: model_b
                    parameters: {density: 0.53, weight: 0.3}
                merge_method: dare_ties
                base_model: base
                parameters: {int8_mask: true}
                dtype: bfloat16
                random_seed: 42
                """, true);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("is the base model"));
        var expectedDare = MergeRequest.builder().setTensorName("layer1.weight")
                .setModels(a.get("layer1.weight").toFloats(), b.get("layer1.weight").toFloats())
                .optBase(base.get("layer1.weight").toFloats()).optSeed(42)
                .optPerModelParameters(List.of(Map.of("density", 0.53, "weight", 0.4),
                        Map.of("density", 0.53, "weight", 0.3))).build();
        assertThat(output().get("layer1.weight")).isEqualTo(Tensor.fromFloats(DType.BF16, new long[] {3, 70_000},
                MergeMethods.byName("dare_ties").merge(expectedDare)));
    }

    @Test
    void unsupportedKeysAndGradientsAreRejectedByName() throws IOException {
        assertThatThrownBy(() -> run("""
                modules:
                  text: {slices: [{sources: [{model: model_a, layer_range: [0, 4]}]}]}
                merge_method: linear
                models: [{model: model_a}]
                """, false)).hasMessageContaining("'modules'");
        assertThatThrownBy(() -> run("""
                models:
                  - model: model_a
                    parameters: {weight: {filter: mlp, value: 0.5}}
                merge_method: linear
                """, false)).hasMessageContaining("'weight'").hasMessageContaining("list of");
        assertThatThrownBy(() -> run("""
                models: [{model: model_a}, {model: model_b}]
                merge_method: linear
                parameters: {t: 0.5}
                """, false)).hasMessageContaining("'t'");
        assertThatThrownBy(() -> run("""
                models: [{model: model_a}]
                merge_method: linear
                frobnicate: 1
                """, false)).hasMessageContaining("'frobnicate'");
        assertThatThrownBy(() -> run("""
                models: [{model: model_a}]
                merge_method: linear
                tokenizer_source: union
                """, false)).hasMessageContaining("union");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void rescaleTakesABooleanOrARuleNameAndFisherNormIsNotARecipeKey() throws IOException {
        run("""
                models:
                  - {model: model_a, parameters: {density: 0.5}}
                merge_method: dare_linear
                base_model: base
                parameters: {rescale: inverse_density}
                random_seed: 3
                """, false);
        var paperRule = MergeRequest.builder().setTensorName("layer1.bias").setModels(a.get("layer1.bias").toFloats())
                .optBase(base.get("layer1.bias").toFloats()).optSeed(3)
                .optPerModelParameters(List.of(Map.of("density", 0.5)))
                .optGlobalParameter("rescale", Rescale.INVERSE_DENSITY.code()).build();
        assertThat(output().get("layer1.bias")).isEqualTo(Tensor.fromFloats(DType.BF16, new long[] {7},
                MergeMethods.byName("dare_linear").merge(paperRule)));
        assertThatThrownBy(() -> run("""
                models: [{model: model_a}]
                merge_method: ties
                base_model: base
                parameters: {rescale: l2}
                """, true)).hasMessageContaining("'rescale'").hasMessageContaining("inverse_density")
                .hasMessageContaining("l2");
        assertThatThrownBy(() -> run("""
                models: [{model: model_a, parameters: {fisher: fa.safetensors, fisher_norm: 2}}]
                merge_method: fisher
                """, true)).hasMessageContaining("'fisher_norm'").hasMessageContaining("computed");
        assertThatThrownBy(() -> run("""
                models: [{model: model_a}]
                merge_method: ties
                base_model: base
                parameters: {gamma: 0.1}
                """, true)).hasMessageContaining("'gamma'").hasMessageContaining("density");
    }

    @Test
    void forceIsNeededToReplaceAndMissingTokenizerFilesWarn() throws IOException {
        String yaml = """
                models: [{model: model_a}, {model: model_b}]
                merge_method: linear
                chat_template: chatml
                """;
        run(yaml, false);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("chat_template"))
                .anySatisfy(w -> assertThat(w).contains("no config or tokenizer files next to"));
        Files.writeString(dir.resolve("out/stale.txt"), "old");
        assertThatThrownBy(() -> run(yaml, false)).hasMessageContaining("--force");
        run(yaml, true);
        assertThat(dir.resolve("out/stale.txt")).doesNotExist();
        assertThat(dir.resolve("out/model.safetensors")).exists();
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void forceRefusesBeforeWorkAnOldOutputItCouldNotRemove() throws Exception {
        String yaml = "models: [{model: model_a}, {model: model_b}]\nmerge_method: linear\n";
        run(yaml, false);
        Path out = dir.resolve("out");
        Path locked = out.resolve("config.json");
        Files.writeString(locked, "{}");
        byte[] model = Files.readAllBytes(out.resolve("model.safetensors"));
        org.junit.jupiter.api.Assumptions.assumeTrue(org.mergelab.checkpoint.ImmutableFiles.lock(locked), "needs chattr +i");
        try {
            assertThatThrownBy(() -> run(yaml.replace("linear", "task_arithmetic\nbase_model: base"), true))
                    .hasMessageContaining(out.toString()).hasMessageContaining(locked.toString())
                    .hasMessageContaining("not writable");
        } finally {
            org.mergelab.checkpoint.ImmutableFiles.unlock(locked);
        }
        assertThat(Files.readAllBytes(out.resolve("model.safetensors"))).isEqualTo(model);
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void fisherRecipeReadsOneFisherFilePerModel() throws IOException {
        NamedTensors fa = new NamedTensors();
        NamedTensors fb = new NamedTensors();
        for (String name : a.names()) {
            if (!name.equals("steps")) {
                int n = (int) a.get(name).numel();
                float[] ones = new float[n];
                float[] threes = new float[n];
                java.util.Arrays.fill(ones, 1f);
                java.util.Arrays.fill(threes, 3f);
                fa.put(name, Tensor.fromFloats(DType.F32, a.get(name).shape(), ones));
                fb.put(name, Tensor.fromFloats(DType.F32, a.get(name).shape(), threes));
            }
        }
        SafetensorsWriter.write(dir.resolve("fa.safetensors"), fa, Map.of());
        SafetensorsWriter.write(dir.resolve("fb.safetensors"), fb, Map.of());
        run("""
                models:
                  - {model: model_a, parameters: {fisher: fa.safetensors}}
                  - {model: model_b, parameters: {fisher: fb.safetensors}}
                merge_method: fisher
                dtype: float32
                """, false);
        float[] x = a.get("a.last").toFloats();
        float[] y = b.get("a.last").toFloats();
        float[] got = output().get("a.last").toFloats();
        for (int j = 0; j < x.length; j++) {
            assertThat(got[j]).isCloseTo((x[j] + 3 * y[j]) / 4, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void regmeanRecipeReadsOneGramFilePerModelAndAveragesTensorsWithoutGrams() throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        float[] ga = RegMeanMergeTest.randomGram(random, 4);
        float[] gb = RegMeanMergeTest.randomGram(random, 4);
        NamedTensors gramsA = new NamedTensors();
        gramsA.put("a.last", Tensor.fromFloats(DType.F32, new long[] {4, 4}, ga));
        NamedTensors gramsB = new NamedTensors();
        gramsB.put("a.last", Tensor.fromFloats(DType.F32, new long[] {4, 4}, gb));
        SafetensorsWriter.write(dir.resolve("ga.safetensors"), gramsA, Map.of());
        SafetensorsWriter.write(dir.resolve("gb.safetensors"), gramsB, Map.of());
        String recipe = """
                models:
                  - {model: model_a, parameters: {gram: ga.safetensors, weight: 2}}
                  - {model: model_b, parameters: {gram: gb.safetensors}}
                merge_method: regmean
                parameters: {reduce_non_diagonal_ratio: 0.7}
                dtype: float32
                """;
        String plan = RecipeMerge.dryRun(recipe(recipe), dir.resolve("out"), false, warnings::add).text();
        assertThat(plan).contains("input gram").contains("regmean (whole tensor, input Gram [4, 4])")
                .contains("regmean: weighted mean (no Gram matrix)");
        run(recipe, false);
        List<Map<String, Double>> weights = List.of(Map.of("weight", 2.0), Map.of("weight", 1.0));
        float[] expected = MergeMethods.byName("regmean").merge(MergeRequest.builder().setTensorName("a.last")
                .setModels(a.get("a.last").toFloats(), b.get("a.last").toFloats()).optShape(new long[] {5, 4})
                .optAuxiliary(List.of(ga, gb)).optPerModelParameters(weights)
                .optGlobalParameters(Map.of("reduce_non_diagonal_ratio", 0.7)).build());
        assertThat(output().get("a.last").toFloats()).containsExactly(expected);
        float[] x = a.get("layer1.bias").toFloats();
        float[] y = b.get("layer1.bias").toFloats();
        float[] bias = output().get("layer1.bias").toFloats();
        for (int j = 0; j < x.length; j++) {
            assertThat(bias[j]).isEqualTo((float) ((2.0 * x[j] + y[j]) / 3.0));
        }
        Lineage lineage = Lineage.fromJson(Files.readString(dir.resolve("out/mergelab-lineage.json")));
        assertThat(lineage.config().get("inputs").get(2).get("role").asText()).isEqualTo("gram");

        // a Gram file that covers other weights, or has the wrong shape, is an error naming the tensor and files
        NamedTensors wrong = new NamedTensors();
        wrong.put("a.last", Tensor.fromFloats(DType.F32, new long[] {5, 5}, new float[25]));
        SafetensorsWriter.write(dir.resolve("gb.safetensors"), wrong, Map.of());
        assertThatThrownBy(() -> run(recipe, true)).hasMessageContaining("'a.last'")
                .hasMessageContaining("gb.safetensors").hasMessageContaining("[4, 4]");
        NamedTensors extra = new NamedTensors();
        extra.put("a.last", Tensor.fromFloats(DType.F32, new long[] {4, 4}, gb));
        extra.put("layer1.bias", Tensor.fromFloats(DType.F32, new long[] {1, 1}, new float[] {1}));
        SafetensorsWriter.write(dir.resolve("gb.safetensors"), extra, Map.of());
        assertThatThrownBy(() -> run(recipe, true)).hasMessageContaining("'layer1.bias'")
                .hasMessageContaining("gb.safetensors").hasMessageContaining("none in");
        assertThatThrownBy(() -> run(recipe.replace("{gram: gb.safetensors}", "{}"), true))
                .hasMessageContaining("needs parameters: {gram: PATH} for every model");
        assertThatThrownBy(() -> run(recipe.replace("gram: ga", "fisher: ga"), true))
                .hasMessageContaining("parameter 'fisher'").hasMessageContaining("only read by merge_method fisher");
        assertThatThrownBy(() -> run("""
                models:
                  - {model: model_a, parameters: {gram: ga.safetensors}}
                  - {model: model_b}
                merge_method: linear
                """, true)).hasMessageContaining("parameter 'gram'")
                .hasMessageContaining("only read by merge_method regmean, not linear");
    }

    @Test
    void yamlErrorsUnknownMethodsAndBadValuesNameTheRecipe() throws IOException {
        // Found by MergeRecipeFuzzTest (corpus recipe/bad-syntax.yaml, bad-method.yaml, bad-density.yaml)
        Path syntax = recipe("merge_method: linear\nmodels: [{model: model_a\n");
        assertThatThrownBy(() -> MergeRecipe.parse(syntax)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(syntax + ": not valid YAML").hasMessageContaining("line 3");
        Path method = recipe("merge_method: frankenmerge\nmodels: [{model: model_a}]\n");
        assertThatThrownBy(() -> MergeRecipe.parse(method))
                .hasMessageStartingWith(method + ": unknown merge method 'frankenmerge'");
        Path density = recipe("merge_method: ties\nbase_model: base\n"
                + "models: [{model: model_a, parameters: {density: 1.5}}]\n");
        assertThatThrownBy(() -> MergeRecipe.parse(density))
                .hasMessageStartingWith(density + ": parameter 'density' = 1.5 of model 'model_a'");
    }
}
