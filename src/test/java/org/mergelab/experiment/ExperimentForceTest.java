package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.time.Duration;
import org.mergelab.config.ConfigReader;
import org.mergelab.work.Claim;
import org.mergelab.work.ClaimDirectory;

/** {@code run --force} deletes only mergelab's own unit outputs; a directory mergelab did not make is refused. */
class ExperimentForceTest {

    @TempDir Path dir;

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void forceOverAnotherConfigDeletesOnlyTheUnitOutputsItDoesNotReuse() throws Exception {
        Path out = dir.resolve("run");
        ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).run();
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("units/mine.json"), "{\"format\": \"my-own\"}");
        Files.writeString(out.resolve("checkpoints/mine.safetensors"), "not a unit checkpoint");
        List<String> checkpoints;
        try (Stream<Path> walk = Files.walk(out.resolve("checkpoints"))) {
            checkpoints = walk.map(p -> out.relativize(p).toString()).sorted().toList();
        }
        assertThat(names(out.resolve("units"))).anyMatch(n -> n.endsWith("-interpolate.json"));

        ExperimentConfig other = ConfigReader.parse(ReducedExperiment.TINY_YAML.replace("bn_policies: [interpolate]",
                "bn_policies: [recalibrate]"), ExperimentConfig.class, "other.yaml");
        assertThatThrownBy(() -> ExperimentRunner.create(other, out, false, ExperimentProgress.SILENT).run())
                .hasMessageContaining("different config");
        ExperimentRunner.Outcome o = ExperimentRunner.create(other, out, true, ExperimentProgress.SILENT).run();

        assertThat(o.unitsRun()).as("only the merge units differ").isEqualTo(4);
        assertThat(names(out.resolve("units"))).noneMatch(n -> n.endsWith("-interpolate.json"))
                .anyMatch(n -> n.endsWith("-recalibrate.json")).contains("mine.json");
        try (Stream<Path> walk = Files.walk(out.resolve("checkpoints"))) {
            assertThat(walk.map(p -> out.relativize(p).toString()).sorted().toList()).isEqualTo(checkpoints);
        }
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("mine");
        assertThat(Files.readString(out.resolve("units/mine.json"))).isEqualTo("{\"format\": \"my-own\"}");
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).contains("recalibrate").doesNotContain("interpolate");
    }

    @Test
    void forceIsRefusedWhileALiveWorkerHoldsAClaimThere() throws Exception {
        Path out = dir.resolve("busy");
        ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).run();
        String results = Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE));
        ExperimentConfig other = ConfigReader.parse(ReducedExperiment.TINY_YAML.replace("bn_policies: [interpolate]",
                "bn_policies: [recalibrate]"), ExperimentConfig.class, "other.yaml");
        try (ClaimDirectory worker = ClaimDirectory.open(out.resolve(ExperimentRunner.CLAIMS_DIRECTORY), "other-worker",
                Duration.ofSeconds(60)); Claim claim = worker.tryClaim("a".repeat(64)).orElseThrow()) {
            assertThatThrownBy(() -> ExperimentRunner.create(other, out, true, ExperimentProgress.SILENT).run())
                    .hasMessageContaining(out.toString())
                    .hasMessageContaining("--force would delete outputs of the previous config while 1 live worker claim")
                    .hasMessageContaining("other-worker");
            assertThat(claim.lost()).isFalse();
        }
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(results);
        assertThat(names(out.resolve("units"))).anyMatch(n -> n.endsWith("-interpolate.json"));
        // once the worker is gone, --force replaces the old config's outputs
        ExperimentRunner.create(other, out, true, ExperimentProgress.SILENT).run();
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).contains("recalibrate");
    }

    @Test
    void aDirectoryMergelabDidNotMakeIsRefusedWithOrWithoutForce() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("thesis"));
        Files.writeString(mine.resolve("results.csv"), "my own results");
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> ExperimentRunner.create(ReducedExperiment.tinyConfig(), mine, force,
                    ExperimentProgress.SILENT).run()).hasMessageContaining(mine.toString()).hasMessageContaining("not made by mergelab");
        }
        assertThat(names(mine)).containsExactly("results.csv");
        assertThat(Files.readString(mine.resolve("results.csv"))).isEqualTo("my own results");
    }
}
