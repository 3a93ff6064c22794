package org.mergelab.experiment;

import org.mergelab.eval.BatchNormPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.Probes;
import org.mergelab.eval.ResultRow;
import org.mergelab.eval.Statistic;
import org.mergelab.eval.Summary;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentRunnerTest {

    private Path out;
    private ExperimentRunner.Outcome outcome;
    private List<ResultRow> rows;

    @BeforeAll
    void runOnce(@TempDir Path dir) throws Exception {
        out = dir.resolve("run");
        outcome = ExperimentRunner.create(ReducedExperiment.config(), out, false, ExperimentProgress.SILENT).run();
        rows = ResultsCsv.read(out.resolve(ExperimentRunner.RESULTS_FILE));
    }

    @Test
    void resultsHaveOneSortedRowPerCombination() throws Exception {
        // 3 seeds x 2 protocols x 2 regimes x 2 BN policies x 3 alphas x 4 probes
        assertThat(rows).hasSize(3 * 2 * 2 * 2 * 3 * 4);
        List<String> lines = Files.readAllLines(out.resolve(ExperimentRunner.RESULTS_FILE));
        assertThat(lines.get(0)).startsWith("seed,protocol,regime,bn_policy,alpha,probe,accuracy,theta1,theta2");
        List<ResultRow> sorted = new ArrayList<>(rows);
        sorted.sort(ResultsCsv.ORDER);
        assertThat(rows).isEqualTo(sorted);
        assertThat(lines.get(1)).matches("0,shared,incremental,interpolate,0\\.0,base,0\\.\\d{6},[0-9a-f]{64},[0-9a-f]{64},\\d+,100,1");
        assertThat(outcome.rows()).hasSize(rows.size());
        assertThat(Files.exists(out.resolve(ExperimentRunner.SUMMARY_FILE))).isTrue();
        assertThat(Files.readString(out.resolve(ExperimentRunner.CONFIG_FILE))).contains("calibration_images: 96");
    }

    private Map<String, Probes.Count> probe(String checkpointId) throws Exception {
        Path file;
        try (var walk = Files.walk(out.resolve("checkpoints"))) {
            file = walk.filter(p -> p.toString().endsWith(".safetensors"))
                    .filter(p -> {
                        try {
                            return org.mergelab.checkpoint.CheckpointStore.read(p).id().equals(checkpointId);
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .findFirst().orElseThrow();
        }
        return Evaluation.run(file, "builtin:size=480,test-size=120", List.of("base", "color", "noise", "color-conflict"), 100, 0L, null, Map.of(), 2)
                .accuracy();
    }

    @Test
    void interpolateEndpointsEqualTheCheckpointsOwnProbeAccuracies() throws Exception {
        for (ResultRow r : rows) {
            if (r.bnPolicy() != BatchNormPolicy.INTERPOLATE || r.seed() != 1 || !r.protocol().equals("task-specific")) {
                continue;
            }
            if (r.alpha() == 0.0) {
                assertThat(r.correct()).as(r.toString()).isEqualTo(probe(r.theta1()).get(r.probe()).correct());
            } else if (r.alpha() == 1.0) {
                assertThat(r.correct()).as(r.toString()).isEqualTo(probe(r.theta2()).get(r.probe()).correct());
            }
        }
    }

    @Test
    void bothRegimesAndProtocolsShareTheta1PerSeedButNotTheta2() {
        Map<Long, List<String>> theta1 = rows.stream().collect(Collectors.groupingBy(ResultRow::seed,
                Collectors.mapping(ResultRow::theta1, Collectors.toList())));
        theta1.forEach((seed, ids) -> assertThat(ids.stream().distinct()).as("seed " + seed).hasSize(1));
        assertThat(theta1.values().stream().map(l -> l.get(0)).distinct()).hasSize(3);
        long theta2 = rows.stream().filter(r -> r.seed() == 0).map(ResultRow::theta2).distinct().count();
        assertThat(theta2).isEqualTo(4); // 2 protocols x 2 regimes
    }

    @Test
    void summaryStatisticsMatchThePerSeedRows() {
        Summary s = outcome.summary();
        for (Summary.Curve c : s.curves()) {
            for (int i = 0; i < s.alphas().size(); i++) {
                double alpha = s.alphas().get(i);
                List<Double> perSeed = rows.stream()
                        .filter(r -> r.protocol().equals(c.protocol()) && r.regime().equals(c.regime())
                                && r.bnPolicy().equals(c.bnPolicy()) && r.probe().equals(c.probe()) && r.alpha() == alpha)
                        .sorted((a, b) -> Long.compare(a.seed(), b.seed()))
                        .map(ResultRow::accuracy).toList();
                assertThat(perSeed).hasSize(3);
                Statistic st = c.accuracy().get(i);
                double mean = perSeed.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                double ss = perSeed.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
                assertThat(st.mean()).isCloseTo(mean, within(1e-12));
                assertThat(st.se()).isCloseTo(Math.sqrt(ss / 2) / Math.sqrt(3), within(1e-12));
                assertThat(st.perSeed()).containsExactlyElementsOf(perSeed);
            }
        }
        assertThat(s.findings()).hasSize(8); // findings 1, 1r, 2 and 3 x 2 BN policies
        assertThat(s.findings()).extracting(Summary.Finding::status).doesNotContain(Summary.Finding.INSUFFICIENT);
    }

    @Test
    void theSummaryGivesEachPathsErrorBarrierFromTheResultRows() throws Exception {
        var barriers = SummaryJson.read(out.resolve(ExperimentRunner.SUMMARY_FILE)).get("barriers");
        assertThat(barriers).hasSize(2 * 2 * 2); // protocols x regimes x BN policies
        for (var path : barriers) {
            for (var probe : path.get("probes")) {
                List<Double> perSeed = new ArrayList<>();
                for (long seed = 0; seed < 3; seed++) {
                    long s = seed;
                    List<ResultRow> line = rows.stream().filter(r -> r.seed() == s
                            && r.protocol().equals(path.get("protocol").asText())
                            && r.regime().yamlName().equals(path.get("regime").asText())
                            && r.bnPolicy().yamlName().equals(path.get("bn_policy").asText())
                            && r.probe().equals(probe.get("probe").asText())).toList();
                    double e0 = 1 - line.get(0).accuracy();
                    double e1 = 1 - line.get(line.size() - 1).accuracy();
                    double b = 0;
                    for (ResultRow r : line) {
                        b = Math.max(b, (1 - r.accuracy()) - ((1 - r.alpha()) * e0 + r.alpha() * e1));
                    }
                    perSeed.add(b);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(probe.get("error").get("per_seed").get(i).asDouble()).isCloseTo(perSeed.get(i), within(1e-12));
                    assertThat(probe.get("loss").get("per_seed").get(i).asDouble()).isGreaterThanOrEqualTo(0.0);
                }
            }
        }
    }

    @Test
    void forensicsCompareTheTaskVectorsOfEveryProtocolAndRegimePerGroup() throws Exception {
        var forensics = SummaryJson.read(out.resolve(ExperimentRunner.SUMMARY_FILE)).get("forensics");
        // protocols x regimes x (stem, layer1, layer2, layer3, fc, total)
        assertThat(forensics).hasSize(2 * 2 * 6);
        Map<String, List<Double>> firstNorms = new java.util.HashMap<>();
        for (var g : forensics) {
            if (g.get("group").asText().equals("total")) {
                List<Double> norms = new ArrayList<>();
                g.get("norm_first").get("per_seed").forEach(v -> norms.add(v.asDouble()));
                firstNorms.put(g.get("protocol").asText() + "/" + g.get("regime").asText(), norms);
                for (var c : g.get("cosine").get("per_seed")) {
                    assertThat(c.asDouble()).isBetween(-1.0, 1.0);
                }
            }
        }
        // theta1 is one checkpoint per seed in every protocol and regime: the same |tau1|
        assertThat(firstNorms).hasSize(4);
        assertThat(new java.util.HashSet<>(firstNorms.values())).hasSize(1);
    }

    @Test
    void recalibrationChangesTheEndpointsUnlikeInterpolation() {
        long differing = rows.stream().filter(r -> r.alpha() == 0.0 && r.bnPolicy() == BatchNormPolicy.RECALIBRATE).filter(r -> {
            ResultRow twin = rows.stream().filter(q -> q.alpha() == 0.0 && q.bnPolicy() == BatchNormPolicy.INTERPOLATE && q.seed() == r.seed()
                    && q.protocol().equals(r.protocol()) && q.regime().equals(r.regime()) && q.probe().equals(r.probe()))
                    .findFirst().orElseThrow();
            return twin.correct() != r.correct();
        }).count();
        assertThat(differing).isPositive();
    }

    @Test
    void aSecondRunReusesEveryUnitAndAnotherConfigIsRefused() throws Exception {
        String before = Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE));
        ExperimentRunner.Outcome again = ExperimentRunner.create(ReducedExperiment.config(), out, false, ExperimentProgress.SILENT).run();
        assertThat(again.unitsRun()).isZero();
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(before);
        assertThat(ExperimentRunner.create(ReducedExperiment.config(), out, false, ExperimentProgress.SILENT).plan())
                .allMatch(ExperimentRunner.PlannedUnit::done);

        ExperimentConfig other = ConfigReader.parse(ReducedExperiment.YAML.replace("alphas: [0.0, 0.5, 1.0]", "alphas: [0.0, 1.0]"),
                ExperimentConfig.class, "other.yaml");
        assertThatThrownBy(() -> ExperimentRunner.create(other, out, false, ExperimentProgress.SILENT).run())
                .hasMessageContaining("different config").hasMessageContaining("alphas").hasMessageContaining("--force");
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(before);
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingThem() {
        assertThatThrownBy(() -> ConfigReader.parse(ReducedExperiment.YAML + "alpha_grid: [0, 1]\n", ExperimentConfig.class, "x.yaml"))
                .hasMessageContaining("unknown key 'alpha_grid'");
        assertThatThrownBy(() -> ConfigReader.parse(ReducedExperiment.YAML.replace("[interpolate, recalibrate]", "[average]"),
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("bn_policies").hasMessageContaining("average");
        assertThatThrownBy(() -> ConfigReader.parse(ReducedExperiment.YAML.replace("[0.0, 0.5, 1.0]", "[0.0, 1.5]"),
                ExperimentConfig.class, "x.yaml")).hasMessageContaining("1.5");
    }
}
