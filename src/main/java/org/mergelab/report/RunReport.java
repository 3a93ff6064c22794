package org.mergelab.report;

import org.mergelab.eval.BatchNormPolicy;

import static org.mergelab.report.Html.escape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.eval.SequenceStudy;

/**
 * The report of one run directory (written by {@code mergelab run}, {@code mergelab demo} and
 * {@code mergelab report DIR}): the plots under {@code DIR/plots/} as PNG and SVG (names in
 * {@link PlotNames}: {@code accuracy_<protocol>_<probe>_bn-<policy>},
 * {@code retention_<protocol>_<cue>_bn-<policy>}, {@code methods_<protocol>_<cue>_bn-<policy>}) and
 * {@code DIR/report.html}, one self-contained page: context, the three findings with a held / not held
 * mark per BN policy, the plots (inline SVG), every figure of merit with its standard error, "Which
 * method keeps what" when the run has a method study ({@code merges.csv}), and each analysis summary.json holds
 * (the interpolation path's barriers, where knowledge lives, weight forensics, predicted retention; plots
 * {@code barriers_*}, {@code swaps_*}, {@code predictor_*}), the resolved config, the checkpoint lineage
 * tree, versions, threads and wall time. Every file is written through a temporary and an atomic
 * rename. Inputs: {@code summary.json} (required), {@code merges.csv} (required when summary.json has
 * {@code methods}), {@code experiment.yaml}, {@code log.txt}, {@code checkpoints/} (optional).
 */
public final class RunReport {

    /** The report's file name in the run directory. */
    public static final String REPORT_FILE = "report.html";

    /** The plot directory's name in the run directory. */
    public static final String PLOTS_DIR = "plots";

    private RunReport() {}

    /**
     * Rebuilds the plots and report.html of a run directory.
     *
     * @return the path of report.html
     * @throws IOException naming the directory when it has no readable summary.json of a known version
     */
    public static Path write(Path dir) throws IOException {
        RunData run = RunData.load(dir);
        MethodData methods = MethodData.load(dir);
        List<WrittenPlot> plots = new ArrayList<>();
        for (Plot p : RunPlots.of(run)) {
            plots.add(PlotWriter.write(p, dir.resolve(PLOTS_DIR)));
        }
        List<WrittenPlot> methodPlots = new ArrayList<>();
        if (methods != null) {
            for (Plot p : MethodPlots.of(run, methods)) {
                methodPlots.add(PlotWriter.write(p, dir.resolve(PLOTS_DIR)));
            }
        }
        AnalysisData analyses = AnalysisData.load(dir);
        List<Plot> analysisPlots = new ArrayList<>(AnalysisPlots.barriers(run, analyses.barriers()));
        analysisPlots.addAll(AnalysisPlots.swaps(run, analyses.swaps()));
        if (methods != null) {
            analysisPlots.addAll(AnalysisPlots.predictor(run, analyses.predictors(), MethodPlots.methodOrder(methods)));
        }
        SequenceStudy.Result sequences = SequenceTables.load(dir);
        if (sequences != null) {
            analysisPlots.addAll(SequencePlots.of(run, sequences));
        }
        List<WrittenPlot> writtenAnalysisPlots = new ArrayList<>();
        for (Plot p : analysisPlots) {
            writtenAnalysisPlots.add(PlotWriter.write(p, dir.resolve(PLOTS_DIR)));
        }
        Path report = dir.resolve(REPORT_FILE);
        AtomicFiles.writeString(report, html(run, plots, methods, methodPlots, analyses, sequences, writtenAnalysisPlots, dir));
        return report;
    }

    static String html(RunData run, List<WrittenPlot> plots, Path reportDir) throws IOException {
        return html(run, plots, null, List.of(), reportDir);
    }

    /** The page; with a method study ({@code methods} not null), the section "Which method keeps what". */
    static String html(RunData run, List<WrittenPlot> plots, MethodData methods, List<WrittenPlot> methodPlots, Path reportDir)
            throws IOException {
        return html(run, plots, methods, methodPlots, new AnalysisData(List.of(), List.of(), List.of(), List.of()), null,
                List.of(), reportDir);
    }

