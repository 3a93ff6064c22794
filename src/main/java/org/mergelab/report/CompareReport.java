package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.checkpoint.AtomicFiles;

/**
 * {@code mergelab compare DIR1 DIR2 ... --out DIR}: the same curves of several runs (two BN
 * policies, two datasets, two architectures...) overlaid, each run and BN policy in its own
 * Okabe-Ito colour and labelled by run name, dataset, model and BN policy; the findings of every
 * run in one table; every figure of merit with a run column. Writes {@code DIR/plots/}
 * ({@code compare_accuracy_<protocol>_<probe>}, {@code compare_retention_<protocol>_<cue>}, PNG and
 * SVG) and {@code DIR/report.html}, each atomically.
 */
public final class CompareReport {

    private CompareReport() {}

    /**
     * Writes the comparison of {@code runDirs} into {@code out}.
     *
     * @return the path of out/report.html
     * @throws IOException naming the run directory whose summary.json is missing or of an unknown version
     * @throws IllegalArgumentException when no run directory is given
     */
    public static Path write(List<Path> runDirs, Path out) throws IOException {
        if (runDirs.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one run directory");
        }
        List<RunData> runs = new ArrayList<>();
        for (Path d : runDirs) {
            runs.add(RunData.load(d));
        }
        List<WrittenPlot> plots = new ArrayList<>();
        for (Plot p : ComparePlots.of(runs)) {
            plots.add(PlotWriter.write(p, out.resolve(RunReport.PLOTS_DIR)));
        }
        Path report = out.resolve(RunReport.REPORT_FILE);
        AtomicFiles.writeString(report, html(runs, plots, out));
        return report;
    }

    static String html(List<RunData> runs, List<WrittenPlot> plots, Path reportDir) throws IOException {
        List<ComparePlots.Group> groups = ComparePlots.groups(runs);
        StringBuilder b = new StringBuilder();
        b.append("<h1>mergelab comparison of ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append("</h1>\n");
        b.append("<section id=\"runs\">\n<h2>Runs</h2>\n");
        List<List<String>> rows = new ArrayList<>();
        for (ComparePlots.Group g : groups) {
            String hex = String.format("#%06X", g.color().getRGB() & 0xFFFFFF);
            rows.add(List.of("<span class=\"swatch\" style=\"background:" + hex + "\"></span>" + escape(hex),
                    escape(g.label()), escape(g.run().dataset()), escape(g.run().model()), escape(g.bnPolicy().yamlName()),
                    escape(Formats.seeds(g.run().seedCount())), escape(g.run().dir().toAbsolutePath().normalize().toString())));
        }
        b.append(ReportPage.table(List.of("colour", "run", "dataset", "model", "BN", "seeds", "directory"), rows, List.of()));
        b.append("</section>\n<section id=\"findings\">\n<h2>Findings</h2>\n");
        b.append(FigureTables.findings(labelled(runs))).append("</section>\n");
        b.append("<section id=\"plots\">\n<h2>Plots</h2>\n");
        b.append(plots.isEmpty() ? "<p>No curves in these summaries.</p>\n" : ReportPage.plots(plots, reportDir));
        b.append("</section>\n<section id=\"figures\">\n<h2>Figures of merit</h2>\n");
        b.append(FigureTables.figuresOfMerit(labelled(runs))).append("</section>\n");
        b.append("<section id=\"provenance\">\n<h2>Versions, threads, wall time</h2>\n");
        for (RunData r : runs) {
            b.append("<h3>").append(escape(r.label())).append("</h3>\n").append(RunReport.facts(r));
        }
        b.append("</section>\n");
        return ReportPage.page("mergelab comparison", b.toString());
    }

    private static List<FigureTables.Labelled> labelled(List<RunData> runs) {
        List<FigureTables.Labelled> out = new ArrayList<>();
        for (RunData r : runs) {
            out.add(new FigureTables.Labelled(r.label(), r));
        }
        return out;
    }
}
