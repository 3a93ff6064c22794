package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.ResultRow;
import org.mergelab.eval.SequenceRow;

/** Longer sequences (PROTOCOL.md, "Beyond two tasks") on a tiny built-in run: units, reuse, rows and figures. */
class ExperimentSequencesTest {

    @TempDir
    Path dir;

    private static ExperimentConfig config(String extra) {
        return ConfigReader.parse(ReducedExperiment.TINY_YAML + extra, ExperimentConfig.class, "sequence.yaml");
    }

    private static ExperimentRunner.Outcome run(ExperimentConfig config, Path out, boolean force) {
        return ExperimentRunner.create(config, out, force, ExperimentProgress.SILENT).run();
    }

    @Test
    void withTwoPartsTheSecondStepIsTheProtocolsTheta2AndStrategyNoneProbesIt() throws Exception {
        ExperimentConfig config = config("""
                protocols: {task-specific: [color, noise]}
                sequences: {task-specific: [color, noise]}
                parts: 2
                strategies: [none]
                """);
        Path out = dir.resolve("two");
        List<ExperimentUnit> units = ExperimentRunner.create(config, out, false, ExperimentProgress.SILENT).plan().stream()
                .map(ExperimentRunner.PlannedUnit::unit).toList();
        List<TrainingUnit> training = units.stream().filter(u -> u instanceof TrainingUnit).map(u -> (TrainingUnit) u).toList();
        assertThat(training).as("theta0, theta1 and the protocol's two theta2: the sequence adds no training")
                .extracting(TrainingUnit::name).containsExactly("seed0/theta0", "seed0/theta1",
                        "seed0/task-specific/incremental/theta2", "seed0/task-specific/parallel/theta2");
        SequenceUnit step2 = units.stream().filter(u -> u instanceof SequenceUnit s && s.step() == 2
                && s.regime() == org.mergelab.eval.Regime.INCREMENTAL).map(u -> (SequenceUnit) u).findFirst().orElseThrow();
        assertThat(step2.models().getLast()).isSameAs(training.get(2));

        run(config, out, false);
        // a run of the protocol alone, elsewhere, makes the same theta2
        Path alone = dir.resolve("alone");
        run(config("protocols: {task-specific: [color, noise]}\n"), alone, false);
        String sequenceId = CheckpointStore.read(step2.models().getLast().output()).id();
        String protocolId = CheckpointStore.read(alone.resolve("checkpoints/seed0/task-specific-incremental-theta2-noise-b.safetensors")).id();
        assertThat(sequenceId).isEqualTo(protocolId);

        // strategy none after step 2 probes theta2: the protocol's rows at alpha 1 (BN interpolate)
        List<SequenceRow> rows = SequenceCsv.read(out.resolve(ExperimentRunner.SEQUENCE_FILE));
        List<ResultRow> results = ResultsCsv.read(out.resolve(ExperimentRunner.RESULTS_FILE));
        for (String probe : List.of("base", "color")) {
            SequenceRow row = rows.stream().filter(r -> r.step() == 2 && r.regime() == org.mergelab.eval.Regime.INCREMENTAL
                    && r.probe().equals(probe)).findFirst().orElseThrow();
            ResultRow protocolRow = results.stream().filter(r -> r.protocol().equals("task-specific") && r.alpha() == 1.0
                    && r.regime() == org.mergelab.eval.Regime.INCREMENTAL && r.probe().equals(probe)).findFirst().orElseThrow();
            assertThat(row.correct()).as(probe).isEqualTo(protocolRow.correct());
            assertThat(row.total()).isEqualTo(protocolRow.total());
        }
        assertThat(rows).as("step 2 probes base and both cues").filteredOn(r -> r.step() == 2
                && r.regime() == org.mergelab.eval.Regime.INCREMENTAL).extracting(SequenceRow::probe)
                .containsExactly("base", "color", "noise");
        assertThat(rows).as("step 1 probes base and the first cue").filteredOn(r -> r.step() == 1
                && r.regime() == org.mergelab.eval.Regime.INCREMENTAL).extracting(SequenceRow::probe)
                .containsExactly("base", "color");
    }

