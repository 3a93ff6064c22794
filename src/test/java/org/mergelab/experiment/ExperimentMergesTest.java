package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.ResultRow;
import org.mergelab.merge.RecipeMerge;

/** The method study ({@code merges:}) on a small built-in run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentMergesTest {

    static final String YAML = """
            name: methods
            dataset: "builtin:size=480,test-size=160"
            model: {architecture: resnet, depth: 8, width: 4}
            pretrain: {epochs: 2, batch_size: 64, learning_rate: 0.1}
            finetune: {epochs: 1, batch_size: 64, learning_rate: 0.1}
            cues: {color: {size: 8}}
            alphas: [0.0, 0.5, 1.0]
            bn_policies: [interpolate, recalibrate]
            calibration_images: 64
            probes: [base, color, noise]
            seeds: [0]
            threads: 2
            test_size: 60
            test_subset_seed: 7
            selection_size: 50
            swap_probes: true
            merges:
              - {method: linear, alpha: grid}
              - {method: ties, density: [0.5, 1.0], lambda: 1.0}
              - {method: dare_ties, density: 0.5, mask_seeds: 2}
              - {method: fisher, samples: 24}
            """;

    private Path out;
    private ExperimentConfig config;
    private List<MergeRow> mergeRows;
    private List<ResultRow> rows;
    private JsonNode summary;
    private List<ExperimentUnit> units;

    @BeforeAll
    void runOnce(@TempDir Path dir) throws Exception {
        out = dir.resolve("run");
        config = ConfigReader.parse(YAML, ExperimentConfig.class, "methods.yaml");
        ExperimentRunner.create(config, out, false, ExperimentProgress.SILENT).run();
        units = ExperimentPlan.units(config, out, DataContext.load(config.dataset()));
        mergeRows = new ArrayList<>();
        for (ExperimentUnit u : units) {
            if (u instanceof MergeUnit m) {
                mergeRows.addAll(m.rows());
            } else if (u instanceof EndpointUnit e) {
                mergeRows.addAll(e.rows());
            }
        }
        rows = ResultsCsv.read(out.resolve(ExperimentRunner.RESULTS_FILE));
        summary = SummaryJson.read(out.resolve(ExperimentRunner.SUMMARY_FILE));
    }

    private MergeUnit unit(String method, BatchNormPolicy bn, long seed) {
        return units.stream().filter(u -> u instanceof MergeUnit m && m.spec().method().equals(method)
                && m.bnPolicy() == bn && m.seed() == seed && m.protocol().equals("task-specific")
                && m.regime() == org.mergelab.eval.Regime.INCREMENTAL).map(u -> (MergeUnit) u).findFirst().orElseThrow();
    }

    /** The interpolation's row (results.csv) of the method-study row {@code m}'s seed, path and probe at {@code alpha}. */
    private ResultRow protocolRow(MergeRow m, double alpha) {
        return rows.stream().filter(x -> x.seed() == m.seed() && x.protocol().equals(m.protocol())
                && x.regime() == m.regime() && x.bnPolicy() == m.bnPolicy() && x.alpha() == alpha
                && x.probe().equals(m.probe())).findFirst().orElseThrow();
    }

    @Test
    void theEndpointsAreProbedOncePerProtocolRegimeAndPolicyAndMatchTheInterpolationsEnds() throws Exception {
        // one endpoint unit per protocol, regime and BN policy; the merge units hold no endpoint rows
        assertThat(units.stream().filter(u -> u instanceof EndpointUnit)).hasSize(2 * 2 * 2);
        for (ExperimentUnit u : units) {
            if (u instanceof MergeUnit m) {
                assertThat(m.rows()).noneMatch(r -> r.method().equals(MergeRow.ENDPOINT));
            }
        }
        // merges.csv: each endpoint row once (protocols, regimes, BN policies, endpoints, subsets, probes)
        List<String> endpointLines = Files.readAllLines(out.resolve(ExperimentRunner.MERGES_FILE)).stream()
                .filter(line -> line.split(",")[4].equals(MergeRow.ENDPOINT)).toList();
        assertThat(endpointLines).hasSize(2 * 2 * 2 * 2 * 2 * 3).doesNotHaveDuplicates();
        // on the test subset, theta1 and theta2 are the interpolation's rows at alpha 0 and 1
        int compared = 0;
        for (MergeRow m : mergeRows) {
            if (!m.method().equals(MergeRow.ENDPOINT) || !m.subset().equals(MergeRow.TEST)) {
                continue;
            }
            double alpha = m.coefficient().equals("theta1") ? 0.0 : 1.0;
            ResultRow r = protocolRow(m, alpha);
            assertThat(m.correct()).as("%s", m).isEqualTo(r.correct());
            assertThat(m.total()).isEqualTo(r.total());
            compared++;
        }
        assertThat(compared).isEqualTo(2 * 2 * 2 * 2 * 3);
    }

    @Test
    void linearRunsThroughTheMergeLibraryWithTheInterpolationsBitsAndRows() {
        MergeUnit linear = unit("linear", BatchNormPolicy.INTERPOLATE, 0);
        UnitContext context = new UnitContext(config, out, ExperimentProgress.SILENT, null);
        for (double alpha : config.alphas()) {
            NamedTensors merged = linear.merged(context, Map.of("alpha", alpha), 0);
            NamedTensors interpolated = Interpolation.interpolate(context.checkpoint(linear.first()).tensors(), "theta1",
                    context.checkpoint(linear.second()).tensors(), "theta2", alpha);
            assertThat(merged).as("alpha %s", alpha).isEqualTo(interpolated);
        }
        // every test-subset row of linear equals the protocol's row at the same alpha
        int compared = 0;
        for (MergeRow m : mergeRows) {
            if (!m.method().equals("linear") || !m.subset().equals(MergeRow.TEST)) {
                continue;
            }
            double alpha = Double.parseDouble(m.coefficient().substring("alpha=".length()));
            ResultRow r = protocolRow(m, alpha);
            assertThat(m.correct()).as("%s", m).isEqualTo(r.correct());
            assertThat(m.total()).isEqualTo(r.total());
            compared++;
        }
        assertThat(compared).isEqualTo(2 * 2 * 2 * 3 * 3); // protocols, regimes, BN policies, alphas, probes
    }

    @Test
    void eachMethodsMergeIsMergelabMergeOfTheUnitsCheckpointsBitForBit(@TempDir Path dir) throws Exception {
        UnitContext context = new UnitContext(config, out, ExperimentProgress.SILENT, null);
        MergeUnit ties = unit("ties", BatchNormPolicy.INTERPOLATE, 0);
        MergeUnit dare = unit("dare_ties", BatchNormPolicy.INTERPOLATE, 0);
        MergeUnit fisher = unit("fisher", BatchNormPolicy.INTERPOLATE, 0);
        String models = "models:\n  - model: %s%s\n  - model: %s%s\n";
        Map<String, String> recipes = Map.of(
                "ties", models.formatted(ties.first().output(), "\n    parameters: {density: 0.5}", ties.second().output(),
                        "\n    parameters: {density: 0.5}") + "merge_method: ties\nbase_model: " + ties.base().output()
                        + "\nparameters: {lambda: 1.0}\n",
                "dare_ties", models.formatted(dare.first().output(), "\n    parameters: {density: 0.5}",
                        dare.second().output(), "\n    parameters: {density: 0.5}") + "merge_method: dare_ties\nbase_model: "
                        + dare.base().output() + "\nrandom_seed: " + dare.mergeSeed(1) + "\n",
                "fisher", models.formatted(fisher.first().output(), "\n    parameters: {fisher: "
                        + fisher.statistics().get(0).output() + "}", fisher.second().output(), "\n    parameters: {fisher: "
                        + fisher.statistics().get(1).output() + "}") + "merge_method: fisher\n");
        Map<String, NamedTensors> ours = Map.of(
                "ties", ties.merged(context, Map.of("density", 0.5), 0),
                "dare_ties", dare.merged(context, Map.of(), 1),
                "fisher", fisher.merged(context, Map.of(), 0));
        for (Map.Entry<String, String> e : recipes.entrySet()) {
            Path recipe = Files.writeString(dir.resolve(e.getKey() + ".yaml"), e.getValue());
            Path merged = dir.resolve(e.getKey());
            RecipeMerge.merge(recipe, merged, false, w -> { });
            try (TensorSource source = TensorSource.open(merged)) {
                assertThat(source.readAll()).as(e.getKey()).isEqualTo(ours.get(e.getKey()));
            }
            // `mergelab eval` of the merged file, given the run's test subset and cue settings, counts what the unit
            // recorded for that merge on the test subset under interpolate
            MergeUnit unit = Map.of("ties", ties, "dare_ties", dare, "fisher", fisher).get(e.getKey());
            String coefficient = e.getKey().equals("ties") ? "density=0.5" : "";
            long mergeSeed = e.getKey().equals("dare_ties") ? dare.mergeSeed(1) : dare.mergeSeed(0);
            // the output directory, or the safetensors file in it (the lineage beside it names the training recipe)
            Path evalPath = e.getKey().equals("ties") ? merged : merged.resolve("model.safetensors");
            Evaluation.Outcome evaluated = Evaluation.run(evalPath, config.dataset(),
                    config.probes(), config.testSize(), config.testSubsetSeed(), config.cueSeed(), config.cues(), 2);
            List<MergeRow> recorded = unit.rows().stream().filter(r -> r.subset().equals(MergeRow.TEST)
                    && r.method().equals(e.getKey()) && r.coefficient().equals(coefficient)
                    && (!e.getKey().equals("dare_ties") || r.mergeSeed() == mergeSeed)).toList();
            assertThat(recorded).as(e.getKey()).hasSize(config.probes().size());
            for (MergeRow r : recorded) {
                assertThat(evaluated.accuracy().get(r.probe()).correct()).as("%s %s", e.getKey(), r.probe())
                        .isEqualTo(r.correct());
                assertThat(evaluated.accuracy().get(r.probe()).total()).isEqualTo(r.total());
            }
        }
        // two mask seeds give two different dare merges
        assertThat(dare.merged(context, Map.of(), 0)).isNotEqualTo(ours.get("dare_ties"));
    }

    @Test
    void selectionAndTestSubsetsAreDisjointAndSized() {
        DataContext data = DataContext.load(config.dataset());
        int[] test = data.testIds(config.testSize(), config.testSubsetSeed(), "test_size");
        int[] selection = data.selectionIds(config.testSize(), config.testSubsetSeed(), config.selectionSize());
        assertThat(test).hasSize(60);
        assertThat(selection).hasSize(50).doesNotHaveDuplicates();
        Set<Integer> reported = Arrays.stream(test).boxed().collect(Collectors.toSet());
        assertThat(Arrays.stream(selection).boxed().filter(reported::contains)).isEmpty();
        assertThat(mergeRows.stream().filter(r -> r.subset().equals(MergeRow.SELECTION)).map(MergeRow::total))
                .containsOnly(50L);
        assertThat(mergeRows.stream().filter(r -> r.subset().equals(MergeRow.TEST)).map(MergeRow::total)).containsOnly(60L);
    }

    @Test
    void mergesCsvAndTheSummaryTableCoverEveryMethodRegimeAndPolicy() throws Exception {
        List<String> lines = Files.readAllLines(out.resolve(ExperimentRunner.MERGES_FILE));
        assertThat(lines.getFirst()).isEqualTo(MergesCsv.HEADER);
        assertThat(lines).hasSize(mergeRows.size() + 1);
        // dare_ties: 2 masks with 2 distinct seeds per training seed
        assertThat(mergeRows.stream().filter(r -> r.method().equals("dare_ties") && r.seed() == 0)
                .map(MergeRow::mergeSeed).distinct()).hasSize(2);
        JsonNode methods = summary.get("methods");
        assertThat(methods.get("selection_protocol").asText()).isEqualTo("task-specific");
        Set<String> studied = new HashSet<>();
        for (JsonNode row : methods.get("rows")) {
            studied.add(row.get("method").asText() + "/" + row.get("regime").asText() + "/" + row.get("bn_policy").asText());
            if (!row.get("coefficient").isNull() && row.get("method").asText().equals("ties")) {
                assertThat(row.get("coefficient").asText()).isIn("density=0.5", "density=1");
            }
        }
        assertThat(studied).hasSize(4 * 2 * 2);
        assertThat(methods.get("incremental_minus_parallel")).hasSize(4 * 2);
        // a model's projection onto its own task vector is 1: theta1 for the first cue, theta2 for the second
        for (MergeRow r : mergeRows) {
            if (r.method().equals(MergeRow.ENDPOINT) && r.bnPolicy() == BatchNormPolicy.INTERPOLATE) {
                assertThat(r.coefficient().equals("theta1") ? r.predictedFirst() : r.predictedSecond()).isEqualTo(1.0);
            }
        }
        // one per BN policy, with as many points as have both retentions defined (few at this tiny scale)
        assertThat(methods.get("predictor")).hasSize(2);
        for (JsonNode p : methods.get("predictor")) {
            assertThat(p.get("n").asInt()).isEqualTo(p.get("points").size());
        }
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).startsWith(ResultsCsv.HEADER);
    }

    @Test
    void swapProbesMeasureEachGroupAndSwappingNothingKeepsTheEndpoint() throws Exception {
        JsonNode swaps = summary.get("where_knowledge_lives");
        // regimes x groups (stem, layer1, layer2, layer3, fc)
        assertThat(swaps).hasSize(2 * 5);
        List<String> groups = new ArrayList<>();
        swaps.forEach(g -> groups.add(g.get("group").asText()));
        assertThat(groups).containsExactly("stem", "layer1", "layer2", "layer3", "fc", "stem", "layer1", "layer2",
                "layer3", "fc");
        SwapUnit unit = units.stream().filter(u -> u instanceof SwapUnit s && s.regime() == org.mergelab.eval.Regime.PARALLEL)
                .map(u -> (SwapUnit) u).findFirst().orElseThrow();
        // the endpoint's own rows are the method study's endpoint rows (same subset, no recalibration)
        for (org.mergelab.eval.SwapRow r : unit.rows()) {
            if (!r.group().equals(org.mergelab.eval.SwapRow.NONE)) {
                continue;
            }
            MergeRow endpoint = mergeRows.stream().filter(m -> m.method().equals(MergeRow.ENDPOINT)
                    && m.coefficient().equals(r.model()) && m.subset().equals(MergeRow.TEST)
                    && m.protocol().equals("task-specific") && m.regime() == r.regime()
                    && m.bnPolicy() == BatchNormPolicy.INTERPOLATE && m.probe().equals(r.probe())).findFirst().orElseThrow();
            assertThat(r.correct()).isEqualTo(endpoint.correct());
        }
    }

    @Test
    void aSecondRunReusesEveryUnitAndWritesTheSameTables() throws Exception {
        String merges = Files.readString(out.resolve(ExperimentRunner.MERGES_FILE));
        ExperimentRunner.Outcome again = ExperimentRunner.create(config, out, false, ExperimentProgress.SILENT).run();
        assertThat(again.unitsRun()).isZero();
        assertThat(Files.readString(out.resolve(ExperimentRunner.MERGES_FILE))).isEqualTo(merges);
    }

    @Test
    void badMergeEntriesAreErrorsNamingTheEntry() {
        String base = YAML.substring(0, YAML.indexOf("merges:"));
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: tie}]\n", ExperimentConfig.class, "x.yaml"))
                .hasMessageContaining("merges[0]").hasMessageContaining("unknown merge method 'tie'");
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: ties, densty: 0.5}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("merges[0]").hasMessageContaining("densty");
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: ties, density: [0.5, 1.5]}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("merges[0]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: ties, mask_seeds: 3}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("mask_seeds").hasMessageContaining("draws no random");
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: linear, alpha: grid, weight: 2}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("merges[0]").hasMessageContaining("not both");
        assertThatThrownBy(() -> ConfigReader.parse(base + "merges: [{method: passthrough}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("merges[0]").hasMessageContaining("2");
        assertThatThrownBy(() -> ConfigReader.parse(base.replace("test_size: 60\n", "") + "merges: [{method: ties}]\n",
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("test_size");
        ExperimentConfig tooMany = ConfigReader.parse(base.replace("selection_size: 50", "selection_size: 101")
                + "merges: [{method: ties}]\n", ExperimentConfig.class, "x.yaml");
        assertThatThrownBy(() -> ExperimentPlan.units(tooMany, out, DataContext.load(tooMany.dataset())))
                .hasMessageContaining("selection_size: 101").hasMessageContaining("leaving 100");
        assertThatThrownBy(() -> ConfigReader.parse(base.replace("selection_size: 50\n", "selection_size: 50\nmerges: []\n")
                .replace("merges: []", "merges: []"), ExperimentConfig.class, "x.yaml"))
                .hasMessageContaining("selection_size").hasMessageContaining("only with merges");
    }
}
