package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

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

/** mergekit recipes of nearswap, multislerp, karcher, nuslerp and arcee_fusion run through {@link RecipeMerge}. */
class MergekitSphRecipeTest {

    @TempDir Path dir;
    NamedTensors base;
    NamedTensors a;
    NamedTensors b;

    @BeforeEach
    void checkpoints() throws IOException {
        base = StreamingMergeTest.checkpoint(3, DType.F32);
        a = StreamingMergeTest.checkpoint(1, DType.F32);
        b = StreamingMergeTest.checkpoint(2, DType.F32);
        for (var e : Map.of("base", base, "model_a", a, "model_b", b).entrySet()) {
            Path d = Files.createDirectories(dir.resolve(e.getKey()));
            SafetensorsWriter.write(d.resolve("model.safetensors"), e.getValue(), Map.of("format", "pt"));
        }
    }

    private NamedTensors run(String yaml, String name) throws IOException {
        Path out = dir.resolve(name);
        RecipeMerge.merge(Files.writeString(dir.resolve(name + ".yaml"), yaml), out, false, w -> {});
        try (TensorSource s = TensorSource.open(out)) {
            return s.readAll();
        }
    }

    /** The kernel on the whole tensor with its shape, as float32. */
    private static Tensor kernel(String method, List<NamedTensors> models, NamedTensors baseModel, String tensor,
            Map<String, Double> global, List<Map<String, Double>> perModel) {
        long[] shape = models.getFirst().get(tensor).shape();
        List<float[]> arrays = new ArrayList<>();
        models.forEach(m -> arrays.add(m.get(tensor).toFloats()));
        MergeRequest.Builder r = MergeRequest.builder().setTensorName(tensor).setModels(arrays)
                .optGlobalParameters(global).optPerModelParameters(perModel).optShape(shape);
        if (baseModel != null) {
            r.optBase(baseModel.get(tensor).toFloats());
        }
        return Tensor.fromFloats(DType.F32, shape, MergeMethods.byName(method).merge(r.build()));
    }

    @Test
    void nearswapAndArceeFusionTakeTheBaseAndTheOtherModel() throws IOException {
        NamedTensors nearswap = run("""
                models:
                  - model: base
                  - model: model_a
                merge_method: nearswap
                base_model: base
                parameters:
                  t: 0.001
                dtype: float32
                """, "nearswap");
        NamedTensors fusion = run("""
                models:
                  - model: base
                  - model: model_a
                merge_method: arcee_fusion
                base_model: base
                dtype: float32
                """, "fusion");
        for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
            assertThat(nearswap.get(tensor)).as(tensor)
                    .isEqualTo(kernel("nearswap", List.of(a), base, tensor, Map.of("t", 0.001), List.of()));
            assertThat(fusion.get(tensor)).as(tensor)
                    .isEqualTo(kernel("arcee_fusion", List.of(a), base, tensor, Map.of(), List.of()));
        }
    }

    @Test
    void nuslerpAndMultislerpTakeAnOptionalBaseAndSkipItsModelsEntry() throws IOException {
        for (String method : List.of("nuslerp", "multislerp")) {
            NamedTensors merged = run("""
                    models:
                      - model: base
                      - model: model_a
                        parameters: {weight: 0.4}
                      - model: model_b
                        parameters: {weight: 0.6}
                    merge_method: %s
                    base_model: base
                    dtype: float32
                    """.formatted(method), method + "-base");
            for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
                assertThat(merged.get(tensor)).as("%s %s", method, tensor).isEqualTo(kernel(method, List.of(a, b),
                        base, tensor, Map.of(), List.of(Map.of("weight", 0.4), Map.of("weight", 0.6))));
            }
        }
    }

    @Test
    void nuslerpMultislerpAndKarcherRecipesRun() throws IOException {
        NamedTensors nuslerp = run("""
                models:
                  - model: model_a
                    parameters: {weight: 0.25}
                  - model: model_b
                    parameters: {weight: 0.75}
                merge_method: nuslerp
                parameters:
                  nuslerp_flatten: false
                  nuslerp_row_wise: true
                dtype: float32
                """, "nuslerp");
        NamedTensors multislerp = run("""
                models:
                  - model: model_a
                    parameters: {weight: 2}
                  - model: model_b
                    parameters: {weight: 1}
                merge_method: multislerp
                parameters:
                  normalize_weights: false
                dtype: float32
                """, "multislerp");
        NamedTensors karcher = run("""
                models:
                  - model: model_a
                  - model: model_b
                merge_method: karcher
                parameters:
                  max_iter: 5
                  tol: 1e-6
                dtype: float32
                """, "karcher");
        for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
            assertThat(nuslerp.get(tensor)).as(tensor).isEqualTo(kernel("nuslerp", List.of(a, b), null, tensor,
                    Map.of("nuslerp_flatten", 0.0, "nuslerp_row_wise", 1.0),
                    List.of(Map.of("weight", 0.25), Map.of("weight", 0.75))));
            assertThat(multislerp.get(tensor)).as(tensor).isEqualTo(kernel("multislerp", List.of(a, b), null, tensor,
                    Map.of("normalize_weights", 0.0), List.of(Map.of("weight", 2.0), Map.of("weight", 1.0))));
            assertThat(karcher.get(tensor)).as(tensor).isEqualTo(kernel("karcher", List.of(a, b), null, tensor,
                    Map.of("max_iter", 5.0, "tol", 1e-6), List.of()));
        }
    }
}
