package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;

class CheckpointDiffTest {

    @TempDir Path dir;

    Path write(String name, float[] w, float[] bias) throws IOException {
        NamedTensors t = new NamedTensors();
        t.put("layer1.0.conv1.weight", Tensor.ofFloats(new long[] {2, 2}, w));
        t.put("layer1.0.conv1.bias", Tensor.ofFloats(new long[] {2}, bias));
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, t, Map.of());
        return file;
    }

    @Test
    void handComputedValuesPerTensorPerLayerAndTotal() throws IOException {
        // weight a = [1, 0, 0, 1], b = [1, 0, 0, -1]: distance 2, cosine 0, signs agree 1 of 2 non-zero, 1 of 4 changed
        // bias a = [3, 4], b = [3, 4]: distance 0, cosine 1
        Path a = write("a", new float[] {1, 0, 0, 1}, new float[] {3, 4});
        Path b = write("b", new float[] {1, 0, 0, -1}, new float[] {3, 4});
        CheckpointDiff diff = CheckpointDiff.compare(a, b, 1e-6);
        TensorDiff w = diff.tensors().getFirst();
        assertThat(w.l2Distance()).isEqualTo(2.0);
        assertThat(w.cosineSimilarity()).isEqualTo(0.0);
        assertThat(w.signAgreement()).isEqualTo(0.5);
        assertThat(w.fractionChanged()).isEqualTo(0.25);
        assertThat(diff.layers()).hasSize(1);
        CheckpointDiff.Summary layer = diff.layers().getFirst();
        assertThat(layer.name()).isEqualTo("layer1.0.conv1");
        assertThat(layer.elements()).isEqualTo(6);
        assertThat(layer.l2Distance()).isEqualTo(2.0);
        // a·b = 1 - 1 + 9 + 16 = 25, |a|² = |b|² = 27
        assertThat(layer.cosineSimilarity()).isCloseTo(25.0 / 27.0, within(1e-12));
        assertThat(layer.signAgreement()).isCloseTo(3.0 / 4.0, within(1e-12));
        assertThat(layer.fractionChanged()).isCloseTo(1.0 / 6.0, within(1e-12));
        assertThat(diff.total()).isEqualTo(new CheckpointDiff.Summary("total", 2, 6, layer.l2Distance(),
                layer.cosineSimilarity(), layer.signAgreement(), layer.fractionChanged()));
        assertThat(diff.toJson()).contains("\"format_version\" : 1", "\"layer1.0.conv1\"");
    }

    @Test
    void mismatchedShapesNameTheTensorAndBothFiles() throws IOException {
        Path a = write("a", new float[] {1, 0, 0, 1}, new float[] {3, 4});
        NamedTensors t = new NamedTensors();
        t.put("layer1.0.conv1.weight", Tensor.ofFloats(new long[] {4}, new float[4]));
        t.put("layer1.0.conv1.bias", Tensor.ofFloats(new long[] {2}, new float[2]));
        Path b = dir.resolve("b.safetensors");
        SafetensorsWriter.write(b, t, Map.of());
        assertThatThrownBy(() -> CheckpointDiff.compare(a, b, 1e-6))
                .hasMessageContainingAll("'layer1.0.conv1.weight'", a.toString(), b.toString(), "[2, 2]", "[4]");
    }
}
