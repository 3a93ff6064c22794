package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mergelab.eval.SequenceStudy;
import org.mergelab.eval.Statistic;
import org.mergelab.experiment.ExperimentRunner;
import org.mergelab.experiment.SummaryJson;

/**
 * The tables of the longer sequences (PROTOCOL.md, "Beyond two tasks"): per sequence and BatchNorm policy, the final
 * ACC, BWT and forgetting of every regime and strategy (on the advantage matrix and on accuracy, base knowledge apart),
 * a heatmap of A_adv per regime and strategy (steps down, tasks across, the mean over seeds in each cell), and
 * finding 3 at length.
 */
final class SequenceTables {

    private SequenceTables() {}

    /**
     * The sequences of a run directory's summary.json, or null when it has none.
     *
     * @throws IOException naming the file when the node is not what {@link SequenceStudy.Result} holds
     */
    static SequenceStudy.Result load(Path dir) throws IOException {
        Path file = dir.resolve(ExperimentRunner.SUMMARY_FILE);
        var node = SummaryJson.read(file).get("sequences");
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return SummaryJson.MAPPER.treeToValue(node, SequenceStudy.Result.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": sequences: " + e.getOriginalMessage(), e);
        }
    }

    /** The tables of one sequence and BatchNorm policy, in the order of the summary. */
    static Map<List<Object>, List<SequenceStudy.Table>> bySequence(SequenceStudy.Result result) {
        Map<List<Object>, List<SequenceStudy.Table>> out = new LinkedHashMap<>();
        result.tables().forEach(t -> out.computeIfAbsent(List.of(t.sequence(), t.bnPolicy()), k -> new ArrayList<>()).add(t));
        return out;
    }

    /** "task-specific (colour → noise → stripes → frame)". */
    static String sequenceTitle(SequenceStudy.Table t) {
        return t.sequence() + " (" + String.join(" → ", t.cues().stream().map(RunPlots::probeTitle).toList()) + ")";
    }

    /** The final figures after step K: a row per regime and strategy. */
    static String finalFigures(List<SequenceStudy.Table> tables) {
        List<List<String>> rows = new ArrayList<>();
        for (SequenceStudy.Table t : tables) {
            SequenceStudy.StepFigures f = t.last();
            rows.add(List.of(escape(t.regime().yamlName()), escape(t.strategy()), Formats.stat(f.advAcc()),
                    Formats.signedStat(f.advBwt()), Formats.stat(f.advForgetting()), Formats.stat(f.acc()),
                    Formats.signedStat(f.bwt()), Formats.stat(f.forgetting()), Formats.signedStat(f.baseChange()),
                    Formats.stat(f.baseForgetting())));
        }
        return ReportPage.table(List.of("regime", "strategy", "ACC (advantage)", "BWT (advantage)", "forgetting (advantage)",
                "ACC (accuracy)", "BWT (accuracy)", "forgetting (accuracy)", "base accuracy − θ0's", "base forgetting"),
                rows, List.of("", "", "num", "num", "num", "num", "num", "num", "num", "num"));
    }

    /** Which strategy forgets the least cue advantage after step K, per regime: one sentence. */
    static String leastForgetting(List<SequenceStudy.Table> tables) {
        Map<String, SequenceStudy.Table> best = new LinkedHashMap<>();
        for (SequenceStudy.Table t : tables) {
            Statistic f = t.last().advForgetting();
            if (f == null || f.mean() == null) {
                continue;
            }
            SequenceStudy.Table b = best.get(t.regime().yamlName());
            if (b == null || f.mean() < b.last().advForgetting().mean()) {
                best.put(t.regime().yamlName(), t);
            }
        }
        if (best.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        best.forEach((regime, t) -> parts.add(escape(regime) + ": <strong>" + escape(t.strategy()) + "</strong> ("
                + Formats.stat(t.last().advForgetting()) + ")"));
        return "<p>Least forgetting of cue advantage after step " + tables.get(0).cues().size() + ": "
                + String.join("; ", parts) + ".</p>\n";
    }

    /**
     * A heatmap of A_adv per regime and strategy: steps down, tasks across, the mean advantage in each cell, shaded blue
     * above 0 and orange below (darker further from 0). A shared sequence has one cue, so one column.
     */
    static String heatmaps(List<SequenceStudy.Table> tables) {
        double scale = 0;
        for (SequenceStudy.Table t : tables) {
            for (List<Double> row : t.advantage()) {
                for (Double v : row) {
                    if (v != null) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder("<div class=\"heatmaps\">\n");
        for (SequenceStudy.Table t : tables) {
            boolean shared = t.kind().equals(SequenceStudy.SHARED);
            int columns = shared ? 1 : t.cues().size();
            sb.append("<div class=\"heatmap\"><table>\n<caption>").append(escape(t.regime().yamlName())).append(" · ")
                    .append(escape(t.strategy())).append("</caption>\n<thead><tr><th>after</th>");
            for (int j = 1; j <= columns; j++) {
                sb.append("<th>").append(shared ? escape(RunPlots.probeTitle(t.cues().get(0))) + " (every task)"
                        : "T" + j + " " + escape(RunPlots.probeTitle(t.cues().get(j - 1)))).append("</th>");
            }
            sb.append("</tr></thead>\n<tbody>\n");
            for (int k = 1; k < t.advantage().size(); k++) {
                sb.append("<tr><th>step ").append(k).append("</th>");
                for (int j = 1; j <= columns; j++) {
                    Double v = t.advantage().get(k).get(j);
                    if (v == null) {
                        sb.append("<td class=\"empty\"></td>");
                    } else {
                        sb.append("<td class=\"num\" style=\"background:").append(shade(v, scale)).append("\">")
                                .append(String.format(Locale.ROOT, "%+.2f", v)).append("</td>");
                    }
                }
                sb.append("</tr>\n");
            }
            sb.append("</tbody></table></div>\n");
        }
        return sb.append("</div>\n").toString();
    }

    /** Blue (0, 114, 178) above 0, orange (213, 94, 0) below, opacity up to 0.55 at the largest magnitude. */
    static String shade(double v, double scale) {
        double a = scale <= 0 ? 0 : Math.min(1, Math.abs(v) / scale) * 0.55;
        return v >= 0 ? String.format(Locale.ROOT, "rgba(0,114,178,%.2f)", a)
                : String.format(Locale.ROOT, "rgba(213,94,0,%.2f)", a);
    }

    /**
     * Finding 3 at length, per BatchNorm policy and task-specific sequence: a row per strategy, incremental minus
     * parallel on the first task's cue after each step, and whether it grows or shrinks from step 2 to step K.
     */
    static String lengthFindings(SequenceStudy.Result result) {
        Map<List<Object>, List<SequenceStudy.LengthFinding>> groups = new LinkedHashMap<>();
        result.incrementalMinusParallel().forEach(f -> groups.computeIfAbsent(List.of(f.sequence(), f.bnPolicy()),
                k -> new ArrayList<>()).add(f));
        StringBuilder sb = new StringBuilder();
        for (List<SequenceStudy.LengthFinding> findings : groups.values()) {
            SequenceStudy.LengthFinding first = findings.get(0);
            int steps = first.steps().size();
            List<String> headers = new ArrayList<>(List.of("strategy"));
            List<String> classes = new ArrayList<>(List.of(""));
            for (int k = 1; k <= steps; k++) {
                headers.add("after step " + k);
                classes.add("num");
            }
            headers.add("step " + steps + " − step 2");
            classes.add("");
            List<List<String>> rows = new ArrayList<>();
            for (SequenceStudy.LengthFinding f : findings) {
                List<String> cells = new ArrayList<>(List.of(escape(f.strategy())));
                f.steps().forEach(s -> cells.add(Formats.signedStat(s.difference())));
                cells.add(Formats.signedStat(f.trend()) + " (" + escape(f.verdict()) + ")");
                rows.add(cells);
            }
            sb.append("<h4>Sequence ").append(escape(first.sequence())).append(", BN ").append(escape(first.bnPolicy().yamlName()))
                    .append(": incremental − parallel on the ").append(escape(RunPlots.probeTitle(first.cue())))
                    .append(" probe (the first task's cue)</h4>\n").append(ReportPage.table(headers, rows, classes));
        }
        return sb.toString();
    }
}