    @Test
    void addingAFifthCueToAFinishedRunReusesEveryEarlierUnit() throws Exception {
        String four = """
                protocols: {task-specific: [color, noise]}
                sequences: {task-specific: [color, noise, stripes, frame]}
                parts: 5
                strategies: [none, trajectory_uniform, {method: ties, density: 0.5}]
                """;
        Path out = dir.resolve("grow");
        ExperimentConfig k4 = config(four);
        ExperimentRunner.Outcome first = run(k4, out, false);
        String sequenceCsv = Files.readString(out.resolve(ExperimentRunner.SEQUENCE_FILE));

        ExperimentConfig k5 = config(four.replace("[color, noise, stripes, frame]", "[color, noise, stripes, frame, noise-blend]"));
        ExperimentRunner grown = ExperimentRunner.create(k5, out, true, ExperimentProgress.SILENT);
        List<ExperimentRunner.PlannedUnit> plan = grown.plan();
        Set<String> earlier = ExperimentRunner.create(k4, dir.resolve("plan-only"), false, ExperimentProgress.SILENT).plan()
                .stream().map(p -> p.unit().key()).collect(Collectors.toSet());
        assertThat(first.unitsRun()).isEqualTo(earlier.size());
        Map<Boolean, List<ExperimentRunner.PlannedUnit>> byDone = plan.stream()
                .collect(Collectors.partitioningBy(ExperimentRunner.PlannedUnit::done));
        assertThat(byDone.get(true)).extracting(p -> p.unit().key()).as("every unit of the K = 4 run is reused")
                .containsExactlyInAnyOrderElementsOf(earlier);
        assertThat(byDone.get(false)).as("what is new: step 5's training in both regimes and its probes")
                .allMatch(p -> p.unit() instanceof SequenceUnit s ? s.step() == 5 : p.unit().name().endsWith("theta5"))
                .hasSize(2 + 2 * 3);

        ExperimentRunner.Outcome second = grown.run();
        assertThat(second.unitsReused()).isEqualTo(earlier.size());
        assertThat(second.unitsRun()).isEqualTo(8);
        List<String> before = sequenceCsv.lines().skip(1).toList();
        List<String> after = Files.readString(out.resolve(ExperimentRunner.SEQUENCE_FILE)).lines().skip(1)
                .filter(l -> !l.split(",")[5].equals("5")).toList();
        assertThat(after).as("steps 1..4 as before").containsExactlyInAnyOrderElementsOf(before);

        JsonNode summary = SummaryJson.read(out.resolve(ExperimentRunner.SUMMARY_FILE));
        JsonNode tables = summary.path("sequences").path("tables");
        assertThat(tables.size()).as("2 regimes x 1 BN policy x 3 strategies").isEqualTo(6);
        JsonNode table = tables.get(0);
        assertThat(table.path("kind").asText()).isEqualTo("task-specific");
        assertThat(table.path("accuracy").size()).isEqualTo(6);
        assertThat(table.path("steps").size()).isEqualTo(5);
        assertThat(table.path("steps").get(0).path("bwt").path("mean").isNull()).as("BWT is undefined at step 1").isTrue();
        JsonNode length = summary.path("sequences").path("incremental_minus_parallel");
        assertThat(length.size()).as("one per strategy").isEqualTo(3);
        assertThat(length.get(0).path("steps").get(0).path("difference").path("mean").asDouble())
                .as("step 1 tests the same model in both regimes").isEqualTo(0.0);
    }

    @Test
    void underRecalibrateBothRegimesTestStepOneWithTheSameStatistics() throws Exception {
        ExperimentConfig config = ConfigReader.parse(ReducedExperiment.TINY_YAML.replace("bn_policies: [interpolate]",
                "bn_policies: [recalibrate]").replace("calibration_images: 96", "calibration_images: 60") + """
                protocols: {task-specific: [color, noise]}
                sequences: {task-specific: [color, noise, stripes]}
                strategies: [none, magmax]
                """, ExperimentConfig.class, "recalibrate.yaml");
        Path out = dir.resolve("recalibrate");
        run(config, out, false);
        List<SequenceRow> rows = SequenceCsv.read(out.resolve(ExperimentRunner.SEQUENCE_FILE));
        List<SequenceRow> step1 = rows.stream().filter(r -> r.step() == 1).toList();
        assertThat(step1).hasSize(2 * 2 * 2); // regimes x strategies x probes (base, colour)
        for (SequenceRow inc : step1.stream().filter(r -> r.regime() == org.mergelab.eval.Regime.INCREMENTAL).toList()) {
            SequenceRow par = step1.stream().filter(r -> r.regime() == org.mergelab.eval.Regime.PARALLEL
                    && r.strategy().equals(inc.strategy()) && r.probe().equals(inc.probe())).findFirst().orElseThrow();
            assertThat(par.correct()).as("%s %s", inc.strategy(), inc.probe()).isEqualTo(inc.correct());
        }
        JsonNode length = SummaryJson.read(out.resolve(ExperimentRunner.SUMMARY_FILE)).path("sequences")
                .path("incremental_minus_parallel");
        for (JsonNode f : length) {
            assertThat(f.path("steps").get(0).path("difference").path("mean").asDouble()).isEqualTo(0.0);
        }
    }

    @Test
    void aSequenceConfigIsCheckedWhenRead() {
        assertThatThrownBy(() -> config("sequences: {x: [color, noise, color]}\n"))
                .hasMessageContaining("sequences.x").hasMessageContaining("neither task-specific");
        assertThatThrownBy(() -> config("sequences: {x: [color, noise, stripes]}\nparts: 2\n"))
                .hasMessageContaining("parts: 2");
        assertThatThrownBy(() -> config("sequences: {x: [color, noise]}\nstrategies: [fisher]\n"))
                .hasMessageContaining("strategies[0] (fisher)");
        assertThatThrownBy(() -> config("sequences: {x: [color, noise]}\nstrategies: [{method: ties, densty: 0.5}]\n"))
                .hasMessageContaining("strategies[0] (ties)").hasMessageContaining("densty");
        assertThatThrownBy(() -> config("sequences: {x: [color, banana]}\n")).hasMessageContaining("banana");
        assertThatThrownBy(() -> config("parts: 4\n")).hasMessageContaining("parts is read only with sequences");
        assertThat(config("sequences: {x: [color, noise, stripes]}\n").parts()).as("default: the longest K").isEqualTo(3);
        ExperimentConfig tooMany = ConfigReader.parse(ReducedExperiment.TINY_YAML.replace("bn_policies: [interpolate]",
                "bn_policies: [recalibrate]") + "sequences: {x: [color, noise, stripes]}\n", ExperimentConfig.class, "x.yaml");
        assertThatThrownBy(() -> ExperimentRunner.create(tooMany, dir.resolve("too-many"), false, ExperimentProgress.SILENT).plan())
                .as("refused when planned, before any unit runs").hasMessageContaining("calibration_images: 96")
                .hasMessageContaining("80");
    }
}
