package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * regmean against {@code src/test/resources/regmean/cases.json}, written by {@code make_expected_regmean.py}: a
 * numpy transcription of FusionBench's {@code regmean_params_merge} and {@code reduce_non_diagonal_elements}
 * (fusion_bench/method/regmean/regmean.py), solved with numpy's LU where mergelab uses Cholesky.
 */
class RegMeanReferenceTest {

    @Test
    void everyCaseMatchesTheNumpyReference() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/regmean/cases.json").toFile());
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            List<float[]> models = new ArrayList<>();
            c.get("models").forEach(m -> models.add(floats(m)));
            List<Map<String, Double>> weights = new ArrayList<>();
            c.get("weights").forEach(w -> weights.add(Map.of("weight", w.asDouble())));
            long[] shape = new long[c.get("shape").size()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = c.get("shape").get(k).asLong();
            }
            MergeRequest.Builder request = MergeRequest.builder().setTensorName(name).setModels(models)
                    .optShape(shape).optPerModelParameters(weights)
                    .optGlobalParameters(Map.of("reduce_non_diagonal_ratio", c.get("alpha").asDouble()));
            if (!c.get("grams").isNull()) {
                List<float[]> grams = new ArrayList<>();
                c.get("grams").forEach(g -> grams.add(floats(g)));
                request.optAuxiliary(grams);
            }
            float[] merged = MergeMethods.byName("regmean").merge(request.build());
            JsonNode expected = c.get("expected");
            assertThat(merged).as(name).hasSize(expected.size());
            for (int j = 0; j < merged.length; j++) {
                double e = expected.get(j).asDouble();
                assertThat((double) merged[j]).as("%s, element %d", name, j)
                        .isCloseTo(e, org.assertj.core.data.Offset.offset(2e-6 * Math.max(1.0, Math.abs(e))));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(6);
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) array.get(j).asDouble();
        }
        return out;
    }
}
