package org.mergelab.report;

import org.mergelab.eval.Regime;
import org.mergelab.eval.BatchNormPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.mergelab.eval.Statistic;
import org.mergelab.eval.Summary;

/**
 * The plots of one run, per BN policy: the paper's panels first (accuracy against alpha in the
 * task-specific protocol under the colour and the noise cue, the shared protocol under the colour
 * cue, base accuracy with the pre-trained model's as a line), then the conflict probes and the
 * retention R_c(alpha) of each cue. Incremental and parallel in every panel.
 */
final class RunPlots {

    /** Report sections, in order. */
    static final String PAPER = "The paper's panels";
    static final String MORE_ACCURACY = "Other probes: base accuracy and conflict probes";
    static final String RETENTION = "Retention of each cue";

    private RunPlots() {}

    static List<Plot> of(RunData run) {
        Summary s = run.summary();
        List<Plot> paper = new ArrayList<>();
        List<Plot> more = new ArrayList<>();
        List<Plot> retention = new ArrayList<>();
        for (BatchNormPolicy bn : run.bnPolicies()) {
            addAccuracy(paper, run, "task-specific", "color", bn);
            addAccuracy(paper, run, "task-specific", "noise", bn);
            addAccuracy(paper, run, "shared", "color", bn);
            addAccuracy(paper, run, "task-specific", "base", bn);
            for (String protocol : protocols(s)) {
                for (String probe : probes(s, protocol, bn)) {
                    if (!isPaperPanel(protocol, probe)) {
                        addAccuracy(more, run, protocol, probe, bn);
                    }
                }
                for (String cue : cues(s, protocol, bn)) {
                    Plot p = retention(run, protocol, cue, bn);
                    if (p != null) {
                        retention.add(p);
                    }
                }
            }
        }
        List<Plot> all = new ArrayList<>(paper);
        all.addAll(more);
        all.addAll(retention);
        return all;
    }

    static List<String> protocols(Summary s) {
        Set<String> out = new LinkedHashSet<>();
        s.curves().forEach(c -> out.add(c.protocol()));
        return List.copyOf(out);
    }

    static List<String> probes(Summary s, String protocol, BatchNormPolicy bn) {
        Set<String> out = new LinkedHashSet<>();
        s.curves().stream().filter(c -> c.protocol().equals(protocol) && c.bnPolicy().equals(bn)).forEach(c -> out.add(c.probe()));
        return List.copyOf(out);
    }

    static List<String> cues(Summary s, String protocol, BatchNormPolicy bn) {
        Set<String> out = new LinkedHashSet<>();
        s.cues().stream().filter(c -> c.protocol().equals(protocol) && c.bnPolicy().equals(bn)).forEach(c -> out.add(c.cue()));
        return List.copyOf(out);
    }

    static List<Regime> regimes(Summary s) {
        return List.of(Regime.values());
    }

    /** "colour probe" / "base probe (no cue)" / "colour-conflict probe". */
    static String probeTitle(String probe) {
        return switch (probe) {
            case "base" -> "base (no cue)";
            case "color" -> "colour";
            case "color-conflict" -> "colour-conflict";
            default -> probe;
        };
    }

    static String protocolTitle(String protocol) {
        return switch (protocol) {
            case "task-specific" -> "Task-specific";
            case "shared" -> "Shared";
            default -> "Protocol " + protocol;
        };
    }

    /** "builtin · ResNet-20 · 3 seeds · BN interpolate". */
    static String context(RunData run, BatchNormPolicy bn) {
        return run.datasetName() + ", " + run.model() + ", " + run.seedCount() + (run.seedCount() == 1 ? " seed" : " seeds")
                + ", BN " + bn;
    }

