package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;
import picocli.CommandLine;

/** {@code mergelab gram} on two trained checkpoints, then a {@code regmean} merge of them through {@code merge}. */
class GramMergeCommandTest {

    @TempDir Path dir;

    private int run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertThat(code).as("mergelab %s: %s", String.join(" ", args), err).isZero();
        return code;
    }

    @Test
    void gramFilesFeedARegMeanMergeWhoseLinearLayerSolvesItsLeastSquaresProblem() throws Exception {
        for (String task : List.of("a", "b")) {
            Path cfg = Files.writeString(dir.resolve(task + ".yaml"), """
                    dataset: "builtin:size=96,test-size=32"
                    model: {depth: 8, width: 2}
                    training: {epochs: 1, batch_size: 32}
                    task: {name: %s, cue: %s}
                    seed: %d
                    """.formatted(task, task.equals("a") ? "color" : "noise", task.equals("a") ? 1 : 2));
            run("train", "--config", cfg.toString(), "--out", dir.resolve(task).toString(), "--quiet");
            run("gram", "--checkpoint", dir.resolve(task + "/" + task + ".safetensors").toString(), "--dataset",
                    "builtin:size=96,test-size=32", "--cue", task.equals("a") ? "color" : "noise", "--samples", "40",
                    "--threads", "1", "--out", dir.resolve(task + "/gram.safetensors").toString());
        }
        NamedTensors gramA;
        try (SafetensorsReader reader = SafetensorsReader.open(dir.resolve("a/gram.safetensors"))) {
            assertThat(reader.metadata()).containsEntry("format", "mergelab-gram").containsEntry("samples", "40")
                    .containsEntry("cue", "color");
        }
        try (TensorSource s = TensorSource.open(dir.resolve("a/gram.safetensors"))) {
            gramA = s.readAll();
        }
        NamedTensors gramB;
        try (TensorSource s = TensorSource.open(dir.resolve("b/gram.safetensors"))) {
            gramB = s.readAll();
        }
        // width 2: conv1 sees 3 x 3 x 3 patches, fc the 8 pooled features
        assertThat(gramA.get("conv1.weight").shape()).containsExactly(27, 27);
        assertThat(gramA.get("fc.weight").shape()).containsExactly(8, 8);
        Path recipe = Files.writeString(dir.resolve("regmean.yaml"), """
                models:
                  - {model: a/a.safetensors, parameters: {gram: a/gram.safetensors}}
                  - {model: b/b.safetensors, parameters: {gram: b/gram.safetensors}}
                merge_method: regmean
                parameters: {reduce_non_diagonal_ratio: 1.0}
                """);
        run("merge", recipe.toString(), "--out", dir.resolve("merged").toString());

        NamedTensors merged;
        NamedTensors a;
        NamedTensors b;
        try (TensorSource s = TensorSource.open(dir.resolve("merged"))) {
            merged = s.readAll();
        }
        try (TensorSource s = TensorSource.open(dir.resolve("a/a.safetensors"))) {
            a = s.readAll();
        }
        try (TensorSource s = TensorSource.open(dir.resolve("b/b.safetensors"))) {
            b = s.readAll();
        }
        // the first-order condition of min Σ_i ‖X_i Wᵀ − X_i W_iᵀ‖²: Σ_i (W − W_i) G_i = 0, here for fc and conv1
        for (String name : List.of("fc.weight", "conv1.weight")) {
            float[] w = merged.get(name).toFloats();
            float[] wa = a.get(name).toFloats();
            float[] wb = b.get(name).toFloats();
            float[] ga = gramA.get(name).toFloats();
            float[] gb = gramB.get(name).toFloats();
            int d = (int) gramA.get(name).shape()[0];
            int out = w.length / d;
            double scale = 0;
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < d; j++) {
                    double gradient = 0;
                    double magnitude = 0;
                    for (int k = 0; k < d; k++) {
                        gradient += (w[o * d + k] - wa[o * d + k]) * ga[k * d + j] + (w[o * d + k] - wb[o * d + k]) * gb[k * d + j];
                        magnitude += Math.abs(wa[o * d + k] * ga[k * d + j]) + Math.abs(wb[o * d + k] * gb[k * d + j]);
                    }
                    scale = Math.max(scale, magnitude);
                    assertThat(Math.abs(gradient)).as("%s gradient at [%d, %d]", name, o, j).isLessThan(1e-4 * magnitude + 1e-7);
                }
            }
            assertThat(scale).isPositive();
        }
        // biases and BatchNorm tensors are the plain mean
        float[] bias = merged.get("fc.bias").toFloats();
        for (int j = 0; j < bias.length; j++) {
            assertThat(bias[j]).isEqualTo((float) ((a.get("fc.bias").toFloats()[j] + (double) b.get("fc.bias").toFloats()[j]) / 2));
        }
        // the merged checkpoint is a working network
        try (Network net = Network.create(new ModelSpec("resnet", 8, 2), (int) merged.get("fc.bias").numel(), 0)) {
            net.load(merged);
        }
    }
}
