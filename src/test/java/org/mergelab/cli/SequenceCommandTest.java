package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mergelab run} with longer sequences: sequence.csv, the report section and the console's lines. */
class SequenceCommandTest {

    @TempDir Path dir;

    @Test
    void runPrintsEachSequencesFinalFiguresAndFindingThreeAtLength() throws Exception {
        Path yaml = Files.writeString(dir.resolve("sequence.yaml"), """
                name: sequence
                dataset: "builtin:size=240,test-size=60"
                model: {architecture: resnet, depth: 8, width: 4}
                pretrain: {epochs: 1, batch_size: 64, learning_rate: 0.1}
                finetune: {epochs: 1, batch_size: 64, learning_rate: 0.1}
                protocols: {task-specific: [color, noise]}
                alphas: [0.0, 1.0]
                bn_policies: [interpolate]
                probes: [base, color]
                seeds: [0]
                threads: 2
                test_size: 40
                sequences: {task-specific: [color, noise, frame]}
                strategies: [none, {method: trajectory_ema, beta: 0.5}]
                """);
        Path out = dir.resolve("run");
        CommandRun r = CommandRun.of("run", yaml.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Sequence task-specific [color, noise, frame], BN interpolate, after step 3")
                .containsPattern("incremental +trajectory_ema \\(beta=0\\.5\\) +ACC ")
                .containsPattern("parallel +none +ACC ")
                .contains("Finding 3 at length")
                .containsPattern("task-specific, BN interpolate, none: 0\\.000 \\(SE n/a\\), .*; from step 2 to 3: .* \\(insufficient seeds\\)");
        assertThat(out.resolve("sequence.csv")).exists();
        assertThat(Files.readString(out.resolve("report.html"))).contains("<h2>Longer sequences</h2>");
        assertThat(Files.readString(out.resolve("experiment.yaml"))).contains("parts: 3")
                .contains("strategies:").contains("beta: 0.5");
    }
}
