package org.mergelab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.KnowledgeLocation;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.PathBarriers;
import org.mergelab.eval.Regime;
import org.mergelab.eval.Statistic;

/**
 * The plots of the analyses beside the figures of merit: per protocol and BatchNorm policy, the loss and the error
 * barrier of every probe (bars per regime); per protocol and cue, the cue's retention when its model takes each layer
 * group from the other endpoint (bars per regime); per BatchNorm policy, predicted against measured retention of every
 * method at its chosen coefficient (a colour per method, in the method tables' order).
 */
final class AnalysisPlots {

    /** Report sections of these plots. */
    static final String BARRIERS = "Barriers along θ1 → θ2 per probe";
    static final String SWAPS = "Retention per layer group taken from the other endpoint";
    static final String PREDICTOR = "Predicted against measured retention";

    private AnalysisPlots() {}

    /** A loss and an error barrier chart per protocol and BatchNorm policy, in the order of the paths. */
    static List<Plot> barriers(RunData run, List<PathBarriers.PathFigures> paths) {
        Map<List<Object>, List<PathBarriers.PathFigures>> byChart = new LinkedHashMap<>();
        paths.forEach(p -> byChart.computeIfAbsent(List.of(p.protocol(), p.bnPolicy()), k -> new ArrayList<>()).add(p));
        List<Plot> out = new ArrayList<>();
        for (List<PathBarriers.PathFigures> same : byChart.values()) {
            String protocol = same.get(0).protocol();
            BatchNormPolicy bn = same.get(0).bnPolicy();
            Set<String> probeSet = new LinkedHashSet<>();
            same.forEach(p -> p.probes().forEach(b -> probeSet.add(b.probe())));
            List<String> probes = List.copyOf(probeSet);
            for (BarrierKind kind : BarrierKind.values()) {
                CategoryChart chart = ChartTheme.newBarChart(capitalised(kind.title) + "s, " + protocol + " — "
                        + RunPlots.context(run, bn), "probe", kind.title + " along θ1 → θ2", ChartTheme.HEIGHT);
                boolean any = false;
                for (PathBarriers.PathFigures p : same) {
                    List<Statistic> values = new ArrayList<>();
                    for (String probe : probes) {
                        values.add(p.probes().stream().filter(b -> b.probe().equals(probe)).findFirst()
                                .map(kind.value).orElse(null));
                    }
                    any |= ChartTheme.addBars(chart, p.regime().yamlName() + " (" + ChartTheme.barsNote(values) + ")",
                            titles(probes), values, ChartTheme.regimeColor(p.regime()));
                }
                if (any) {
                    out.add(new Plot(PlotNames.barriers(protocol, kind.name, bn), BARRIERS, capitalised(kind.title) + " of each "
                            + "probe along θ1 → θ2 in the " + protocol + " protocol, BN " + bn + ": the maximum over α of the "
                            + kind.quantity + " minus the straight line between its values at θ1 (α = 0) and θ2 (α = 1), so 0 "
                            + "when the path is never above that line; mean over " + Formats.seeds(run.seedCount())
                            + " of the per-seed barrier, error bars ±1 SE (none below 3 seeds).", chart));
                }
            }
        }
        return out;
    }

    /** The two barriers of a probe. */
    private enum BarrierKind {
        LOSS("loss", "loss barrier", "mean cross-entropy", PathBarriers.ProbeBarriers::loss),
        ERROR("error", "error barrier", "error (1 − accuracy)", PathBarriers.ProbeBarriers::error);

        final String name;
        final String title;
        final String quantity;
        final Function<PathBarriers.ProbeBarriers, Statistic> value;

        BarrierKind(String name, String title, String quantity, Function<PathBarriers.ProbeBarriers, Statistic> value) {
            this.name = name;
            this.title = title;
            this.quantity = quantity;
            this.value = value;
        }
    }

    /** Per protocol, a chart for the first cue (θ1 takes each group from θ2) and one for the second (the reverse). */
    static List<Plot> swaps(RunData run, List<KnowledgeLocation.GroupRetention> swaps) {
        Map<String, List<KnowledgeLocation.GroupRetention>> byProtocol = new LinkedHashMap<>();
        swaps.forEach(s -> byProtocol.computeIfAbsent(s.protocol(), k -> new ArrayList<>()).add(s));
        List<Plot> out = new ArrayList<>();
        for (Map.Entry<String, List<KnowledgeLocation.GroupRetention>> e : byProtocol.entrySet()) {
            KnowledgeLocation.GroupRetention any = e.getValue().get(0);
            addSwap(out, run, e.getKey(), e.getValue(), any.firstCue(), "θ1", "θ2", KnowledgeLocation.GroupRetention::firstRetention);
            if (!any.secondCue().equals(any.firstCue())) {
                addSwap(out, run, e.getKey(), e.getValue(), any.secondCue(), "θ2", "θ1",
                        KnowledgeLocation.GroupRetention::secondRetention);
            }
        }
        return out;
    }

