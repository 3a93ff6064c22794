package org.mergelab.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.SequenceStudy;
import org.mergelab.eval.Statistic;

/**
 * The plots of the longer sequences: per sequence and BatchNorm policy, ACC and BWT of the cue advantage against the
 * step, a line per regime and strategy (a colour per strategy, the regime's marker and line style).
 */
final class SequencePlots {

    /** The report section of these plots. */
    static final String SECTION = "ACC and BWT of the cue advantage after each step";

    private SequencePlots() {}

    /** Two charts (ACC, BWT) per sequence and BatchNorm policy, in the summary's order. */
    static List<Plot> of(RunData run, SequenceStudy.Result result) {
        List<Plot> out = new ArrayList<>();
        for (Map.Entry<List<Object>, List<SequenceStudy.Table>> e : SequenceTables.bySequence(result).entrySet()) {
            List<SequenceStudy.Table> tables = e.getValue();
            add(out, run, tables, "acc", "ACC", "ACC of the advantage (mean over tasks so far)", SequenceStudy.StepFigures::advAcc);
            add(out, run, tables, "bwt", "BWT", "BWT of the advantage", SequenceStudy.StepFigures::advBwt);
        }
        return out;
    }

    private static void add(List<Plot> out, RunData run, List<SequenceStudy.Table> tables, String name, String title,
            String yTitle, Function<SequenceStudy.StepFigures, Statistic> figure) {
        SequenceStudy.Table any = tables.get(0);
        BatchNormPolicy bn = any.bnPolicy();
        List<String> strategies = List.copyOf(new LinkedHashSet<>(tables.stream().map(SequenceStudy.Table::strategy).toList()));
        // the dataset, model and seeds are in the page's context line and the caption: a title this long fits
        XYChart chart = ChartTheme.newChart(title + ", " + SequenceTables.sequenceTitle(any) + ", BN " + bn,
                "step k (tasks trained so far)", yTitle, ChartTheme.HEIGHT + 24 * tables.size());
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        int steps = any.cues().size();
        chart.getStyler().setXAxisMin(1.0);
        chart.getStyler().setXAxisMax((double) steps);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setXAxisTickMarkSpacingHint(Math.max(40, (ChartTheme.WIDTH - 160) / Math.max(1, steps)));
        boolean added = false;
        for (SequenceStudy.Table t : tables) {
            List<Double> xs = new ArrayList<>();
            List<Statistic> values = new ArrayList<>();
            for (SequenceStudy.StepFigures f : t.steps()) {
                xs.add((double) f.step());
                values.add(figure.apply(f));
            }
            added |= ChartTheme.addCurve(chart, t.regime().yamlName() + " · " + t.strategy(), xs, values,
                    ChartTheme.paletteColor(strategies.indexOf(t.strategy())), ChartTheme.regimeLook(t.regime()), false);
        }
        if (!added) {
            return;
        }
        String caption = title + " of the cue advantage (A_adv, probe accuracy minus base accuracy) after each step of the "
                + any.sequence() + " sequence, " + RunPlots.context(run, bn) + ": per seed first, then the mean over "
                + Formats.seeds(run.seedCount()) + "; a colour per strategy, solid lines with circles for the incremental "
                + "chain, dashed with diamonds for the parallel fan-out."
                + (name.equals("bwt") ? " BWT is undefined after step 1." : "");
        out.add(new Plot(PlotNames.sequence(any.sequence(), name, bn), SECTION, caption, chart));
    }
}
