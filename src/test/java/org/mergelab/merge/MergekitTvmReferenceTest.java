package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mergelab.merge.MergekitReferenceTest.assertMatchesToFloat32Rounding;
import static org.mergelab.merge.MergekitReferenceTest.doubles;
import static org.mergelab.merge.MergekitReferenceTest.floats;
import static org.mergelab.merge.MergekitReferenceTest.referenceCase;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * della, della_linear and sce against mergekit's rules (issue 11). The expected values in
 * {@code src/test/resources/mergekit/tvm/cases.json} come from {@code make_expected_tvm.py} beside it: numpy
 * transcriptions, written from the rules, of the mergekit functions each case names. DELLA's drop is random: the
 * script draws one uniform per entry and keeps an entry when it is below its keep probability, which is mergelab's
 * rule for its own stream; the test hands mergelab the same uniforms in place of that stream
 * ({@link TaskVectorFamilyMethod#mergeDrawingFrom}), so probabilities, ranks along axis 1, rescale, consensus and
 * lambda are all compared. Outputs must agree to one float32 rounding.
 */
class MergekitTvmReferenceTest {

    private static final JsonNode CASES = MergekitReferenceTest.load("/mergekit/tvm/cases.json");

    private static Map<String, Double> parameters(JsonNode object) {
        Map<String, Double> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    private static long[] shape(JsonNode c) {
        long[] shape = new long[c.get("shape").size()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = c.get("shape").get(d).asLong();
        }
        return shape;
    }

    private static MergeRequest request(JsonNode c) {
        List<float[]> models = new ArrayList<>();
        c.get("models").forEach(m -> models.add(floats(m)));
        List<Map<String, Double>> perModel = new ArrayList<>();
        c.get("per_model").forEach(p -> perModel.add(parameters(p)));
        return MergeRequest.builder().setTensorName(c.get("name").asText()).setModels(models)
                .optBase(floats(c.get("base"))).optShape(shape(c)).optPerModelParameters(perModel)
                .optGlobalParameters(parameters(c.get("global"))).build();
    }

    private static void assertDellaCaseMatches(String name) {
        JsonNode c = referenceCase(CASES, name);
        MergeRequest request = request(c);
        List<RandomGenerator> streams = new ArrayList<>();
        c.get("draws").forEach(d -> streams.add(DellaMergeTest.replay(doubles(d))));
        float[] merged = ((TaskVectorFamilyMethod) MergeMethods.byName(c.get("method").asText()))
                .mergeDrawingFrom(request, streams);
        assertMatchesToFloat32Rounding(merged, doubles(c.get("expected")), name + " (" + c.get("follows").asText()
                + ")");
    }

    /** The keep probabilities of mergekit.sparsify.della_magprune, ranked along axis 1. */
    @Test
    void keepProbabilitiesAreDellaMagprunesAlongAxisOne() {
        for (String name : List.of("della_rows", "della_one_dimensional_no_normalize",
                "della_three_dimensional_no_rescale", "della_linear_rows")) {
            JsonNode c = referenceCase(CASES, name);
            MergeRequest request = request(c);
            for (int i = 0; i < request.modelCount(); i++) {
                double[] tau = new double[request.length()];
                for (int j = 0; j < tau.length; j++) {
                    tau[j] = (double) request.models().get(i)[j] - request.base()[j];
                }
                Map<String, Double> p = request.perModelParameters().get(i);
                double[] actual = Sparsification.keepProbabilities(tau, request.shape(),
                        p.getOrDefault("density", 1.0), p.getOrDefault("epsilon", 0.15));
                assertThat(actual).as("%s model %d", name, i)
                        .containsExactly(doubles(c.get("probabilities").get(i)), within(1e-15));
            }
        }
    }

    /** della: GTATask.execute with sparsify.della_magprune and the sum consensus. */
    @Test
    void dellaIsGtaTaskExecuteWithDellaMagprune() {
        assertDellaCaseMatches("della_rows");
        assertDellaCaseMatches("della_one_dimensional_no_normalize");
        assertDellaCaseMatches("della_three_dimensional_no_rescale");
    }

    /** della_linear: GTATask.execute with sparsify.della_magprune and no consensus. */
    @Test
    void dellaLinearIsGtaTaskExecuteWithDellaMagprune() {
        assertDellaCaseMatches("della_linear_rows");
        assertDellaCaseMatches("della_linear_normalize_lambda");
    }

    /** sce: mergekit's merge_methods.sce.sce_merge (sce_mask, sce_weight, get_mask(sum)). */
    @Test
    void sceIsSceMerge() {
        for (String name : List.of("sce_no_select", "sce_select_half", "sce_select_0.3_four_models",
                "sce_select_0.1_two_models")) {
            JsonNode c = referenceCase(CASES, name);
            assertMatchesToFloat32Rounding(MergeMethods.byName("sce").merge(request(c)), doubles(c.get("expected")),
                    name + " (" + c.get("follows").asText() + ")");
        }
    }
}
