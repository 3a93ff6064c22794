package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

class WeightForensicsTest {

    @TempDir Path dir;

    // A ResNet-named model; task vectors τ = θ − θ_base by tensor:
    //   conv1.weight           τa = [1, −2, 3, 0]   τb = [2, 2, 0, 1]
    //   bn1.weight             τa = [0.5, 0]        τb = [−0.5, 0]
    //   bn1.running_mean       left out (a running statistic), as is bn1.num_batches_tracked (I64)
    //   layer1.0.conv1.weight  τa = [1, 2, 0, 0]    τb = [1, −1, 0, 0]
    //   fc.weight              τa = [1, 1]          τb = [1, 1]
    //   fc.bias                τa = [0]             τb = [0]
    private Path write(String name, float[] conv1, float[] bn1, float[] runningMean, float[] layer1, float[] fcWeight,
            float[] fcBias) throws IOException {
        NamedTensors t = new NamedTensors();
        t.put("conv1.weight", Tensor.ofFloats(new long[] {4, 1, 1, 1}, conv1));
        t.put("bn1.weight", Tensor.ofFloats(new long[] {2}, bn1));
        t.put("bn1.running_mean", Tensor.ofFloats(new long[] {2}, runningMean));
        t.put("bn1.num_batches_tracked", Tensor.fromDoubles(DType.I64, new long[] {}, new double[] {7}));
        t.put("layer1.0.conv1.weight", Tensor.ofFloats(new long[] {2, 2}, layer1));
        t.put("fc.weight", Tensor.ofFloats(new long[] {1, 2}, fcWeight));
        t.put("fc.bias", Tensor.ofFloats(new long[] {1}, fcBias));
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, t, Map.of());
        return file;
    }

    private Path base() throws IOException {
        return write("base", new float[4], new float[] {1, 1}, new float[2], new float[] {1, 1, 1, 1}, new float[2],
                new float[] {0.25f});
    }

    private Path a() throws IOException {
        return write("a", new float[] {1, -2, 3, 0}, new float[] {1.5f, 1}, new float[] {5, 5},
                new float[] {2, 3, 1, 1}, new float[] {1, 1}, new float[] {0.25f});
    }

    private Path b() throws IOException {
        return write("b", new float[] {2, 2, 0, 1}, new float[] {0.5f, 1}, new float[] {7, 7},
                new float[] {2, 0, 1, 1}, new float[] {1, 1}, new float[] {0.25f});
    }

    private static WeightForensics forensics(Path base, Path a, Path b, List<Double> densities) throws IOException {
        return WeightForensics.builder().setBase(base).setA(a).setB(b).optDensities(densities).compute();
    }

    @Test
    void normsCosinesConflictsPerGroupAndTotal() throws IOException {
        WeightForensics f = forensics(base(), a(), b(), List.of(1.0));
        assertThat(f.groups()).extracting(WeightForensics.Figures::name).containsExactly("stem", "layer1", "fc");

        WeightForensics.Figures stem = f.groups().get(0);
        // conv1 + bn1.weight: |τa|² = 14 + 0.25, |τb|² = 9 + 0.25, τa·τb = (2 − 4) − 0.25
        assertThat(stem.tensors()).isEqualTo(2);
        assertThat(stem.elements()).isEqualTo(6);
        assertThat(stem.normA()).isEqualTo(Math.sqrt(14.25));
        assertThat(stem.normB()).isEqualTo(Math.sqrt(9.25));
        assertThat(stem.dot()).isEqualTo(-2.25);
        assertThat(stem.cosine()).isCloseTo(-2.25 / Math.sqrt(14.25 * 9.25), within(1e-15));
        // both non-zero: conv1 [0], [1]; bn1 [0]. Conflicts: conv1 [1], bn1 [0]
        assertThat(stem.bothNonZero()).isEqualTo(3);
        assertThat(stem.signConflictRate()).isEqualTo(2.0 / 3.0);

        WeightForensics.Figures layer1 = f.groups().get(1);
        assertThat(layer1.normA()).isEqualTo(Math.sqrt(5));
        assertThat(layer1.normB()).isEqualTo(Math.sqrt(2));
        assertThat(layer1.cosine()).isCloseTo(-1 / Math.sqrt(10), within(1e-15));
        assertThat(layer1.signConflictRate()).isEqualTo(0.5);

        WeightForensics.Figures fc = f.groups().get(2);
        assertThat(fc.tensors()).isEqualTo(2);
        assertThat(fc.cosine()).isEqualTo(1.0);
        assertThat(fc.signConflictRate()).isEqualTo(0.0);

        WeightForensics.Figures total = f.total();
        assertThat(total.tensors()).isEqualTo(5);
        assertThat(total.elements()).isEqualTo(13);
        assertThat(total.normA()).isEqualTo(Math.sqrt(21.25));
        assertThat(total.normB()).isEqualTo(Math.sqrt(13.25));
        assertThat(total.cosine()).isCloseTo(-1.25 / Math.sqrt(21.25 * 13.25), within(1e-15));
        assertThat(total.signConflictRate()).isEqualTo(3.0 / 7.0);
    }

    @Test
    void tiesSharesCountTheEntriesThatEnterTheDisjointMean() throws IOException {
        WeightForensics f = forensics(base(), a(), b(), List.of(0.5, 1.0));
        // density 0.5 keeps int(0.5 n) entries per tensor, equal magnitudes by the lower index:
        //   conv1  τa' = [0, −2, 3, 0], τb' = [2, 2, 0, 0]; sums [2, 0, 3, 0] elect [+, + (0), +, +]: a {2}, b {0, 1}
        //   bn1    τa' = [0.5, 0], τb' = [−0.5, 0]; sum 0 elects +: a {0}
        //   layer1 τa' = [1, 2, 0, 0], τb' = [1, −1, 0, 0]; sums [2, 1]: a {0, 1}, b {0}
        //   fc.weight τa' = τb' = [1, 0]: a {0}, b {0}; fc.bias keeps int(0.5) = 0 entries
        // density 1 keeps everything: conv1 a {0, 2}, b {0, 1, 3}; bn1 a {0}; layer1 a {0, 1}, b {0}; fc a, b {0, 1}
        assertThat(f.groups().get(0).ties()).containsExactly(new WeightForensics.TiesEntries(0.5, 2, 2),
                new WeightForensics.TiesEntries(1.0, 3, 3));
        assertThat(f.groups().get(1).ties()).containsExactly(new WeightForensics.TiesEntries(0.5, 2, 1),
                new WeightForensics.TiesEntries(1.0, 2, 1));
        assertThat(f.groups().get(2).ties()).containsExactly(new WeightForensics.TiesEntries(0.5, 1, 1),
                new WeightForensics.TiesEntries(1.0, 2, 2));
        WeightForensics.TiesEntries total = f.total().ties().getFirst();
        assertThat(total).isEqualTo(new WeightForensics.TiesEntries(0.5, 5, 4));
        assertThat(total.shareA()).isEqualTo(5.0 / 9.0);
        assertThat(total.shareB()).isEqualTo(4.0 / 9.0);
    }

    @Test
    void identicalModelsHaveNoConflictsAndUndefinedFiguresAreNullInJson() throws Exception {
        Path base = base();
        WeightForensics f = forensics(base, base, base, List.of(0.2));
        assertThat(f.total().normA()).isZero();
        assertThat(f.total().cosine()).isNaN();
        assertThat(f.total().signConflictRate()).isNaN();
        assertThat(f.total().ties().getFirst().shareA()).isNaN();
        JsonNode json = new ObjectMapper().readTree(f.toJson());
        assertThat(json.get("format_version").asInt()).isEqualTo(1);
        assertThat(json.get("total").get("cosine").isNull()).isTrue();
        assertThat(json.get("total").get("ties").get(0).get("share_a").isNull()).isTrue();
        assertThat(f.toText()).contains("stem", "layer1", "fc", "total", "n/a", "ties@0.2 a");
    }

    @Test
    void jsonCarriesTheFigures() throws Exception {
        JsonNode json = new ObjectMapper().readTree(forensics(base(), a(), b(), List.of(0.5)).toJson());
        JsonNode total = json.get("total");
        assertThat(total.get("norm_a").asDouble()).isEqualTo(Math.sqrt(21.25));
        assertThat(total.get("sign_conflict_rate").asDouble()).isEqualTo(3.0 / 7.0);
        assertThat(total.get("ties").get(0).get("kept_a").asLong()).isEqualTo(5);
        assertThat(json.get("groups").get(0).get("name").asText()).isEqualTo("stem");
    }

    @Test
    void predictedRetentionOfALinearMergeIsItsClosedForm() throws Exception {
        // θ_m = 0.75 θ_a + 0.25 θ_b (exact in float32 here), so τ_m = 0.75 τ_a + 0.25 τ_b
        Path merged = write("merged", new float[] {1.25f, -1, 2.25f, 0.25f}, new float[] {1.25f, 1}, new float[2],
                new float[] {2, 2.25f, 1, 1}, new float[] {1, 1}, new float[] {0.25f});
        WeightForensics f = WeightForensics.builder().setBase(base()).setA(a()).setB(b()).optMerged(merged).compute();
        WeightForensics.Figures total = f.total();
        // R̂_a = 0.75 + 0.25 τ_a·τ_b / |τ_a|², R̂_b = 0.25 + 0.75 τ_a·τ_b / |τ_b|²
        assertThat(total.predictedRetentionA()).isCloseTo(0.75 + 0.25 * -1.25 / 21.25, within(1e-15));
        assertThat(total.predictedRetentionB()).isCloseTo(0.25 + 0.75 * -1.25 / 13.25, within(1e-15));
        for (WeightForensics.Figures g : f.groups()) {
            assertThat(g.predictedRetentionA()).as(g.name()).isCloseTo(
                    PredictedRetention.ofLinearCombination(0.75, 0.25, g.squaredNormA(), g.dot()), within(1e-15));
            assertThat(g.predictedRetentionB()).as(g.name()).isCloseTo(
                    PredictedRetention.ofLinearCombination(0.25, 0.75, g.squaredNormB(), g.dot()), within(1e-15));
        }
        // merging a with itself keeps all of a; without a merge there is no prediction
        WeightForensics self = WeightForensics.builder().setBase(base()).setA(a()).setB(b()).optMerged(a()).compute();
        assertThat(self.total().predictedRetentionA()).isEqualTo(1.0);
        assertThat(forensics(base(), a(), b(), List.of(0.5)).total().predictedRetentionA()).isNaN();
        JsonNode json = new ObjectMapper().readTree(f.toJson());
        assertThat(json.get("merged").asText()).isEqualTo(merged.toString());
        assertThat(json.get("total").get("predicted_retention_a").asDouble()).isEqualTo(total.predictedRetentionA());
        assertThat(f.toText()).contains("R^ a", merged.toString());
    }

    @Test
    void directoriesAndShardedCheckpointsAreReadLikeFiles() throws IOException {
        Path model = Files.createDirectories(dir.resolve("a-dir"));
        Files.copy(a(), model.resolve("model.safetensors"));
        WeightForensics fromFile = forensics(base(), a(), b(), List.of(0.5));
        assertThat(forensics(base(), model, b(), List.of(0.5)).groups()).isEqualTo(fromFile.groups());
        NamedTensors tensors;
        try (TensorSource source = TensorSource.open(b())) {
            tensors = source.readAll();
        }
        Path sharded = ShardedSafetensors.write(Files.createDirectories(dir.resolve("b-sharded")), tensors, Map.of(), 24);
        WeightForensics fromShards = forensics(base(), a(), sharded, List.of(0.5));
        assertThat(fromShards.groups()).isEqualTo(fromFile.groups());
        assertThat(fromShards.total()).isEqualTo(fromFile.total());
    }

    @Test
    void nonFiniteWeightNamesTheFileAndTensor() throws IOException {
        Path bad = write("bad", new float[] {1, Float.NaN, 3, 0}, new float[] {1, 1}, new float[2],
                new float[4], new float[2], new float[1]);
        assertThatThrownBy(() -> forensics(base(), a(), bad, List.of(0.5)))
                .hasMessageContainingAll(bad.toString(), "'conv1.weight'", "element 1");
    }

    @Test
    void mismatchedShapesNameTheTensorAndBothFiles() throws IOException {
        NamedTensors t = new NamedTensors();
        t.put("conv1.weight", Tensor.ofFloats(new long[] {2}, new float[2]));
        Path other = dir.resolve("other.safetensors");
        SafetensorsWriter.write(other, t, Map.of());
        Path base = base();
        assertThatThrownBy(() -> forensics(base, a(), other, List.of(0.5)))
                .hasMessageContainingAll("'conv1.weight'", base.toString(), other.toString());
    }

    @Test
    void densityOutsideTheUnitIntervalIsNamed() {
        assertThatThrownBy(() -> forensics(base(), a(), b(), List.of(1.5)))
                .hasMessageContainingAll("density", "1.5");
    }
}
