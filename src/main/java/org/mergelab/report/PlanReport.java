package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.eval.Statistic;
import org.mergelab.plan.MergeDecision;
import org.mergelab.plan.MergePlanner;
import org.mergelab.plan.MergePolicy;

/**
 * The report.html of {@code mergelab plan-merge}: the decision in one sentence, the rules with their measured values
 * on the selection and test subsets for the chosen merge and the runner-up, the Pareto front of the first two
 * {@code must_keep} figures over every merge searched (a plot), every merge's figures, the candidates' own figures,
 * and the inputs by SHA-256.
 */
public final class PlanReport {

    /** The report's file name in the output directory. */
    public static final String REPORT_FILE = "report.html";

    private PlanReport() {}

    /**
     * Writes {@code DIR/report.html} and its plot ({@code DIR/plots/}).
     *
     * @return the report file
     */
    public static Path write(Path dir, MergePlanner.Result result) throws IOException {
        MergePolicy policy = result.policy();
        MergeDecision.Outcome o = result.outcome();
        StringBuilder b = new StringBuilder();
        b.append("<h1>Merge decision: ").append(escape(policy.file().getFileName().toString())).append("</h1>\n");
        b.append("<p>").append(escape(sentence(result))).append("</p>\n");

        b.append("<h2>Rules</h2>\n");
        List<List<String>> rows = new ArrayList<>();
        for (MergePolicy.Rule r : policy.mustKeep()) {
            String f = MergeDecision.figure(r);
            rows.add(List.of(escape(r.describe()),
                    o.chosen() == null ? "–" : cell(o.chosen().selection().get(f), r.threshold()),
                    o.chosen() == null ? "–" : cell(o.chosen().test().get(f), r.threshold()),
                    o.runnerUp() == null ? "–" : cell(o.runnerUp().selection().get(f), r.threshold()),
                    best(o.evaluated(), f)));
        }
        String pref = MergeDecision.preferred(policy);
        rows.add(List.of("prefer: maximise " + escape(pref),
                o.chosen() == null ? "–" : escape(format(o.chosen().selection().get(pref))),
                o.chosen() == null ? "–" : escape(format(o.chosen().test().get(pref))),
                o.runnerUp() == null ? "–" : escape(format(o.runnerUp().selection().get(pref))),
                best(o.evaluated(), pref)));
        b.append(ReportPage.table(List.of("rule", "chosen: selection", "chosen: test",
                "runner-up" + (o.runnerUp() == null ? "" : " (" + escape(o.runnerUp().point().describe()) + ")")
                        + ": selection", "best any merge reached (selection)"), rows, List.of()));
        if (!o.binding().isEmpty()) {
            b.append("<ul>\n");
            for (MergeDecision.Binding bind : o.binding()) {
                b.append("<li>").append(escape(bind.describe())).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("<p>Values are means over ").append(policy.seeds().size()).append(" seed(s) ± standard error (n/a"
                + " below 3 seeds). Retention is the cue's advantage over the reference probe as a fraction of the"
                + " advantage of the candidate that learned it best (");
        List<String> owners = new ArrayList<>();
        o.owners().forEach((probe, i) -> owners.add(probe + ": " + policy.candidates().get(i).getFileName()));
        b.append(escape(String.join("; ", owners))).append(").</p>\n");

        Path plots = dir.resolve("plots");
        Files.createDirectories(plots);
        Plot pareto = pareto(policy, o);
        if (pareto != null) {
            b.append("<h2>Pareto front</h2>\n");
            b.append(ReportPage.plots(List.of(PlotWriter.write(pareto, plots)), dir));
        }

        b.append("<h2>Every merge searched (selection subset)</h2>\n");
        List<String> figures = figures(policy);
        List<String> headers = new ArrayList<>(List.of("merge", "rules held"));
        figures.forEach(f -> headers.add(escape(f)));
        List<List<String>> all = new ArrayList<>();
        for (MergeDecision.Evaluated e : o.evaluated()) {
            List<String> row = new ArrayList<>();
            row.add(escape(e.point().describe()) + (e == o.chosen() ? " <strong>(chosen)</strong>" : ""));
            row.add(MergeDecision.failed(policy, e, MergeDecision.SELECTION).isEmpty() ? "all"
                    : escape("fails " + String.join(", ", MergeDecision.failed(policy, e, MergeDecision.SELECTION)
                            .stream().map(MergePolicy.Rule::describe).toList())));
            figures.forEach(f -> row.add(escape(format(e.selection().get(f)))));
            all.add(row);
        }
        b.append(ReportPage.table(headers, all, List.of()));

        b.append("<h2>The candidates</h2>\n");
        List<List<String>> cands = new ArrayList<>();
        for (int i = 0; i < o.candidates().size(); i++) {
            List<String> row = new ArrayList<>();
            row.add(escape(policy.candidates().get(i).getFileName().toString()));
            row.add("");
            MergeDecision.Evaluated e = o.candidates().get(i);
            figures.forEach(f -> row.add(escape(format(e.selection().get(f)))));
            cands.add(row);
        }
        b.append(ReportPage.table(headers, cands, List.of()));

        b.append("<h2>Inputs</h2>\n<ul>\n");
        for (Map.Entry<Path, String> e : result.sha256().entrySet()) {
            b.append("<li><code>").append(escape(e.getKey().toString())).append("</code> sha256 <code>")
                    .append(escape(e.getValue())).append("</code></li>\n");
        }
        b.append("</ul>\n<p>Data <code>").append(escape(policy.data())).append("</code>; seeds ")
                .append(escape(policy.seeds().toString())).append("; test subset ").append(policy.testSize())
                .append(" and selection subset ").append(policy.selectionSize()).append(" images per seed (disjoint); ")
                .append(result.points().size()).append(" merges searched, ").append(result.unitsRun())
                .append(" evaluations run and ").append(result.unitsReused()).append(" reused, in ")
                .append(escape(ReportPage.duration(result.seconds()))).append(". The decision record is <a href=\"")
                .append(MergePlanner.DECISION_FILE).append("\">").append(MergePlanner.DECISION_FILE).append("</a>")
                .append(result.merged() == null ? "." : "; the merged checkpoint is in <code>"
                        + escape(dir.toAbsolutePath().normalize().relativize(
                                result.merged().toAbsolutePath().normalize()).toString()) + "/</code>.")
                .append("</p>\n");
        Path file = dir.resolve(REPORT_FILE);
        AtomicFiles.writeString(file, ReportPage.page("mergelab plan-merge: " + policy.file().getFileName(),
                b.toString()));
        return file;
    }

    /** The decision in one sentence. */
    public static String sentence(MergePlanner.Result result) {
        MergeDecision.Outcome o = result.outcome();
        MergePolicy policy = result.policy();
        String pref = MergeDecision.preferred(policy);
        if (o.decided()) {
            return "Chosen: " + o.chosen().point().describe() + ". It satisfies every rule on the selection subset"
                    + " and on the test subset; " + pref + " on test " + format(o.chosen().test().get(pref)) + " ("
                    + o.satisfying().size() + " of " + o.evaluated().size() + " merges satisfy the rules on selection"
                    + (o.runnerUp() == null ? ")." : "; runner-up " + o.runnerUp().point().describe() + ").");
        }
        String binding = String.join("; ", o.binding().stream().map(MergeDecision.Binding::describe).toList());
        if (o.chosen() != null) {
            return "No decision: the best merge on the selection subset, " + o.chosen().point().describe()
                    + ", fails on the test subset: " + binding + ".";
        }
        return "No merge of the " + o.evaluated().size() + " searched satisfies the rules on the selection subset: "
                + binding + ".";
    }

    /** Every figure a table shows: each rule's, the preference's, then every probe's accuracy and retention. */
    private static List<String> figures(MergePolicy policy) {
        List<String> out = new ArrayList<>();
        for (MergePolicy.Rule r : policy.mustKeep()) {
            if (!out.contains(MergeDecision.figure(r))) {
                out.add(MergeDecision.figure(r));
            }
        }
        String pref = MergeDecision.preferred(policy);
        if (!out.contains(pref)) {
            out.add(pref);
        }
        for (Map.Entry<String, String> p : policy.probes().entrySet()) {
            for (String f : p.getValue() == null ? List.of(p.getKey() + " accuracy")
                    : List.of(p.getKey() + " accuracy", p.getKey() + " retention")) {
                if (!out.contains(f) && (policy.referenceProbe() != null || f.endsWith("accuracy"))) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** Every merge on the first two rules' figures (or the first rule's and the preference's), front joined. */
    private static Plot pareto(MergePolicy policy, MergeDecision.Outcome o) {
        List<String> axes = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        for (MergePolicy.Rule r : policy.mustKeep()) {
            if (axes.size() < 2 && !axes.contains(MergeDecision.figure(r))) {
                axes.add(MergeDecision.figure(r));
                thresholds.add(r.threshold());
            }
        }
        if (axes.size() < 2 && !axes.contains(MergeDecision.preferred(policy))) {
            axes.add(MergeDecision.preferred(policy));
            thresholds.add(null);
        }
        if (axes.size() < 2) {
            return null;
        }
        List<double[]> pts = new ArrayList<>();
        List<MergeDecision.Evaluated> defined = new ArrayList<>();
        for (MergeDecision.Evaluated e : o.evaluated()) {
            Double x = e.mean(MergeDecision.SELECTION, axes.get(0));
            Double y = e.mean(MergeDecision.SELECTION, axes.get(1));
            if (x != null && y != null) {
                pts.add(new double[] {x, y});
                defined.add(e);
            }
        }
        if (pts.isEmpty()) {
            return null;
        }
        XYChart chart = ChartTheme.newChart("Merges searched: " + axes.get(0) + " against " + axes.get(1),
                axes.get(0) + " (selection)", axes.get(1) + " (selection)");
        XYSeries all = chart.addSeries("merges", pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
        all.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        all.setMarkerColor(ChartTheme.paletteColor(0));
        List<double[]> front = new ArrayList<>();
        for (double[] p : pts) {
            boolean dominated = false;
            for (double[] q : pts) {
                if (q[0] >= p[0] && q[1] >= p[1] && (q[0] > p[0] || q[1] > p[1])) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(p);
            }
        }
        front.sort(Comparator.comparingDouble(p -> p[0]));
        XYSeries f = chart.addSeries("Pareto front", front.stream().mapToDouble(p -> p[0]).toArray(),
                front.stream().mapToDouble(p -> p[1]).toArray());
        f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        f.setMarker(SeriesMarkers.NONE);
        f.setLineColor(ChartTheme.paletteColor(1));
        f.setLineStyle(ChartTheme.SOLID);
        double minX = pts.stream().mapToDouble(p -> p[0]).min().orElse(0);
        double maxX = pts.stream().mapToDouble(p -> p[0]).max().orElse(1);
        double minY = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double maxY = pts.stream().mapToDouble(p -> p[1]).max().orElse(1);
        if (thresholds.get(0) != null) {
            XYSeries t = chart.addSeries("rule on " + axes.get(0), new double[] {thresholds.get(0), thresholds.get(0)},
                    new double[] {Math.min(minY, thresholds.size() > 1 && thresholds.get(1) != null
                            ? thresholds.get(1) : minY), maxY});
            t.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            t.setMarker(SeriesMarkers.NONE);
            t.setLineColor(ChartTheme.REFERENCE);
            t.setLineStyle(ChartTheme.DASHED);
        }
        if (thresholds.get(1) != null) {
            XYSeries t = chart.addSeries("rule on " + axes.get(1), new double[] {Math.min(minX, thresholds.get(0) == null
                    ? minX : thresholds.get(0)), maxX}, new double[] {thresholds.get(1), thresholds.get(1)});
            t.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            t.setMarker(SeriesMarkers.NONE);
            t.setLineColor(ChartTheme.REFERENCE);
            t.setLineStyle(ChartTheme.DOTTED);
        }
        if (o.chosen() != null && defined.contains(o.chosen())) {
            XYSeries c = chart.addSeries("chosen: " + o.chosen().point().describe(),
                    new double[] {o.chosen().mean(MergeDecision.SELECTION, axes.get(0))},
                    new double[] {o.chosen().mean(MergeDecision.SELECTION, axes.get(1))});
            c.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            c.setMarker(SeriesMarkers.DIAMOND);
            c.setMarkerColor(new Color(0xD55E00));
        }
        String caption = "Every merge searched, on the selection subset (mean over seeds): " + axes.get(0)
                + " across, " + axes.get(1) + " up; the line joins the merges no other merge beats on both, the"
                + " dashed and dotted lines are the rules' thresholds"
                + (o.chosen() == null ? "." : ", the diamond is the chosen merge.");
        return new Plot("plan-pareto", "Pareto front", caption, chart);
    }

    private static String cell(Statistic s, double threshold) {
        String text = format(s);
        if (s == null || s.mean() == null) {
            return escape(text) + " ✗";
        }
        return escape(text) + (s.mean() >= threshold ? " ✓" : " ✗");
    }

    private static String best(List<MergeDecision.Evaluated> evaluated, String figure) {
        MergeDecision.Evaluated best = null;
        for (MergeDecision.Evaluated e : evaluated) {
            Double v = e.mean(MergeDecision.SELECTION, figure);
            if (v != null && (best == null || v > best.mean(MergeDecision.SELECTION, figure))) {
                best = e;
            }
        }
        return best == null ? "undefined" : escape(String.format(Locale.ROOT, "%.4f (%s)",
                best.mean(MergeDecision.SELECTION, figure), best.point().describe()));
    }

    private static String format(Statistic s) {
        return s == null ? "–" : s.format(4);
    }
}
