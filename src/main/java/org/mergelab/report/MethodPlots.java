package org.mergelab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.Statistic;

/**
 * The plots of the method study, per BatchNorm policy: one per kind of knowledge (each protocol's cues, then base
 * retention) with every method's curve over its coefficient on the test subset, mean over seeds; a colour per method
 * (with its fixed parameters), solid circles for incremental, dashed diamonds for parallel. The x axis is the value
 * of the point's last grid key (alpha, lambda, t, ...); the other keys of a point with several split the method into
 * one curve each. Methods without a grid have no curve: their single point is in the table.
 */
final class MethodPlots {

    /** Report section of these plots. */
    static final String SECTION = "Retention over each method's coefficient (test subset)";

    private MethodPlots() {}

    static List<Plot> of(RunData run, MethodData data) {
        List<Plot> out = new ArrayList<>();
        Set<BatchNormPolicy> bns = new LinkedHashSet<>(run.bnPolicies());
        data.curves().forEach(c -> bns.add(c.bnPolicy()));
        for (BatchNormPolicy bn : bns) {
            Set<List<String>> kinds = new LinkedHashSet<>();
            data.curves().stream().filter(c -> c.bnPolicy() == bn).forEach(c -> kinds.add(List.of(c.protocol(), c.cue())));
            for (List<String> kind : kinds) {
                Plot p = plot(run, data, kind.get(0), kind.get(1), bn);
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** "colour retention (task-specific)" or "base retention". */
    static String kindTitle(String protocol, String cue) {
        return cue.equals(MethodStudy.BASE) ? "base retention"
                : RunPlots.probeTitle(cue) + " retention (" + protocol + ")";
    }

    private static Plot plot(RunData run, MethodData data, String protocol, String cue, BatchNormPolicy bn) {
        boolean base = cue.equals(MethodStudy.BASE);
        List<MethodStudy.Curve> curves = data.curves().stream()
                .filter(c -> c.bnPolicy() == bn && c.protocol().equals(protocol) && c.cue().equals(cue)).toList();
        List<String> methods = methodOrder(data);
        String kind = kindTitle(protocol, cue);
        List<Series> series = new ArrayList<>();
        Set<String> withoutGrid = new LinkedHashSet<>();
        for (MethodStudy.Curve c : curves) {
            List<Series> split = split(c);
            if (split.isEmpty()) {
                withoutGrid.add(methodLabel(c));
            }
            series.addAll(split);
        }
        XYChart chart = ChartTheme.newChart(capitalised(kind) + " per method — " + RunPlots.context(run, bn),
                "coefficient (value of the grid key in brackets)",
                base ? "base retention (acc − acc of θ0)" : "retention R", ChartTheme.HEIGHT + 24 * series.size());
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        boolean any = false;
        double min = 0.0;
        double max = 1.0;
        for (Series s : series) {
            boolean added = ChartTheme.addCurve(chart, s.label(), s.xs(), s.values(),
                    ChartTheme.paletteColor(methods.indexOf(s.method())), ChartTheme.regimeLook(s.curve().regime()), false);
            if (added) {
                any = true;
                for (double x : s.xs()) {
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
        }
        if (!any) {
            return null;
        }
        chart.getStyler().setXAxisMin(min);
        chart.getStyler().setXAxisMax(max);
        String caption = capitalised(kind) + ", BN " + bn + ", of every method at every point of its coefficient grid on the test "
                + "subset, mean over " + Formats.seeds(run.seedCount())
                + (base ? " of acc(base) − acc of θ0(base) in the " + protocol + " protocol"
                        : " of adv(merge) / adv(endpoint that learned the cue), with seeded methods averaged over their masks "
                                + "within a seed first; points where the endpoint's advantage is below "
                                + MethodStudy.MIN_ADVANTAGE + " are undefined and left out")
                + ". Solid lines with circles: incremental; dashed with diamonds: parallel."
                + (withoutGrid.isEmpty() ? "" : " Without a coefficient grid, so in the table only: "
                        + String.join(", ", withoutGrid) + ".");
        return new Plot(PlotNames.methods(protocol, cue, bn), SECTION, caption, chart);
    }

    /** A method with its fixed parameters: "ties lambda=1". */
    static String methodLabel(MethodStudy.Curve c) {
        return methodLabel(c.method(), c.params());
    }

    /** "ties lambda=1", or the method's name alone without fixed parameters. */
    static String methodLabel(String method, String params) {
        return params.isEmpty() ? method : method + " " + params;
    }

    /** Every method with its fixed parameters in the table's order: the i-th has the i-th palette colour in every plot. */
    static List<String> methodOrder(MethodData data) {
        Set<String> order = new LinkedHashSet<>();
        data.result().rows().forEach(r -> order.add(methodLabel(r.method(), r.params())));
        data.curves().forEach(c -> order.add(methodLabel(c)));
        return List.copyOf(order);
    }

    private static String capitalised(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** One line of a plot: a curve's points that share every grid key but the last, against the last key's value. */
    record Series(MethodStudy.Curve curve, String method, String label, List<Double> xs, List<Statistic> values) {}

    /** A curve as lines; empty when its points have no numeric last key (a method without a grid). */
    static List<Series> split(MethodStudy.Curve c) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Map<String, String> xKey = new LinkedHashMap<>();
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < c.points().size(); i++) {
            String[] parts = c.points().get(i).isEmpty() ? new String[0] : c.points().get(i).split(";");
            if (parts.length == 0) {
                return List.of();
            }
            String[] last = parts[parts.length - 1].split("=", 2);
            Double x = last.length == 2 ? number(last[1]) : null;
            if (x == null) {
                return List.of();
            }
            String rest = String.join(" ", java.util.Arrays.copyOf(parts, parts.length - 1));
            groups.computeIfAbsent(rest, k -> new ArrayList<>()).add(i);
            xKey.put(rest, last[0]);
            xs.add(x);
        }
        List<Series> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<Double> gx = new ArrayList<>();
            List<Statistic> gv = new ArrayList<>();
            for (int i : g.getValue()) {
                gx.add(xs.get(i));
                gv.add(c.values().get(i));
            }
            String label = methodLabel(c) + (g.getKey().isEmpty() ? "" : " " + g.getKey()) + " [" + xKey.get(g.getKey())
                    + "], " + c.regime();
            out.add(new Series(c, methodLabel(c), label, gx, gv));
        }
        return out;
    }

    private static Double number(String s) {
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
