package org.mergelab.report;

import org.mergelab.eval.Regime;
import org.mergelab.eval.BatchNormPolicy;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.mergelab.eval.Statistic;
import org.mergelab.eval.Summary;

/**
 * The same curves of several runs in one chart: one colour per run and BN policy (Okabe-Ito), the
 * regime by marker and line style (incremental: circles, solid; parallel: diamonds, dashed).
 */
final class ComparePlots {

    private ComparePlots() {}

    /**
     * One curve group: a run under one BN policy, with its colour and legend label.
     *
     * @param run the run
     * @param bnPolicy the BN policy
     * @param label "name · dataset · model · BN policy"
     * @param color its colour
     */
    record Group(RunData run, BatchNormPolicy bnPolicy, String label, Color color) {}

    /** Every run × BN policy, coloured in order; labels made unique with the directory name when needed. */
    static List<Group> groups(List<RunData> runs) {
        List<Group> out = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (RunData r : runs) {
            for (BatchNormPolicy bn : r.bnPolicies()) {
                labels.add(r.label() + " · BN " + bn);
            }
        }
        int i = 0;
        Set<String> taken = new java.util.HashSet<>();
        for (RunData r : runs) {
            for (BatchNormPolicy bn : r.bnPolicies()) {
                String label = labels.get(i);
                if (labels.indexOf(label) != labels.lastIndexOf(label)) {
                    label = r.dir().toAbsolutePath().normalize().getFileName() + ": " + label;
                }
                String unique = label;
                for (int k = 2; taken.contains(unique); k++) {
                    unique = label + " (" + k + ")";
                }
                taken.add(unique);
                label = unique;
                out.add(new Group(r, bn, label, ChartTheme.paletteColor(i)));
                i++;
            }
        }
        return out;
    }

    static List<Plot> of(List<RunData> runs) {
        List<Group> groups = groups(runs);
        Set<List<String>> accuracyKeys = new LinkedHashSet<>();
        Set<List<String>> retentionKeys = new LinkedHashSet<>();
        List<List<String>> paper = List.of(List.of("task-specific", "color"), List.of("task-specific", "noise"),
                List.of("shared", "color"), List.of("task-specific", "base"));
        for (RunData r : runs) {
            for (Summary.Curve c : r.summary().curves()) {
                if (paper.contains(List.of(c.protocol(), c.probe()))) {
                    accuracyKeys.add(List.of(c.protocol(), c.probe()));
                }
            }
        }
        List<List<String>> ordered = new ArrayList<>();
        for (List<String> k : paper) {
            if (accuracyKeys.contains(k)) {
                ordered.add(k);
            }
        }
        for (RunData r : runs) {
            for (Summary.Curve c : r.summary().curves()) {
                List<String> k = List.of(c.protocol(), c.probe());
                if (!ordered.contains(k)) {
                    ordered.add(k);
                }
            }
            for (Summary.CueFigures c : r.summary().cues()) {
                retentionKeys.add(List.of(c.protocol(), c.cue()));
            }
        }
        List<Plot> out = new ArrayList<>();
        for (List<String> k : ordered) {
            out.add(accuracy(groups, k.get(0), k.get(1), paper.contains(k)));
        }
        for (List<String> k : retentionKeys) {
            out.add(retention(groups, k.get(0), k.get(1)));
        }
        return out;
    }

    private static XYChart chart(String title, String yTitle, int series) {
        XYChart chart = ChartTheme.newChart(title, "α (weight of θ2)", yTitle, ChartTheme.HEIGHT + 24 * series);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        return chart;
    }

    private static Plot accuracy(List<Group> groups, String protocol, String probe, boolean paperPanel) {
        int series = 0;
        for (Group g : groups) {
            series += (int) g.run().summary().curves().stream()
                    .filter(c -> c.protocol().equals(protocol) && c.probe().equals(probe) && c.bnPolicy().equals(g.bnPolicy())).count();
            series += probe.equals("base") && g.run().summary().pretrained().containsKey("base") ? 1 : 0;
        }
        XYChart chart = chart("Compared: " + RunPlots.protocolTitle(protocol).toLowerCase(java.util.Locale.ROOT) + ", "
                + RunPlots.probeTitle(probe) + " — accuracy against α", "accuracy (" + probe + ")", series);
        for (Group g : groups) {
            Summary s = g.run().summary();
            for (Regime regime : RunPlots.regimes(s)) {
                for (Summary.Curve c : s.curves()) {
                    if (c.protocol().equals(protocol) && c.probe().equals(probe) && c.bnPolicy().equals(g.bnPolicy())
                            && c.regime().equals(regime)) {
                        boolean band = ChartTheme.hasBand(c.accuracy());
                        ChartTheme.addCurve(chart, g.label() + " · " + regime + " (" + ChartTheme.bandNote(band) + ", "
                                + Formats.seeds(g.run().seedCount()) + ")", s.alphas(), c.accuracy(), g.color(), ChartTheme.regimeLook(regime));
                    }
                }
            }
            Statistic pre = s.pretrained().get("base");
            if (probe.equals("base") && pre != null && pre.mean() != null) {
                ChartTheme.addHorizontal(chart, g.label() + " · pre-trained θ0", pre.mean(), g.color(), ChartTheme.DOTTED);
            }
        }
        String caption = RunPlots.protocolTitle(protocol) + " protocol, " + RunPlots.probeTitle(probe)
                + " probe: accuracy against α of every run (colour) and regime (marker and line style), with ±1 SE bands where a run has 3 or more seeds"
                + (probe.equals("base") ? "; dotted lines are each run's pre-trained base accuracy." : ".");
        return new Plot(PlotNames.compareAccuracy(protocol, probe), paperPanel ? RunPlots.PAPER : RunPlots.MORE_ACCURACY, caption, chart);
    }

    private static Plot retention(List<Group> groups, String protocol, String cue) {
        int series = 1;
        for (Group g : groups) {
            series += (int) g.run().summary().cues().stream()
                    .filter(c -> c.protocol().equals(protocol) && c.cue().equals(cue) && c.bnPolicy().equals(g.bnPolicy())).count();
        }
        XYChart chart = chart("Compared: retention, " + RunPlots.probeTitle(cue) + " cue, "
                + RunPlots.protocolTitle(protocol).toLowerCase(java.util.Locale.ROOT), "retention R(α)", series);
        for (Group g : groups) {
            Summary s = g.run().summary();
            for (Regime regime : RunPlots.regimes(s)) {
                for (Summary.CueFigures c : s.cues()) {
                    if (c.protocol().equals(protocol) && c.cue().equals(cue) && c.bnPolicy().equals(g.bnPolicy()) && c.regime().equals(regime)) {
                        boolean band = ChartTheme.hasBand(c.retention());
                        ChartTheme.addCurve(chart, g.label() + " · " + regime + " (" + ChartTheme.bandNote(band) + ", "
                                + Formats.seeds(g.run().seedCount()) + ")", s.alphas(), c.retention(), g.color(), ChartTheme.regimeLook(regime));
                    }
                }
            }
        }
        ChartTheme.addHorizontal(chart, "R = 0.5 (half-life)", 0.5, ChartTheme.REFERENCE, ChartTheme.DOTTED);
        String caption = "Retention R(α) of the " + cue + " cue, " + protocol + " protocol, of every run; undefined points left out.";
        return new Plot(PlotNames.compareRetention(protocol, cue), RunPlots.RETENTION, caption, chart);
    }
}
