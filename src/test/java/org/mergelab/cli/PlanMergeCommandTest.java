package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.FileHashes;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.experiment.CheckpointModels;
import org.mergelab.experiment.ExperimentConfig;
import org.mergelab.experiment.ExperimentProgress;
import org.mergelab.experiment.ExperimentRunner;
import org.mergelab.merge.MergeMethods;
import org.mergelab.plan.MergePlanner;
import org.mergelab.plan.MergePolicy;
import org.mergelab.plan.SearchSpace;

/**
 * {@code mergelab plan-merge} on the checkpoints of a small built-in run (width 4, depth 8): the merge known by
 * construction to be the only one that satisfies the rules is chosen, the preference decides between two, an
 * unsatisfiable policy exits 3 naming the rule, subsets are disjoint, the record names every input by SHA-256, the
 * written checkpoint is the merge that was evaluated (bit for bit), and a search resumed after losing part of its
 * units decides the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanMergeCommandTest {

    static final String RUN = """
            name: plan-candidates
            dataset: "builtin:size=480,test-size=200"
            model: {architecture: resnet, depth: 8, width: 4}
            pretrain: {epochs: 2, batch_size: 64, learning_rate: 0.1}
            finetune: {epochs: 2, batch_size: 64, learning_rate: 0.1}
            cues: {color: {size: 8}}
            protocols: {task-specific: [color, noise]}
            regimes: [parallel]
            alphas: [0.0, 1.0]
            bn_policies: [interpolate]
            probes: [base, color, noise]
            seeds: [0]
            threads: 2
            """;

    private Path dir;
    private Path theta0;
    private Path theta1;
    private Path theta2;

    @BeforeAll
    void trainCandidates(@TempDir Path tmp) throws Exception {
        dir = tmp;
        ExperimentConfig config = ConfigReader.parse(RUN, ExperimentConfig.class, "run.yaml");
        Path run = tmp.resolve("run");
        ExperimentRunner.create(config, run, false, ExperimentProgress.SILENT).run();
        Path ck = run.resolve("checkpoints").resolve("seed0");
        theta0 = ck.resolve("theta0.safetensors");
        theta1 = ck.resolve("theta1-color-a.safetensors");
        theta2 = ck.resolve("task-specific-parallel-theta2-noise-b.safetensors");
        assertThat(List.of(theta0, theta1, theta2)).allMatch(Files::isRegularFile);
    }

    private String policy(String mustKeep, String prefer, String methods) {
        return "base: " + theta0 + "\n"
                + "candidates: [" + theta1 + ", " + theta2 + "]\n"
                + "data: \"builtin:size=480,test-size=200\"\n"
                + "probes:\n  color: {cue: color}\n  noise: {cue: noise}\n  base: {}\n"
                + "must_keep:\n" + mustKeep
                + "prefer: {maximize: " + prefer + "}\n"
                + "search: {methods: " + methods + ", budget: 20}\n"
                + "seeds: [0, 1]\n"
                + "test_size: 100\nselection_size: 60\nsamples: 24\nthreads: 2\n";
    }

    private record Run(int code, String out, String err, Path dir) {}

    private Run planMerge(String name, String policyText, Path out, String... options) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, policyText);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("plan-merge", file.toString(), "--out", out.toString()));
        args.addAll(List.of(options));
        int code = MergelabCommand.commandLine().setOut(new PrintWriter(o, true)).setErr(new PrintWriter(e, true))
                .execute(args.toArray(String[]::new));
        return new Run(code, o.toString(), e.toString(), out);
    }

    private static JsonNode decision(Run r) throws IOException {
        return new ObjectMapper().readTree(r.dir().resolve(MergePlanner.DECISION_FILE).toFile());
    }

    @Test
    void theOnlyMergeThatKeepsAllOfTheColourCueIsChosenAndWrittenAsEvaluated() throws Exception {
        // alpha 0 is theta1 itself, which keeps exactly all of its own colour advantage; alpha 1 is theta2
        Run r = planMerge("only", policy("  - {probe: color, retention: 0.999}\n", "mean_retention",
                "[{method: linear, alpha: [0.0, 1.0]}]"), dir.resolve("only"));
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        JsonNode d = decision(r);
        assertThat(d.get("decided").asBoolean()).isTrue();
        assertThat(d.path("chosen").path("coefficient").asText()).isEqualTo("alpha=0");
        assertThat(d.path("satisfying").asInt()).isEqualTo(1);
        assertThat(d.path("rules").get(0).path("chosen_test").path("mean").asDouble()).isEqualTo(1.0);
        // the record names every input by SHA-256, and the merged lineage carries the policy and the decision
        assertThat(d.path("inputs").path("base").path("sha256").asText())
                .isEqualTo(FileHashes.sha256Uncached(theta0));
        assertThat(d.path("inputs").path("candidates").get(0).path("sha256").asText())
                .isEqualTo(FileHashes.sha256Uncached(theta1));
        assertThat(d.path("inputs").path("candidates").get(1).path("sha256").asText())
                .isEqualTo(FileHashes.sha256Uncached(theta2));
        assertThat(d.path("policy").path("sha256").asText()).hasSize(64);
        Path merged = r.dir().resolve(MergePlanner.MERGED_DIR);
        String lineage = Files.readString(merged.resolve("mergelab-lineage.json"));
        assertThat(lineage).contains("plan_merge_policy", "plan_merge_decision", FileHashes.sha256Uncached(theta1));
        // the checkpoint is theta1 (weights 1 and 0): bit for bit its tensors
        assertThat(tensors(merged)).isEqualTo(CheckpointModels.read(theta1).tensors());
        assertThat(Files.readString(r.dir().resolve("report.html"))).contains("Chosen: linear (alpha=0)",
                "Pareto front", "sha256");
    }

    @Test
    void withTwoSatisfyingMergesThePreferenceDecides() throws Exception {
        String methods = "[{method: linear, alpha: [0.0, 1.0]}]";
        Run colour = planMerge("prefer-color", policy("  - {probe: base, accuracy: 0.0}\n", "color", methods),
                dir.resolve("prefer-color"));
        Run noise = planMerge("prefer-noise", policy("  - {probe: base, accuracy: 0.0}\n", "noise", methods),
                dir.resolve("prefer-noise"));
        assertThat(colour.code()).as(colour.err()).isZero();
        assertThat(noise.code()).as(noise.err()).isZero();
        assertThat(decision(colour).path("satisfying").asInt()).isEqualTo(2);
        assertThat(decision(colour).path("chosen").path("coefficient").asText()).isEqualTo("alpha=0");
        assertThat(decision(noise).path("chosen").path("coefficient").asText()).isEqualTo("alpha=1");
        assertThat(decision(noise).path("runner_up").path("coefficient").asText()).isEqualTo("alpha=0");
    }

    @Test
    void anUnsatisfiablePolicyExitsThreeNamingTheBindingRuleAndStillWritesTheReport() throws Exception {
        Run r = planMerge("impossible", policy("  - {probe: color, retention: 0.5}\n  - {probe: base, accuracy: 1.0}\n",
                "mean_retention", "[{method: linear, alpha: [0.0, 0.5, 1.0]}, magmax]"), dir.resolve("impossible"));
        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(3);
        assertThat(r.err()).contains("no merge decided", "rule 'base accuracy >= 1.0' binds on the selection subset",
                "the best any merge reached is");
        JsonNode d = decision(r);
        assertThat(d.get("decided").asBoolean()).isFalse();
        assertThat(d.path("binding").get(0).path("rule").asText()).isEqualTo("base accuracy >= 1.0");
        assertThat(d.path("binding").get(0).path("best").asDouble()).isLessThan(1.0);
        assertThat(Files.readString(r.dir().resolve("report.html"))).contains("No merge of the 4 searched");
        assertThat(r.dir().resolve(MergePlanner.MERGED_DIR)).doesNotExist();
    }

    @Test
    void selectionAndTestSubsetsAreDisjointForEverySeed() throws Exception {
        MergePolicy p = MergePolicy.read(write("subsets", policy("", "color", "[linear]")));
        ImageDataset test = DatasetSpec.parse(p.data()).test();
        for (long seed : p.seeds()) {
            int[][] ids = MergePlanner.subsets(test, p, seed);
            assertThat(ids[0]).hasSize(60).doesNotHaveDuplicates();
            assertThat(ids[1]).hasSize(100).doesNotHaveDuplicates();
            for (int id : ids[0]) {
                assertThat(ids[1]).doesNotContain(id);
            }
        }
        assertThat(MergePlanner.subsets(test, p, 0)[1]).isNotEqualTo(MergePlanner.subsets(test, p, 1)[1]);
    }

    @Test
    void aSeededMethodIsWrittenAsEvaluatedAndAResumedSearchDecidesTheSame() throws Exception {
        String text = policy("  - {probe: base, accuracy: 0.0}\n", "color",
                "[{method: dare_ties, density: [0.5, 0.9]}, fisher]");
        Path out = dir.resolve("resume");
        Run first = planMerge("resume", text, out);
        assertThat(first.code()).as(first.err() + first.out()).isZero();
        JsonNode d1 = decision(first);
        NamedTensors merged1 = tensors(out.resolve(MergePlanner.MERGED_DIR));
        // the chosen merge, as the search evaluated it, equals the written checkpoint
        MergePolicy p = MergePolicy.read(dir.resolve("resume.yaml"));
        List<SearchSpace.Point> points = SearchSpace.of(p);
        SearchSpace.Point chosen = points.stream().filter(x -> x.describe().equals(
                d1.path("chosen").path("method").asText() + (d1.path("chosen").path("coefficient").asText().isEmpty()
                        ? "" : " (" + d1.path("chosen").path("coefficient").asText() + ")"))).findFirst().orElseThrow();
        List<NamedTensors> aux = null;
        if (chosen.method().equals("fisher")) {
            aux = new ArrayList<>();
            for (JsonNode f : d1.path("inputs").path("statistics").path("fisher")) {
                try (SafetensorsReader r = SafetensorsReader.open(Path.of(f.path("path").asText()))) {
                    aux.add(r.readAll());
                }
            }
        }
        NamedTensors expected = MergePlanner.merge(MergeMethods.byName(chosen.method()), chosen,
                List.of(CheckpointModels.read(theta1).tensors(), CheckpointModels.read(theta2).tensors()),
                CheckpointModels.read(theta0).tensors(), aux, MergePlanner.maskSeed(chosen, 0));
        assertThat(merged1).isEqualTo(expected);
        // every dare_ties point was evaluated with a mask per seed: its record names seeds[0]'s mask
        assertThat(d1.path("evaluated").get(0).path("checkpoint_mask_seed").asLong())
                .isEqualTo(MergePlanner.maskSeed(points.getFirst(), 0));
        // lose half of the units (a search killed part way), run again: the same decision, the rest reused
        List<Path> units;
        try (Stream<Path> s = Files.list(out.resolve("units"))) {
            units = s.sorted().toList();
        }
        assertThat(units).hasSizeGreaterThan(4);
        for (int i = 0; i < units.size(); i += 2) {
            Files.delete(units.get(i));
        }
        Run second = planMerge("resume", text, out);
        assertThat(second.code()).isZero();
        JsonNode d2 = decision(second);
        assertThat(d2.path("units_reused").asInt()).isEqualTo(units.size() / 2);
        assertThat(d2.path("units_run").asInt()).isEqualTo(units.size() - units.size() / 2);
        for (String field : List.of("chosen", "runner_up", "rules", "evaluated", "candidates_figures", "inputs")) {
            assertThat(d2.get(field)).as(field).isEqualTo(d1.get(field));
        }
        assertThat(tensors(out.resolve(MergePlanner.MERGED_DIR))).isEqualTo(merged1);
    }

    @Test
    void aFolderOfTheTeamsOwnImagesIsTheProbeData() throws Exception {
        // the built-in test images written as PNG files, one directory per class (a flat folder: a test set only)
        ImageDataset test = DatasetSpec.parse("builtin:size=480,test-size=200").test();
        Path folder = dir.resolve("own-images");
        for (int i = 0; i < test.size(); i++) {
            Path classDir = folder.resolve(String.format("class%02d", test.label(i)));
            Files.createDirectories(classDir);
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 32,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            int o = test.imageOffset(i);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int r = test.pixels()[o + y * 32 + x] & 0xFF;
                    int g = test.pixels()[o + 1024 + y * 32 + x] & 0xFF;
                    int b = test.pixels()[o + 2048 + y * 32 + x] & 0xFF;
                    image.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
            javax.imageio.ImageIO.write(image, "png", classDir.resolve(String.format("%04d.png", i)).toFile());
        }
        for (int c = 0; c < test.numClasses(); c++) { // every class the candidates know needs its directory
            assertThat(folder.resolve(String.format("class%02d", c))).isDirectory();
        }
        String text = policy("  - {probe: color, retention: 0.999}\n", "mean_retention",
                "[{method: linear, alpha: [0.0, 1.0]}]").replace("data: \"builtin:size=480,test-size=200\"",
                "data: \"folder:" + folder + "\"");
        Run r = planMerge("folder", text, dir.resolve("folder-plan"));
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        JsonNode d = decision(r);
        assertThat(d.path("data").asText()).isEqualTo("folder:" + folder);
        assertThat(d.path("chosen").path("coefficient").asText()).isEqualTo("alpha=0");
        // a folder without a training split cannot give fisher its statistics: the error names the layout
        Run fisher = planMerge("folder-fisher", text.replace("[{method: linear, alpha: [0.0, 1.0]}]", "[fisher]"),
                dir.resolve("folder-fisher"));
        assertThat(fisher.code()).isEqualTo(1);
        assertThat(fisher.err()).contains(folder.resolve("train").toString());
    }

    @Test
    void aSearchKilledPartWayAndRestartedDecidesAsAnUninterruptedOne() throws Exception {
        String text = policy("  - {probe: color, retention: 0.5}\n", "mean_retention",
                "[{method: linear, alpha: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]}, task_arithmetic, magmax]");
        Run clean = planMerge("kill-clean", text, dir.resolve("kill-clean"));
        assertThat(clean.code()).as(clean.err()).isIn(0, 3);
        Path policyFile = write("kill", text);
        Path out = dir.resolve("killed");
        Process p = MergelabProcess.start(dir, dir.resolve("killed.log"), List.of(), "plan-merge",
                policyFile.toString(), "--out", out.toString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(4);
        while (unitFiles(out) < 6 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("still searching when killed: " + Files.readString(dir.resolve("killed.log")))
                .isTrue();
        MergelabProcess.signal(p, MergelabProcess.Signal.KILL);
        assertThat(out.resolve(MergePlanner.DECISION_FILE)).doesNotExist();
        long before = unitFiles(out);
        // if the kill caught a unit running, its claim stays behind: a short timeout lets the new run take it over
        Run again = planMerge("kill", text, out, "--heartbeat-timeout", "1");
        assertThat(again.code()).isEqualTo(clean.code());
        JsonNode d1 = decision(clean);
        JsonNode d2 = decision(again);
        assertThat(d2.path("units_reused").asLong()).isEqualTo(before);
        for (String field : List.of("decided", "chosen", "runner_up", "rules", "binding", "evaluated")) {
            assertThat(d2.get(field)).as(field).isEqualTo(d1.get(field));
        }
    }

    @Test
    void twoWorkersSplitTheSearchAndTheDecisionIsTheSingleProcessOne() throws Exception {
        String text = policy("  - {probe: color, retention: 0.5}\n", "mean_retention",
                "[{method: linear, alpha: [0.0, 0.5, 1.0]}, task_arithmetic, ties]");
        Run alone = planMerge("alone", text, dir.resolve("alone"));
        assertThat(alone.code()).as(alone.err()).isIn(0, 3);
        Path policyFile = write("shared", text);
        Path out = dir.resolve("shared");
        Process p = MergelabProcess.start(dir, dir.resolve("shared.log"), List.of(), "plan-merge",
                policyFile.toString(), "--out", out.toString(), "--workers", "2");
        assertThat(p.waitFor(8, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String console = Files.readString(dir.resolve("shared.log"));
        assertThat(p.exitValue()).as(console).isEqualTo(alone.code());
        assertThat(console).contains("starting 2 workers");
        JsonNode d1 = decision(alone);
        JsonNode d2 = new ObjectMapper().readTree(out.resolve(MergePlanner.DECISION_FILE).toFile());
        for (String field : List.of("decided", "chosen", "runner_up", "rules", "binding", "evaluated")) {
            assertThat(d2.get(field)).as(field).isEqualTo(d1.get(field));
        }
        // the workers ran every unit, each once; the deciding process reused them all
        assertThat(d2.path("units_run").asLong()).isZero();
        assertThat(d2.path("units_reused").asLong()).isEqualTo(d1.path("units_run").asLong());
        long ranByWorkers = 0;
        for (int k = 1; k <= 2; k++) {
            String log = Files.readString(out.resolve("workers").resolve("worker-" + k + ".log"));
            ranByWorkers += log.lines().filter(l -> l.startsWith("  unit ") && l.contains("selection ")).count();
        }
        assertThat(ranByWorkers).isEqualTo(d1.path("units_run").asLong());
        assertThat(unitFiles(out)).isEqualTo(d1.path("units_run").asLong());
    }

    @Test
    void unitsOnlyRunsTheSearchWithoutDeciding() throws Exception {
        String text = policy("  - {probe: color, retention: 0.5}\n", "mean_retention",
                "[{method: linear, alpha: [0.0, 1.0]}]");
        Run r = planMerge("units-only", text, dir.resolve("units-only"), "--units-only");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("units done");
        assertThat(dir.resolve("units-only").resolve(MergePlanner.DECISION_FILE)).doesNotExist();
        assertThat(unitFiles(dir.resolve("units-only"))).isEqualTo((2 + 2) * 2); // (2 candidates + 2 points) x 2 seeds
    }

    private static long unitFiles(Path out) throws IOException {
        Path units = out.resolve("units");
        if (!Files.isDirectory(units)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(units)) {
            return s.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}\\.json")).count();
        }
    }

    @Test
    void candidatesTrainedWithOtherCueSettingsAreRefusedNamingBoth() throws Exception {
        // theta2 with its lineage's cue seed changed: the same tensors, trained (it says) under other cues
        Path other = dir.resolve("theta2-other-cue-seed.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(theta2)) {
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(r.metadata());
            String lineage = meta.get("lineage");
            String changed = lineage.replaceAll("\"cue_seed\"\\s*:\\s*\\d+", "\"cue_seed\" : 5");
            assertThat(changed).isNotEqualTo(lineage);
            meta.put("lineage", changed);
            org.mergelab.checkpoint.SafetensorsWriter.write(other, r.readAll(), meta);
        }
        Run r = planMerge("disagree", policy("", "color", "[{method: linear, alpha: [0.0]}]")
                .replace(theta2.toString(), other.toString()), dir.resolve("disagree"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the candidates disagree on the cue seed", theta1.toString(), other.toString());
    }

    @Test
    void anOutputDirectoryMergelabDidNotMakeIsRefused() throws Exception {
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Run r = planMerge("foreign", policy("", "color", "[{method: linear, alpha: [0.0]}]"), foreign);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(foreign.toString(), "was not made by mergelab plan-merge");
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aDirectoryHoldingOnlyAnotherWorkersMarkerBeingWrittenIsPreparedAndAForeignFileIsNot() throws Exception {
        // several plan-merge workers start on one new directory at once: one of them may be writing the marker
        MergePolicy p = MergePolicy.read(write("starting", policy("", "color", "[linear]")));
        Path shared = Files.createDirectories(dir.resolve("starting"));
        Path writing = Files.writeString(shared.resolve(MergePlanner.MARKER + ".tmp-0123456789ab"), "{");
        MergePlanner.prepare(shared, p);
        assertThat(shared.resolve(MergePlanner.MARKER)).exists();
        assertThat(shared.resolve("units")).isDirectory();
        assertThat(writing).as("the other worker's temporary").exists();

        Path foreign = Files.createDirectories(dir.resolve("foreign-and-temporary"));
        Files.writeString(foreign.resolve(MergePlanner.MARKER + ".tmp-0123456789ab"), "{");
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> MergePlanner.prepare(foreign, p)).hasMessageContaining(foreign.toString())
                .hasMessageContaining("was not made by mergelab plan-merge");
        assertThat(foreign.resolve(MergePlanner.MARKER)).doesNotExist();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static NamedTensors tensors(Path mergedDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(mergedDir)) {
            s.filter(p -> p.toString().endsWith(".safetensors")).forEach(files::add);
        }
        assertThat(files).hasSize(1);
        try (SafetensorsReader r = SafetensorsReader.open(files.getFirst())) {
            return r.readAll();
        }
    }
}
