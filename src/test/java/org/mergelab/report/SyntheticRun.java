package org.mergelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.KnowledgeLocation;
import org.mergelab.eval.PathBarriers;
import org.mergelab.eval.Regime;
import org.mergelab.eval.Statistic;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.ProtocolDefinition;
import org.mergelab.eval.ProtocolFigures;
import org.mergelab.eval.ResultRow;
import org.mergelab.eval.Summary;
import org.mergelab.eval.SyntheticMethodStudy;
import org.mergelab.experiment.ExperimentConfig;
import org.mergelab.experiment.MergesCsv;
import org.mergelab.experiment.ResultsCsv;
import org.mergelab.experiment.SummaryJson;
import org.mergelab.lineage.Lineage;
import org.mergelab.lineage.TaskRecord;
import org.mergelab.lineage.VersionsRecord;

/**
 * A fake run directory with realistic curves (shapes and magnitudes of PROTOCOL.md's reference run),
 * made without training: results.csv, summary.json, experiment.yaml, log.txt and a small checkpoint
 * lineage. Public for the command-line tests that need a run directory to compare.
 */
public final class SyntheticRun {

    static final int TOTAL = 500;
    static final double[] ALPHAS = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    private String name = "synthetic";
    private String dataset = "builtin:size=8000,test-size=1000";
    private int seeds = 3;
    private List<String> bnPolicies = List.of("interpolate");
    private double shift = 0.0;

    SyntheticRun name(String n) {
        this.name = n;
        return this;
    }

    SyntheticRun dataset(String d) {
        this.dataset = d;
        return this;
    }

    SyntheticRun seeds(int n) {
        this.seeds = n;
        return this;
    }

    SyntheticRun bnPolicies(String... p) {
        this.bnPolicies = List.of(p);
        return this;
    }

    /** Moves every accuracy by this much (to tell runs apart in a comparison). */
    SyntheticRun shift(double s) {
        this.shift = s;
        return this;
    }

    /** Deterministic per-(seed, alpha, probe) jitter in [-0.012, 0.012]. */
    private static double jitter(long seed, int i, String probe, String regime) {
        long h = seed * 0x9E3779B97F4A7C15L ^ (i * 0xBF58476D1CE4E5B9L) ^ probe.hashCode() * 31L ^ regime.hashCode();
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return ((h & 0xFFFF) / 65535.0 - 0.5) * 0.024;
    }

    private static double bump(double a) {
        return 4 * a * (1 - a);
    }

    /** Accuracy of one probe at alpha in the smooth model of a run. */
    private double accuracy(String protocol, String regime, String bn, String probe, double a) {
        boolean inc = regime.equals("incremental");
        double bnBonus = bn.equals("recalibrate") ? 0.03 : 0.0;
        double base = 0.82 - (inc ? 0.06 : 0.11) * bump(a) + bnBonus * bump(a);
        double colorAdv0 = 0.16;
        double value;
        if (protocol.equals("shared")) {
            value = switch (probe) {
                case "base" -> base;
                case "color" -> 0.975 + (inc ? 0.008 : 0.004) * bump(a) + 0.003 * a;
                case "color-conflict" -> 0.66 - 0.04 * bump(a);
                default -> base;
            };
        } else {
            double colorRet = inc ? Math.max(0, 1 - 1.3 * a * a - 0.2 * a) : Math.max(0, 1 - 2.4 * a + 0.9 * a * a);
            double noiseRet = Math.max(0, 1 - 2.2 * (1 - a) + 0.8 * (1 - a) * (1 - a));
            value = switch (probe) {
                case "base" -> base;
                case "color" -> base + colorAdv0 * Math.min(1, colorRet);
                case "noise" -> base + 0.14 * Math.min(1, noiseRet) + (inc ? 0.01 : 0.0) * bump(a);
                case "color-conflict" -> base - 0.15 * Math.min(1, colorRet);
                case "noise-conflict" -> base - 0.12 * Math.min(1, noiseRet);
                default -> base;
            };
        }
        return value + shift;
    }