    private static void addSwap(List<Plot> out, RunData run, String protocol, List<KnowledgeLocation.GroupRetention> rows,
            String cue, String model, String other, Function<KnowledgeLocation.GroupRetention, Statistic> retention) {
        Set<Regime> regimes = new LinkedHashSet<>();
        Set<String> groupSet = new LinkedHashSet<>();
        rows.forEach(r -> {
            regimes.add(r.regime());
            groupSet.add(r.group());
        });
        List<String> groups = List.copyOf(groupSet);
        String cueTitle = RunPlots.probeTitle(cue);
        CategoryChart chart = ChartTheme.newBarChart(capitalised(cueTitle) + " R, " + model + " + " + other + "'s group ("
                + protocol + ") — " + run.datasetName() + ", " + run.model() + ", " + Formats.seeds(run.seedCount()),
                "layer group " + model + " takes from " + other, "retention R of " + cueTitle, ChartTheme.HEIGHT);
        boolean any = false;
        for (Regime r : regimes) {
            List<Statistic> values = new ArrayList<>();
            for (String g : groups) {
                values.add(rows.stream().filter(x -> x.regime() == r && x.group().equals(g)).findFirst().map(retention)
                        .orElse(null));
            }
            any |= ChartTheme.addBars(chart, r.yamlName() + " (" + ChartTheme.barsNote(values) + ")", groups, values,
                    ChartTheme.regimeColor(r));
        }
        if (any) {
            out.add(new Plot(PlotNames.swaps(protocol, cue), SWAPS, "Retention of the " + cueTitle + " cue in the " + protocol
                    + " protocol when " + model + " takes one layer group (with its BatchNorm statistics, no recalibration) "
                    + "from " + other + ": adv(swapped model) / adv(" + model + "), mean over " + Formats.seeds(run.seedCount())
                    + ", error bars ±1 SE (none below 3 seeds). A low bar says that group holds the cue.", chart));
        }
    }

    /** Per BatchNorm policy with a defined point, predicted (x) against measured (y) retention. */
    static List<Plot> predictor(RunData run, List<AnalysisData.Predictor> predictors, List<String> methodOrder) {
        List<Plot> out = new ArrayList<>();
        for (AnalysisData.Predictor p : predictors) {
            if (p.points().isEmpty()) {
                continue;
            }
            Map<List<Object>, List<MethodStudy.PredictorPoint>> bySeries = new LinkedHashMap<>();
            p.points().forEach(pt -> bySeries.computeIfAbsent(
                    List.of(MethodPlots.methodLabel(pt.method(), pt.params()), pt.regime()), k -> new ArrayList<>()).add(pt));
            XYChart chart = ChartTheme.newChart("R̂ vs R (" + AnalysisTables.spearman(p).replace("Spearman ", "") + ") — " + RunPlots.context(run, p.bnPolicy()), "predicted retention R̂ (weights only)", "measured retention R",
                    ChartTheme.HEIGHT + 24 * bySeries.size());
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
            chart.getStyler().setXAxisDecimalPattern("0.00");
            double min = 0.0;
            double max = 1.0;
            for (MethodStudy.PredictorPoint pt : p.points()) {
                min = Math.min(min, Math.min(pt.predicted(), pt.measured()));
                max = Math.max(max, Math.max(pt.predicted(), pt.measured()));
            }
            XYSeries diagonal = chart.addSeries("R = R̂", new double[] {min, max}, new double[] {min, max});
            diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            diagonal.setLineColor(ChartTheme.REFERENCE);
            diagonal.setLineStyle(ChartTheme.DOTTED);
            diagonal.setMarker(SeriesMarkers.NONE);
            for (Map.Entry<List<Object>, List<MethodStudy.PredictorPoint>> e : bySeries.entrySet()) {
                String method = (String) e.getKey().get(0);
                Regime regime = (Regime) e.getKey().get(1);
                XYSeries s = chart.addSeries(method + ", " + regime.yamlName(),
                        e.getValue().stream().mapToDouble(MethodStudy.PredictorPoint::predicted).toArray(),
                        e.getValue().stream().mapToDouble(MethodStudy.PredictorPoint::measured).toArray());
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                java.awt.Color color = ChartTheme.paletteColor(methodOrder.indexOf(method));
                s.setMarkerColor(color);
                s.setLineColor(color);
                s.setMarker(ChartTheme.regimeLook(regime).marker());
            }
            chart.getStyler().setXAxisMin(min);
            chart.getStyler().setXAxisMax(max);
            chart.getStyler().setYAxisMin(min);
            chart.getStyler().setYAxisMax(max);
            out.add(new Plot(PlotNames.predictor(p.bnPolicy()), PREDICTOR, "Predicted retention R̂ (projection retention, "
                    + "from weights alone) against measured retention R on the test subset, BN " + p.bnPolicy() + ": one point "
                    + "per method at its chosen coefficient, protocol, regime, seed and cue; circles incremental, diamonds "
                    + "parallel; dotted line R = R̂. " + AnalysisTables.spearman(p) + "."
                    + (p.undefined() == 0 ? "" : " " + p.undefined() + (p.undefined() == 1 ? " point" : " points")
                            + " with an undefined value left out."), chart));
        }
        return out;
    }

    private static List<String> titles(List<String> probes) {
        return probes.stream().map(RunPlots::probeTitle).toList();
    }

    private static String capitalised(String s) {
        return s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1);
    }
}
