package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mergelab.merge.MergekitReferenceTest.assertMatchesToFloat32Rounding;
import static org.mergelab.merge.MergekitReferenceTest.doubles;
import static org.mergelab.merge.MergekitReferenceTest.floats;
import static org.mergelab.merge.MergekitReferenceTest.referenceCase;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

/**
 * The example recipes of the mergekit merge-method guide for breadcrumbs, breadcrumbs_ties, model_stock and dare_ties,
 * run through {@link RecipeMerge} with only their model names replaced (issue 11's acceptance), on the 3-layer
 * Llama-shaped fixtures of {@code src/test/resources/mergekit/llama} (and {@code canonical/model_c} for model_stock,
 * {@code canonical/wide} for breadcrumbs on tensors large enough to lose an outlier).
 * Their parameters are kept as written, {@code dtype: float16} included, so every output is float16 and must be the
 * float16 rounding of the expected value. The expected values in {@code canonical/cases.json} come from
 * {@code make_expected_canonical.py}: numpy transcriptions, written from the rules, of the mergekit functions each
 * case names.
 *
 * <p>dare_ties draws its masks. Two checks: the recipe's output is, bit for bit, the float16 rounding of
 * {@code dare_ties} merging each tensor with the recipe's parameters, shape and seed (0, the recipe gives none); and
 * {@code dare_ties} fed the script's uniforms in place of its stream ({@link TaskVectorFamilyMethod#mergeDrawingFrom})
 * matches the numpy reference to one float32 rounding, so the mask rule, L1 rescale, sign election, weights and
 * lambda are compared. The masks mergelab draws from its seed are its own (mergekit's are torch's).
 */
class MergekitCanonicalRecipeTest {

    private static final JsonNode CASES = MergekitReferenceTest.load("/mergekit/canonical/cases.json");

    @TempDir Path dir;

    /**
     * A fresh directory holding base, model_a, model_b (the Llama fixtures), model_c and wide/ (base, model_a,
     * model_b with tensors of 100 entries or more) from canonical/.
     */
    private Path fixtures(String name) throws Exception {
        Path mergekit = Path.of(MergekitCanonicalRecipeTest.class.getResource("/mergekit").toURI());
        Path work = Files.createDirectories(dir.resolve(name));
        for (Path model : List.of(mergekit.resolve("llama/base"), mergekit.resolve("llama/model_a"),
                mergekit.resolve("llama/model_b"), mergekit.resolve("canonical/model_c"),
                mergekit.resolve("canonical/wide/base"), mergekit.resolve("canonical/wide/model_a"),
                mergekit.resolve("canonical/wide/model_b"))) {
            Path to = Files.createDirectories(work.resolve(
                    model.getParent().getFileName().toString().equals("wide") ? "wide/" + model.getFileName()
                            : model.getFileName().toString()));
            try (var files = Files.list(model)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
            }
        }
        return work;
    }

    private static NamedTensors read(Path checkpoint) throws IOException {
        try (TensorSource source = TensorSource.open(checkpoint)) {
            return source.readAll();
        }
    }

    /** Runs the case's recipe in a fresh fixture directory; every output tensor must be float16. */
    private NamedTensors run(JsonNode c, Path work) throws IOException {
        Path recipe = Files.writeString(work.resolve("recipe.yaml"), c.get("yaml").asText());
        RecipeMerge.merge(recipe, work.resolve("out"), false, warning -> { });
        NamedTensors merged = read(work.resolve("out"));
        assertThat(merged.names()).containsExactlyInAnyOrderElementsOf(() -> c.get("expected").fieldNames());
        for (String name : merged.names()) {
            assertThat(merged.get(name).dtype()).as("%s %s", c.get("name").asText(), name).isEqualTo(DType.F16);
        }
        return merged;
    }

    /** The spacing of float16 values just above |value| (value a float16). */
    private static double float16Spacing(float value) {
        short bits = Float.floatToFloat16(Math.abs(value));
        return Float.float16ToFloat((short) (bits + 1)) - Math.abs(value);
    }

    /** Each element is the float16 rounding of the float64 reference: within half a float16 step (plus float32's). */
    private static void assertMatchesToFloat16Rounding(float[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int j = 0; j < expected.length; j++) {
            double tolerance = 0.5 * float16Spacing(actual[j]) + Math.ulp((float) expected[j]);
            assertThat(Math.abs(actual[j] - expected[j])).as("%s: element %d is %s, expected %s", what, j,
                    actual[j], expected[j]).isLessThanOrEqualTo(tolerance);
        }
    }