    private static void addAccuracy(List<Plot> out, RunData run, String protocol, String probe, BatchNormPolicy bn) {
        Summary s = run.summary();
        if (out.stream().anyMatch(p -> p.fileStem().equals(PlotNames.accuracy(protocol, probe, bn)))) {
            return;
        }
        List<Summary.Curve> curves = s.curves().stream()
                .filter(c -> c.protocol().equals(protocol) && c.probe().equals(probe) && c.bnPolicy().equals(bn)).toList();
        if (curves.isEmpty()) {
            return;
        }
        XYChart chart = ChartTheme.newChart(protocolTitle(protocol) + ", " + probeTitle(probe) + " — " + context(run, bn),
                "α (weight of θ2)", "accuracy (" + probe + ")");
        boolean band = true;
        for (Regime regime : regimes(s)) {
            for (Summary.Curve c : curves) {
                if (c.regime().equals(regime)) {
                    boolean b = ChartTheme.hasBand(c.accuracy());
                    band &= b;
                    ChartTheme.addCurve(chart, regime + " (" + ChartTheme.bandNote(b) + ")", s.alphas(), c.accuracy(),
                            ChartTheme.regimeColor(regime), ChartTheme.regimeLook(regime));
                }
            }
        }
        if (probe.equals("base")) {
            Statistic pre = s.pretrained().get("base");
            if (pre != null && pre.mean() != null) {
                ChartTheme.addHorizontal(chart, "pre-trained θ0 (" + String.format(java.util.Locale.ROOT, "%.3f", pre.mean()) + ")",
                        pre.mean(), ChartTheme.REFERENCE, ChartTheme.DOTTED);
            }
        }
        String caption = protocolTitle(protocol) + " protocol, " + probeTitle(probe) + " probe, BN " + bn + ": accuracy against α, mean over "
                + run.seedCount() + (run.seedCount() == 1 ? " seed" : " seeds")
                + (band ? " with a shaded band of ±1 standard error." : "; SE n/a (fewer than 3 seeds), so no band.")
                + (probe.equals("base") ? " The dotted line is the pre-trained model's base accuracy." : "")
                + (probe.endsWith("-conflict") ? " Each image carries another class's cue: below base means the model trusts the cue." : "");
        out.add(new Plot(PlotNames.accuracy(protocol, probe, bn), isPaperPanel(protocol, probe) ? PAPER : MORE_ACCURACY, caption, chart));
    }

    private static boolean isPaperPanel(String protocol, String probe) {
        return protocol.equals("task-specific") && List.of("color", "noise", "base").contains(probe)
                || protocol.equals("shared") && probe.equals("color");
    }

    private static Plot retention(RunData run, String protocol, String cue, BatchNormPolicy bn) {
        Summary s = run.summary();
        List<Summary.CueFigures> figs = s.cues().stream()
                .filter(c -> c.protocol().equals(protocol) && c.cue().equals(cue) && c.bnPolicy().equals(bn)).toList();
        XYChart chart = ChartTheme.newChart("Retention, " + probeTitle(cue) + " cue, "
                + protocolTitle(protocol).toLowerCase(java.util.Locale.ROOT) + " — " + context(run, bn),
                "α (weight of θ2)", "retention R(α)");
        boolean any = false;
        for (Regime regime : regimes(s)) {
            for (Summary.CueFigures f : figs) {
                if (f.regime().equals(regime)) {
                    boolean b = ChartTheme.hasBand(f.retention());
                    any |= ChartTheme.addCurve(chart, regime + " (" + ChartTheme.bandNote(b) + ")", s.alphas(),
                            f.retention(), ChartTheme.regimeColor(regime), ChartTheme.regimeLook(regime));
                }
            }
        }
        if (!any) {
            return null;
        }
        ChartTheme.addHorizontal(chart, "R = 0.5 (half-life)", 0.5, ChartTheme.REFERENCE, ChartTheme.DOTTED);
        String caption = "Retention R(α) = adv(α) / adv(α_c) of the " + cue + " cue, " + protocol + " protocol, BN " + bn
                + "; points where the endpoint never learned the cue are undefined and left out.";
        return new Plot(PlotNames.retention(protocol, cue, bn), RETENTION, caption, chart);
    }
}
