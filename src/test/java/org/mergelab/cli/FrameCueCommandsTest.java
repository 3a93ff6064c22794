package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkerboard frame cue through the commands: a task cue in an experiment's {@code protocols:} with its
 * {@code cues:} settings, probes {@code frame} and {@code frame-conflict} in {@code probes:} and in
 * {@code eval --probe}, and columns in {@code show-cues}.
 */
class FrameCueCommandsTest {

    @TempDir Path dir;

    @Test
    void frameIsATaskCueAnExperimentProbeAndAnEvalProbe() throws Exception {
        Path yaml = Files.writeString(dir.resolve("frame.yaml"), """
                name: frame
                dataset: "builtin:size=240,test-size=60"
                model: {architecture: resnet, depth: 8, width: 4}
                pretrain: {epochs: 1, batch_size: 64, learning_rate: 0.1}
                finetune: {epochs: 1, batch_size: 64, learning_rate: 0.1}
                cues: {frame: {size: 3}}
                protocols: {task-specific: [color, frame]}
                regimes: [incremental]
                alphas: [0.0, 1.0]
                bn_policies: [interpolate]
                probes: [base, frame, frame-conflict]
                seeds: [0]
                threads: 2
                test_size: 40
                """);
        Path out = dir.resolve("run");
        CommandRun r = CommandRun.of("run", yaml.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int alpha = header.indexOf("alpha");
        int probe = header.indexOf("probe");
        int correct = header.indexOf("correct");
        int total = header.indexOf("total");
        assertThat(rows.stream().skip(1).map(l -> l.split(",")[probe]).distinct())
                .containsExactlyInAnyOrder("base", "frame", "frame-conflict");

        // eval of theta2 (the frame model), with the run's test subset; the frame width comes from the lineage
        Path theta2 = out.resolve("checkpoints/seed0/task-specific-incremental-theta2-frame-b.safetensors");
        CommandRun eval = CommandRun.of("eval", "--checkpoint", theta2.toString(), "--dataset", "builtin:size=240,test-size=60",
                "--probe", "base,frame,frame-conflict", "--test-size", "40", "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(eval.out());
        for (String p : List.of("base", "frame", "frame-conflict")) {
            String[] atOne = rows.stream().skip(1).map(l -> l.split(","))
                    .filter(f -> f[probe].equals(p) && Double.parseDouble(f[alpha]) == 1.0).findFirst().orElseThrow();
            assertThat(json.at("/probes/" + p + "/total").asInt()).as(p).isEqualTo(40).isEqualTo(Integer.parseInt(atOne[total]));
            assertThat(json.at("/probes/" + p + "/correct").asInt()).as(p).isEqualTo(Integer.parseInt(atOne[correct]));
        }
        // the same probes with another frame width on the command line
        CommandRun wide = CommandRun.of("eval", "--checkpoint", theta2.toString(), "--dataset", "builtin:size=240,test-size=60",
                "--probe", "frame", "--probe", "frame-conflict", "--cue", "frame:size=1", "--test-size", "40");
        assertThat(wide.code()).as(wide.err()).isZero();
        assertThat(wide.out()).contains("frame ").contains("frame-conflict");
        // a misspelt probe is named
        CommandRun bad = CommandRun.of("eval", "--checkpoint", theta2.toString(), "--dataset", "builtin:size=240,test-size=60",
                "--probe", "frame-conflcit");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("frame-conflcit").contains("frame-conflict");
    }

    @Test
    void frameSettingsThatDoNotFitAreBadUsageNamingKeyAndValue() {
        CommandRun wide = CommandRun.of("eval", "--checkpoint", "x.safetensors", "--dataset", "builtin", "--cue", "frame:size=9");
        assertThat(wide.code()).isEqualTo(2);
        assertThat(wide.err()).contains("--cue").contains("size 9").contains("frame");
        CommandRun placed = CommandRun.of("eval", "--checkpoint", "x.safetensors", "--dataset", "builtin", "--cue", "frame:x=1,y=2");
        assertThat(placed.code()).isEqualTo(2);
        assertThat(placed.err()).contains("cues.frame").contains("x=1").contains("y=2");
    }

    @Test
    void showCuesHasFrameColumnsByDefault() throws Exception {
        Path png = dir.resolve("cues.png");
        CommandRun r = CommandRun.of("show-cues", "--dataset", "builtin:size=48,test-size=24", "--samples", "2", "--out", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        // none + color, noise, stripes, frame and their four conflict variants: nine columns of 128 + 6 px
        assertThat(img.getWidth()).isGreaterThan(9 * (128 + 6));
        assertThat(img.getWidth()).isLessThan(10 * (128 + 6));
    }
}