    /**
     * The page; each analysis of summary.json that ran ("The interpolation path", "Where knowledge lives", "Weight
     * forensics", and with a method study "Predicted retention") adds its section, and the longer sequences
     * ({@code sequences} not null) theirs, with their plots from {@code analysisPlots}.
     */
    static String html(RunData run, List<WrittenPlot> plots, MethodData methods, List<WrittenPlot> methodPlots,
            AnalysisData analyses, SequenceStudy.Result sequences, List<WrittenPlot> analysisPlots, Path reportDir)
            throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("<h1>mergelab report: ").append(escape(run.name())).append("</h1>\n");
        b.append("<p class=\"context\">").append(escape(contextLine(run))).append("</p>\n");
        List<FigureTables.Labelled> one = List.of(new FigureTables.Labelled("", run));
        b.append("<section id=\"findings\">\n<h2>Findings</h2>\n");
        b.append("<p>The three findings of Hess, van de Ven &amp; Tuytelaars (2025), checked on this run per BN policy "
                + "(PROTOCOL.md). A finding that does not hold is shown as not holding.</p>\n");
        b.append(FigureTables.findings(one)).append("</section>\n");
        b.append("<section id=\"plots\">\n<h2>Plots</h2>\n");
        b.append(plots.isEmpty() ? "<p>No curves in this summary.</p>\n" : ReportPage.plots(plots, reportDir));
        b.append("</section>\n<section id=\"figures\">\n<h2>Figures of merit</h2>\n");
        b.append(FigureTables.figuresOfMerit(one)).append("</section>\n");
        if (!analyses.barriers().isEmpty()) {
            b.append("<section id=\"path\">\n<h2>The interpolation path</h2>\n<p>The barrier of a probe along θ1 → θ2 is the "
                    + "maximum over α of its loss (or error, 1 − accuracy) minus the straight line between its values at "
                    + "θ1 (α = 0) and θ2 (α = 1): 0 when the path never rises above that line, 0 at α ∈ {0, 1} by "
                    + "construction (PROTOCOL.md). Per seed first, then mean ± standard error over seeds.</p>\n");
            b.append(AnalysisTables.barriers(analyses.barriers()));
            b.append(sectionPlots(analysisPlots, AnalysisPlots.BARRIERS, reportDir, "b")).append("</section>\n");
        }
        if (!analyses.swaps().isEmpty()) {
            b.append("<section id=\"where-knowledge-lives\">\n<h2>Where knowledge lives</h2>\n<p>Each endpoint takes one "
                    + "layer group from the other, with the group's BatchNorm statistics and no recalibration; R is the "
                    + "retention of the endpoint's own cue, adv(swapped model) / adv(endpoint), mean ± standard error over "
                    + "seeds. A group whose swap drops R holds that cue's knowledge.</p>\n");
            b.append(AnalysisTables.swaps(analyses.swaps()));
            b.append(sectionPlots(analysisPlots, AnalysisPlots.SWAPS, reportDir, "s")).append("</section>\n");
        }
        if (!analyses.forensics().isEmpty()) {
            b.append("<section id=\"forensics\">\n<h2>Weight forensics</h2>\n<p>Task vectors τ1 = θ1 − θ0 and τ2 = θ2 − θ0 "
                    + "per layer group and for the whole model (“all”): their norms, their cosine, the share of entries "
                    + "where their signs conflict, and θ1's share of the entries TIES keeps; mean ± standard error over "
                    + "seeds.</p>\n");
            b.append(AnalysisTables.forensics(analyses.forensics())).append("</section>\n");
        }
        if (methods != null) {
            b.append("<section id=\"methods\">\n<h2>Which method keeps what</h2>\n").append(MethodTables.tables(methods));
            b.append(methodPlots.isEmpty() ? "<p>No method has a defined curve over its coefficient.</p>\n"
                    : ReportPage.plots(methodPlots, reportDir, "m"));
            b.append("</section>\n");
            if (!analyses.predictors().isEmpty()) {
                b.append("<section id=\"predicted-retention\">\n<h2>Predicted retention</h2>\n<p>The predicted retention "
                        + "R̂ is the projection retention of <code>docs/predicted-retention.md</code> (“The formula”), "
                        + "R̂<sub>k</sub> = ⟨θ<sub>m</sub> − θ<sub>init</sub>, τ<sub>k</sub>⟩ / |τ<sub>k</sub>|², computed "
                        + "from the weights alone; Spearman's ρ says how well it ranks the measured retention of every "
                        + "method at its chosen coefficient over protocols, regimes, seeds and cues.</p>\n");
                b.append(AnalysisTables.predictors(analyses.predictors()));
                b.append(sectionPlots(analysisPlots, AnalysisPlots.PREDICTOR, reportDir, "r")).append("</section>\n");
            }
        }
        if (sequences != null) {
            b.append(sequenceSection(sequences, analysisPlots, reportDir));
        }
        b.append("<section id=\"config\">\n<h2>Resolved config</h2>\n<pre>").append(escape(run.configYaml())).append("</pre>\n</section>\n");
        b.append("<section id=\"lineage\">\n<h2>Checkpoint lineage</h2>\n<pre>").append(escape(run.lineageTree()))
                .append("</pre>\n</section>\n");
        b.append("<section id=\"provenance\">\n<h2>Versions, threads, wall time</h2>\n").append(facts(run)).append("</section>\n");
        return ReportPage.page("mergelab report: " + run.name(), b.toString());
    }

    /** "Longer sequences": per sequence and BatchNorm policy the final figures and heatmaps; the plots; finding 3 at length. */
    private static String sequenceSection(SequenceStudy.Result sequences, List<WrittenPlot> analysisPlots, Path reportDir)
            throws IOException {
        StringBuilder b = new StringBuilder("<section id=\"sequences\">\n<h2>Longer sequences</h2>\n<p>After step k the model "
                + "under test is the strategy's merge of θ<sub>1</sub>..θ<sub>k</sub> (none: θ<sub>k</sub> itself), trained as an "
                + "incremental chain or in parallel from θ0 (PROTOCOL.md, “Beyond two tasks”). A[k][j] is its accuracy on the "
                + "probe of task j's cue, A<sub>adv</sub>[k][j] that minus its base accuracy: what the cue still adds. "
                + "ACC = mean of the last row; BWT = mean change of each earlier task from just after it was learned; "
                + "forgetting = mean drop of each earlier task from its best. Base knowledge apart: base accuracy after the "
                + "last step minus θ0's, and its drop from its best. Per seed first, then mean ± standard error.</p>\n");
        for (List<SequenceStudy.Table> tables : SequenceTables.bySequence(sequences).values()) {
            SequenceStudy.Table any = tables.get(0);
            b.append("<h3>Sequence ").append(escape(SequenceTables.sequenceTitle(any))).append(", ").append(escape(any.kind()))
                    .append(", BN ").append(escape(any.bnPolicy().yamlName())).append("</h3>\n");
            b.append(SequenceTables.leastForgetting(tables)).append(SequenceTables.finalFigures(tables));
            b.append("<h4>A<sub>adv</sub> after each step (mean over seeds)</h4>\n").append(SequenceTables.heatmaps(tables));
        }
        b.append(sectionPlots(analysisPlots, SequencePlots.SECTION, reportDir, "q"));
        if (!sequences.incrementalMinusParallel().isEmpty()) {
            b.append("<h3>Finding 3 at length</h3>\n<p>Does the incremental chain's advantage over the parallel fan-out on the "
                    + "earliest task's cue grow or shrink as tasks are added? Incremental minus parallel accuracy on that cue's "
                    + "probe after each step, per seed, then mean ± standard error (0 after step 1, where both regimes test the "
                    + "same model).</p>\n").append(SequenceTables.lengthFindings(sequences));
        }
        return b.append("</section>\n").toString();
    }

    /** The plots of one report section, inline; empty when it has none. */
    private static String sectionPlots(List<WrittenPlot> plots, String section, Path reportDir, String idPrefix)
            throws IOException {
        List<WrittenPlot> mine = plots.stream().filter(p -> p.section().equals(section)).toList();
        return mine.isEmpty() ? "<p>Nothing defined to plot.</p>\n" : ReportPage.plots(mine, reportDir, idPrefix);
    }

    /** "builtin:size=8000 · ResNet-20 (8/16/32) · 3 seeds (0, 1, 2) · BN interpolate · test subset 500". */
    static String contextLine(RunData run) {
        String seeds = run.summary().seeds().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return "Dataset " + run.dataset() + " · model " + run.model() + " · " + Formats.seeds(run.seedCount()) + " (" + seeds + ")"
                + " · BN " + run.bnPolicies().stream().map(BatchNormPolicy::yamlName).collect(Collectors.joining(", "))
                + " · " + (run.testSize() > 0 ? "test subset of " + run.testSize() + " images" : "whole test set")
                + " · α grid of " + run.summary().alphas().size() + " points";
    }

    static String facts(RunData run) {
        StringBuilder sb = new StringBuilder("<dl class=\"facts\">\n");
        for (Map.Entry<String, String> v : run.versions().entrySet()) {
            sb.append("<dt>").append(escape(v.getKey())).append("</dt><dd>").append(escape(v.getValue())).append("</dd>\n");
        }
        sb.append("<dt>threads</dt><dd>").append(run.threads() == null ? "n/a" : run.threads()).append("</dd>\n");
        sb.append("<dt>wall time</dt><dd>");
        if (run.finished() == null) {
            sb.append("n/a (no “finished:” line in log.txt)");
        } else {
            sb.append(escape(ReportPage.duration(run.finished().seconds()))).append(", ").append(run.finished().unitsRun())
                    .append(" units run, ").append(run.finished().unitsReused()).append(" reused (last run of this directory)");
        }
        sb.append("</dd>\n<dt>directory</dt><dd>").append(escape(run.dir().toAbsolutePath().normalize().toString())).append("</dd>\n");
        return sb.append("</dl>\n").toString();
    }
}
