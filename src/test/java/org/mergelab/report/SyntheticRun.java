package org.mergelab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.config.ConfigReader;
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
                java.util.List.of(), java.util.List.of(), java.util.List.of(), study));
        Files.writeString(dir.resolve("merges.csv"), MergesCsv.format(SyntheticMethodStudy.rows()));
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
