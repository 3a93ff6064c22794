package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.ProtocolDefinition;
import org.mergelab.eval.Regime;
import org.mergelab.eval.Statistic;

/**
 * The tables of "Which method keeps what" (PROTOCOL.md, "Any merge method on the same probes"): per regime and
 * BatchNorm policy, one row per method at its chosen coefficient with every cue's retention, base retention and
 * balanced retention (mean ± SE over seeds, test subset); then incremental minus parallel of the balanced retention
 * per method.
 */
final class MethodTables {

    private MethodTables() {}

    /** The tables, in the page's table style. */
    static String tables(MethodData data) {
        MethodStudy.Result r = data.result();
        StringBuilder sb = new StringBuilder();
        sb.append("<p>Each method's coefficient is chosen on the selection subset by the mean over seeds of the balanced "
                + "retention in the ").append(escape(r.selectionProtocol())).append(" protocol; every figure below is on "
                + "the test subset at that coefficient: mean ± standard error over seeds (“± n/a” below 3 seeds; "
                + "“undefined” where no seed defines the figure; “n/a” where no coefficient could be chosen). Retention "
                + "R = adv(merge) / adv(endpoint that learned the cue); base retention = acc(base) − acc of θ0(base).</p>\n");
        List<String[]> columns = new ArrayList<>();
        for (ProtocolDefinition p : data.protocols()) {
            for (String cue : new java.util.LinkedHashSet<>(List.of(p.firstCue(), p.secondCue()))) {
                columns.add(new String[] {p.name(), cue});
            }
        }
        Map<String, List<MethodStudy.Row>> groups = new LinkedHashMap<>();
        for (MethodStudy.Row row : r.rows()) {
            groups.computeIfAbsent(groupTitle(row.regime(), row.bnPolicy()), k -> new ArrayList<>()).add(row);
        }
        List<String> headers = new ArrayList<>(List.of("method", "fixed parameters", "chosen coefficient"));
        List<String> classes = new ArrayList<>(List.of("", "", ""));
        for (String[] c : columns) {
            headers.add("R " + escape(RunPlots.probeTitle(c[1])) + " (" + escape(c[0]) + ")");
            classes.add("num");
        }
        headers.addAll(List.of("base retention", "balanced retention (" + escape(r.selectionProtocol()) + ")",
                "selection score"));
        classes.addAll(List.of("num", "num", "num"));
        for (Map.Entry<String, List<MethodStudy.Row>> g : groups.entrySet()) {
            sb.append("<h3>").append(escape(g.getKey())).append("</h3>\n");
            List<List<String>> rows = new ArrayList<>();
            for (MethodStudy.Row row : g.getValue()) {
                List<String> cells = new ArrayList<>(List.of(escape(row.method()), escape(orNone(row.params())),
                        escape(coefficient(row.coefficient()))));
                for (String[] c : columns) {
                    Map<String, Statistic> cues = row.retention().get(c[0]);
                    cells.add(Formats.stat(row.coefficient() == null || cues == null ? null : cues.get(c[1])));
                }
                cells.add(Formats.signedStat(row.coefficient() == null ? null : row.baseRetention()));
                cells.add(Formats.stat(row.coefficient() == null ? null : row.balancedRetention()));
                cells.add(row.selectionScore() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", row.selectionScore()));
                rows.add(cells);
            }
            sb.append(ReportPage.table(headers, rows, classes));
        }
        sb.append("<h3>Incremental minus parallel (balanced retention at each regime's chosen coefficient)</h3>\n");
        List<List<String>> diffs = new ArrayList<>();
        for (MethodStudy.RegimeDifference d : r.incrementalMinusParallel()) {
            diffs.add(List.of(escape(d.method()), escape(orNone(d.params())), escape(d.bnPolicy().yamlName()),
                    Formats.signedStat(d.difference())));
        }
        sb.append(diffs.isEmpty() ? "<p>n/a: the study lacks one of the two regimes.</p>\n"
                : ReportPage.table(List.of("method", "fixed parameters", "BN", "inc − par"), diffs, List.of("", "", "", "num")));
        return sb.toString();
    }

    /** "Regime incremental, BN interpolate". */
    static String groupTitle(Regime regime, BatchNormPolicy bn) {
        return "Regime " + regime.yamlName() + ", BN " + bn.yamlName();
    }

    private static String orNone(String params) {
        return params.isEmpty() ? "—" : params;
    }

    private static String coefficient(String point) {
        if (point == null) {
            return "n/a (undefined at every point)";
        }
        return point.isEmpty() ? "— (no grid)" : point;
    }
}