    private void assertRecipeMatchesReference(String name) throws Exception {
        JsonNode c = referenceCase(CASES, name);
        NamedTensors merged = run(c, fixtures(name));
        c.get("expected").properties().forEach(e -> assertMatchesToFloat16Rounding(merged.get(e.getKey()).toFloats(),
                doubles(e.getValue()), name + " " + e.getKey() + " (" + c.get("follows").asText() + ")"));
    }

    /** breadcrumbs: GTATask.execute with sparsify.magnitude_outliers (density 0.9, gamma 0.01), lambda 0.5. */
    @Test
    void breadcrumbsExampleRecipeMatchesGtaTaskWithMagnitudeOutliers() throws Exception {
        assertRecipeMatchesReference("breadcrumbs");
    }

    /** breadcrumbs_ties: the same with the sign election of get_mask(sum). */
    @Test
    void breadcrumbsTiesExampleRecipeMatchesGtaTaskWithMagnitudeOutliersAndSignElection() throws Exception {
        assertRecipeMatchesReference("breadcrumbs_ties");
    }

    /**
     * The two breadcrumbs recipes on checkpoints whose matrices have 144 to 192 entries, where int(gamma n) = 1
     * outlier is dropped (the Llama fixtures' tensors have at most 24, where none is: README, mergelab's differences).
     */
    @Test
    void breadcrumbsExampleRecipesDropOutliersOnWiderTensorsAsMagnitudeOutliers() throws Exception {
        assertRecipeMatchesReference("breadcrumbs_wide");
        assertRecipeMatchesReference("breadcrumbs_ties_wide");
    }

    /** model_stock: ModelStockMergeTask.execute, each tensor's interpolation from its mean pairwise cosine. */
    @Test
    void modelStockExampleRecipeMatchesModelStockMergeTask() throws Exception {
        assertRecipeMatchesReference("model_stock");
    }

    /** dare_ties: the recipe run is dare_ties of each tensor; dare_ties with the script's masks is the reference. */
    @Test
    void dareTiesExampleRecipeIsDareTiesOfEachTensorAndMatchesTheReferenceGivenTheSameMasks() throws Exception {
        JsonNode c = referenceCase(CASES, "dare_ties");
        Path work = fixtures("dare_ties");
        NamedTensors merged = run(c, work);
        NamedTensors base = read(work.resolve("base"));
        NamedTensors a = read(work.resolve("model_a"));
        NamedTensors b = read(work.resolve("model_b"));
        TaskVectorFamilyMethod dareTies = (TaskVectorFamilyMethod) MergeMethods.byName("dare_ties");
        boolean someEntryDropped = false;
        for (String name : merged.names()) {
            Tensor tensor = base.get(name);
            MergeRequest request = MergeRequest.builder().setTensorName(name)
                    .setModels(a.get(name).toFloats(), b.get(name).toFloats()).optBase(tensor.toFloats())
                    .optShape(tensor.shape()).optSeed(0)
                    .optPerModelParameters(List.of(Map.of("weight", 0.3, "density", 0.7),
                            Map.of("weight", 0.7, "density", 0.7)))
                    .optGlobalParameter("lambda", 0.5).build();
            float[] seeded = dareTies.merge(request);
            assertThat(merged.get(name).toFloats()).as("dare_ties %s", name)
                    .containsExactly(Tensor.fromFloats(DType.F16, tensor.shape(), seeded).toFloats());

            List<RandomGenerator> streams = new ArrayList<>();
            for (JsonNode draws : c.get("draws").get(name)) {
                streams.add(DellaMergeTest.replay(doubles(draws)));
                for (double u : doubles(draws)) {
                    someEntryDropped |= u >= 0.7;
                }
            }
            assertMatchesToFloat32Rounding(dareTies.mergeDrawingFrom(request, streams),
                    doubles(c.get("expected").get(name)), "dare_ties " + name + " (" + c.get("follows").asText()
                            + ")");
            assertThat(floats(c.get("expected").get(name))).as("dare_ties %s differs from the base", name)
                    .isNotEqualTo(tensor.toFloats());
        }
        assertThat(someEntryDropped).as("the script's masks drop entries").isTrue();
    }
}