    List<ResultRow> rows() {
        List<ResultRow> rows = new ArrayList<>();
        List<String> tsProbes = List.of("base", "color", "noise", "color-conflict", "noise-conflict");
        List<String> shProbes = List.of("base", "color", "color-conflict");
        for (long s = 0; s < seeds; s++) {
            for (String bn : bnPolicies) {
                for (String regime : List.of("incremental", "parallel")) {
                    for (String protocol : List.of("task-specific", "shared")) {
                        for (String probe : protocol.equals("shared") ? shProbes : tsProbes) {
                            for (int i = 0; i < ALPHAS.length; i++) {
                                double acc = accuracy(protocol, regime, bn, probe, ALPHAS[i]) + jitter(s, i, probe, regime + protocol);
                                long correct = Math.round(Math.max(0, Math.min(1, acc)) * TOTAL);
                                rows.add(new ResultRow(s, protocol, org.mergelab.eval.Regime.of(regime), org.mergelab.eval.BatchNormPolicy.of(bn), ALPHAS[i], probe, correct, TOTAL,
                                        "t1-" + s, "t2-" + regime + "-" + s));
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    List<ProbeAccuracy> pretrained() {
        List<ProbeAccuracy> out = new ArrayList<>();
        for (long s = 0; s < seeds; s++) {
            out.add(new ProbeAccuracy(s, "base", Math.round((0.88 + shift + jitter(s, 99, "pre", "")) * TOTAL), TOTAL));
        }
        return out;
    }

    Summary summary() {
        return ProtocolFigures.compute(rows(), pretrained(), List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED));
    }

    String yaml() {
        StringBuilder seedList = new StringBuilder();
        for (int s = 0; s < seeds; s++) {
            seedList.append(s == 0 ? "" : ", ").append(s);
        }
        return "name: " + name + "\n"
                + "dataset: \"" + dataset + "\"\n"
                + "model:\n  architecture: resnet\n  depth: 20\n  width: 8\n"
                + "alphas: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n"
                + "bn_policies: [" + String.join(", ", bnPolicies) + "]\n"
                + "seeds: [" + seedList + "]\n"
                + "threads: 2\n"
                + "test_size: 500\n";
    }

    /**
     * Writes the run directory with a method study: summary.json gains {@code methods} computed from
     * {@link SyntheticMethodStudy}'s rows (whose numbers are known by hand), which go to merges.csv. Needs 3 seeds and
     * BN interpolate.
     */
    Path writeWithMethodStudy(Path dir) throws IOException {
        writeTo(dir);
        ExperimentConfig config = ConfigReader.parse(yaml(), ExperimentConfig.class, "x");
        MethodStudy.Result study = MethodStudy.compute(SyntheticMethodStudy.rows(), SyntheticMethodStudy.pretrained(),
                SyntheticMethodStudy.protocols());
        Files.writeString(dir.resolve("summary.json"), SummaryJson.write(summary(), config, SyntheticMethodStudy.pretrained(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), study, null));
        Files.writeString(dir.resolve("merges.csv"), MergesCsv.format(SyntheticMethodStudy.rows()));
        return dir;
    }

    /**
     * Writes the run directory with a method study ({@link #writeWithMethodStudy}) and every analysis summary.json can
     * hold, with hand-picked numbers: {@code barriers} (task-specific, both regimes, BN interpolate; probes base and
     * color), {@code where_knowledge_lives} (task-specific, both regimes, groups stem, layer1 and fc), {@code forensics}
     * (task-specific incremental, groups layer1 and all) and {@code methods.predictor} (BN interpolate: three defined
     * points and one whose measured retention is null).
     */
    Path writeWithAnalyses(Path dir) throws IOException {
        writeWithMethodStudy(dir);
        Path file = dir.resolve("summary.json");
        ObjectNode root = (ObjectNode) SummaryJson.MAPPER.readTree(file.toFile());
        Regime inc = Regime.INCREMENTAL;
        Regime par = Regime.PARALLEL;
        BatchNormPolicy bn = BatchNormPolicy.INTERPOLATE;
        root.set("barriers", SummaryJson.MAPPER.valueToTree(List.of(
                new PathBarriers.PathFigures("task-specific", inc, bn, List.of(
                        new PathBarriers.ProbeBarriers("base", Statistic.ofValues(0.1, 0.2, 0.3), Statistic.ofValues(0.02, 0.04, 0.06)),
                        new PathBarriers.ProbeBarriers("color", Statistic.ofValues(0.5, 0.5, 0.5), Statistic.ofValues(0.1, 0.1, 0.1)))),
                new PathBarriers.PathFigures("task-specific", par, bn, List.of(
                        new PathBarriers.ProbeBarriers("base", Statistic.ofValues(0.9, 1.2, 1.5), Statistic.ofValues(0.2, 0.3, 0.4)),
                        new PathBarriers.ProbeBarriers("color", Statistic.ofValues(0.7), Statistic.ofValues(0.25)))))));
        List<KnowledgeLocation.GroupRetention> swaps = new ArrayList<>();
        String[] groups = {"stem", "layer1", "fc"};
        for (int g = 0; g < groups.length; g++) {
            swaps.add(new KnowledgeLocation.GroupRetention("task-specific", inc, groups[g], "color",
                    Statistic.ofValues(0.9 - 0.3 * g, 0.9 - 0.3 * g, 0.9 - 0.3 * g), "noise", Statistic.ofValues(0.8, 0.7, 0.6)));
            swaps.add(new KnowledgeLocation.GroupRetention("task-specific", par, groups[g], "color",
                    Statistic.ofValues(0.5, 0.6, 0.7), "noise", Statistic.of(java.util.Arrays.asList(null, null, null))));
        }
        root.set("where_knowledge_lives", SummaryJson.MAPPER.valueToTree(swaps));
        ArrayNode forensics = root.putArray("forensics");
        forensics.add(forensics("layer1", 2.0, 4.0, -0.25, 0.4, 0.6));
        forensics.add(forensics("all", 3.0, 5.0, 0.125, 0.375, 0.5));
        ArrayNode predictor = ((ObjectNode) root.get("methods")).putArray("predictor");
        ObjectNode p = predictor.addObject();
        p.put("bn_policy", "interpolate");
        p.put("spearman", 0.5);
        p.put("n", 3);
        ArrayNode points = p.putArray("points");
        points.add(point("linear", "", inc, 0, 0.9, 0.8));
        points.add(point("fisher", "", par, 1, 0.3, 0.4));
        points.add(point("dare_ties", "density=0.5", inc, 2, 0.6, 0.5));
        points.add(point("fisher", "", inc, 2, null, 0.1));
        Files.writeString(file, SummaryJson.MAPPER.writeValueAsString(root));
        return dir;
    }

    /** One forensics entry as the experiment writes it (task-specific, incremental, a single seed per figure). */
    private static ObjectNode forensics(String group, double normFirst, double normSecond, double cosine, double conflicts,
            double share) {
        ObjectNode n = SummaryJson.MAPPER.createObjectNode();
        n.put("protocol", "task-specific");
        n.put("regime", "incremental");
        n.put("group", group);
        n.set("norm_first", SummaryJson.MAPPER.valueToTree(Statistic.ofValues(normFirst - 0.5, normFirst, normFirst + 0.5)));
        n.set("norm_second", SummaryJson.MAPPER.valueToTree(Statistic.ofValues(normSecond)));
        n.set("cosine", SummaryJson.MAPPER.valueToTree(Statistic.ofValues(cosine, cosine, cosine)));
        n.set("sign_conflict_rate", SummaryJson.MAPPER.valueToTree(Statistic.ofValues(conflicts, conflicts, conflicts)));
        n.set("ties_share_first", SummaryJson.MAPPER.valueToTree(Statistic.ofValues(share, share, share)));
        return n;
    }

    private static ObjectNode point(String method, String params, Regime regime, long seed, Double measured, double predicted) {
        ObjectNode n = SummaryJson.MAPPER.createObjectNode();
        n.put("method", method);
        n.put("params", params);
        n.put("protocol", "task-specific");
        n.put("regime", regime.yamlName());
        n.put("seed", seed);
        n.put("cue", "color");
        if (measured == null) {
            n.putNull("measured");
        } else {
            n.put("measured", measured);
        }
        n.put("predicted", predicted);
        return n;
    }

    /** The task-specific and shared sequences of {@link #writeWithSequences}. */
    static final java.util.Map<String, List<String>> SEQUENCES = java.util.Map.of(
            "task-specific", List.of("color", "noise", "stripes", "frame"),
            "shared", List.of("color", "color", "color", "color"));

    /**
     * Probe rows of the longer sequences, hand-shaped: after step k, the cue of task j keeps 0.97 minus a drop per later
     * step (0.06 incremental, 0.14 parallel; trajectory_uniform halves the drop and costs the newest task 0.05), base
     * accuracy 0.86 minus 0.01 per step, with a little seed jitter. BN interpolate.
     */
    List<org.mergelab.eval.SequenceRow> sequenceRows() {
        List<org.mergelab.eval.SequenceRow> out = new ArrayList<>();
        for (long seed = 0; seed < seeds; seed++) {
            for (java.util.Map.Entry<String, List<String>> e : new java.util.TreeMap<>(SEQUENCES).entrySet()) {
                List<String> cues = e.getValue();
                for (Regime regime : Regime.values()) {
                    for (String strategy : List.of("none", "trajectory_uniform")) {
                        boolean uniform = strategy.equals("trajectory_uniform");
                        for (int k = 1; k <= cues.size(); k++) {
                            double base = 0.86 - 0.01 * k + jitter(seed, k, e.getKey(), strategy);
                            out.add(sequenceRow(seed, e.getKey(), regime, strategy, k, "base", base));
                            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
                            for (int j = 1; j <= k; j++) {
                                if (!seen.add(cues.get(j - 1))) {
                                    continue;
                                }
                                int last = cues.lastIndexOf(cues.get(j - 1)) + 1;
                                int since = k - Math.min(last, k);
                                double drop = (regime == Regime.INCREMENTAL ? 0.06 : 0.14) * (uniform ? 0.5 : 1.0) * since;
                                double cue = 0.97 - drop - (uniform && since == 0 ? 0.05 : 0.0) + jitter(seed, 10 * k + j, e.getKey(),
                                        regime.yamlName());
                                out.add(sequenceRow(seed, e.getKey(), regime, strategy, k, cues.get(j - 1), cue));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static org.mergelab.eval.SequenceRow sequenceRow(long seed, String sequence, Regime regime, String strategy, int step,
            String probe, double accuracy) {
        return new org.mergelab.eval.SequenceRow(seed, sequence, regime, BatchNormPolicy.INTERPOLATE, strategy, step, probe,
                Math.round(accuracy * TOTAL), TOTAL);
    }

    /** Writes the run directory with every analysis ({@link #writeWithAnalyses}) and the longer sequences. */
    Path writeWithSequences(Path dir) throws IOException {
        writeWithAnalyses(dir);
        Path file = dir.resolve("summary.json");
        ObjectNode root = (ObjectNode) SummaryJson.MAPPER.readTree(file.toFile());
        java.util.Map<String, List<String>> ordered = new java.util.LinkedHashMap<>();
        ordered.put("task-specific", SEQUENCES.get("task-specific"));
        ordered.put("shared", SEQUENCES.get("shared"));
        root.set("sequences", SummaryJson.MAPPER.valueToTree(org.mergelab.eval.SequenceStudy.compute(sequenceRows(), pretrained(),
                ordered)));
        Files.writeString(file, SummaryJson.MAPPER.writeValueAsString(root));
        Files.writeString(dir.resolve("sequence.csv"), org.mergelab.experiment.SequenceCsv.format(sequenceRows()));
        return dir;
    }

    /** Writes the run directory and returns it. */
    public Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        ExperimentConfig config = ConfigReader.parse(yaml(), ExperimentConfig.class, "x");
        Files.writeString(dir.resolve("summary.json"), SummaryJson.write(summary(), config, pretrained()));
        Files.writeString(dir.resolve("results.csv"), ResultsCsv.format(rows()));
        Files.writeString(dir.resolve("experiment.yaml"), ConfigReader.toYaml(config));
        Files.writeString(dir.resolve("log.txt"), "2025-06-01T10:00:00Z start: 12 of 12 units to run (0 reused)\n"
                + "2025-06-01T10:07:41Z finished: 12 units run, 0 reused, 461.3 s\n");
        VersionsRecord v = new VersionsRecord("0.1.0", "0.36.0", "2.7.1", "25", "AVX2");
        Lineage base = Lineage.builder().setKind("pretrain").optCheckpointId("a".repeat(64))
                .optTask(new TaskRecord("builtin", "all", null)).optVersions(v).build();
        Lineage t1 = Lineage.builder().setKind("finetune").optCheckpointId("b".repeat(64)).addParent(base)
                .optTask(new TaskRecord("builtin", "A", "color-patch")).optVersions(v).build();
        Lineage t2 = Lineage.builder().setKind("finetune").optCheckpointId("c".repeat(64)).addParent(t1)
                .optTask(new TaskRecord("builtin", "B", "noise-patch")).optVersions(v).build();
        Path ck = Files.createDirectories(dir.resolve("checkpoints/seed0"));
        Files.writeString(ck.resolve("pretrain.lineage.json"), base.toJson());
        Files.writeString(ck.resolve("t1-color.lineage.json"), t1.toJson());
        Files.writeString(ck.resolve("t2-noise-incremental.lineage.json"), t2.toJson());
        return dir;
    }
}
