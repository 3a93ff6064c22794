package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYSeries;
import org.mergelab.experiment.SummaryJson;

/**
 * The interpolation path, where knowledge lives, weight forensics and predicted retention in report.html, from the
 * hand-picked numbers of {@link SyntheticRun#writeWithAnalyses}.
 */
class AnalysisReportTest {

    @TempDir
    Path tmp;

    @TempDir
    static Path shared;

    static Path run;
    static String html;

    @BeforeAll
    static void writeReport() throws IOException {
        run = new SyntheticRun().writeWithAnalyses(shared.resolve("run"));
        html = Files.readString(RunReport.write(run));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A table row: the first {@code text} cells plain, the rest numeric. */
    private static String row(int text, String... cells) {
        StringBuilder sb = new StringBuilder("<tr>");
        for (int i = 0; i < cells.length; i++) {
            sb.append(i < text ? "<td>" : "<td class=\"num\">").append(cells[i]).append("</td>");
        }
        return sb.append("</tr>").toString();
    }

    /** Equal to 1e-12. */
    private static final java.util.Comparator<Double> CLOSE = (a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b);

    private static List<Double> numbers(java.util.Collection<? extends Number> values) {
        return values.stream().map(n -> n == null ? null : n.doubleValue()).toList();
    }

    private static String section(String id) {
        int at = html.indexOf("<section id=\"" + id + "\">");
        assertThat(at).as(id).isNotNegative();
        return html.substring(at, html.indexOf("</section>", at));
    }

    /** The HTML between a heading and the next heading. */
    private static String under(String text, String heading) {
        int at = text.indexOf("<h3>" + heading + "</h3>");
        assertThat(at).as(heading).isNotNegative();
        int end = text.indexOf("<h3>", at + 4);
        return text.substring(at, end < 0 ? text.length() : end);
    }

    @Test
    void sectionsSitBetweenTheFiguresOfMeritAndTheConfigInOrder() {
        int figures = html.indexOf("<section id=\"figures\">");
        int path = html.indexOf("<section id=\"path\">\n<h2>The interpolation path</h2>");
        int swaps = html.indexOf("<section id=\"where-knowledge-lives\">\n<h2>Where knowledge lives</h2>");
        int forensics = html.indexOf("<section id=\"forensics\">\n<h2>Weight forensics</h2>");
        int methods = html.indexOf("<section id=\"methods\">");
        int predicted = html.indexOf("<section id=\"predicted-retention\">\n<h2>Predicted retention</h2>");
        int config = html.indexOf("<section id=\"config\">");
        assertThat(List.of(figures, path, swaps, forensics, methods, predicted, config)).doesNotContain(-1).isSorted();
    }

    @Test
    void barrierTableHasEachProbeOfEachPathWithItsBarriers() {
        String s = section("path");
        assertThat(s).contains("maximum over α of its loss (or error, 1 − accuracy) minus the straight line");
        assertThat(s).contains("<th>protocol</th><th>regime</th><th>BN policy</th><th>probe</th><th>loss barrier</th>"
                + "<th>error barrier</th>");
        // base, incremental: loss 0.1, 0.2, 0.3 -> 0.2 ± 0.1/sqrt(3); error 0.02, 0.04, 0.06 -> 0.04 ± 0.02/sqrt(3)
        assertThat(s).contains(row(4, "task-specific", "incremental", "interpolate", "base", "0.200 ± 0.058", "0.040 ± 0.012"));
        assertThat(s).contains(row(4, "task-specific", "incremental", "interpolate", "color", "0.500 ± 0.000", "0.100 ± 0.000"));
        assertThat(s).contains(row(4, "task-specific", "parallel", "interpolate", "base", "1.200 ± 0.173", "0.300 ± 0.058"));
        assertThat(s).contains(row(4, "task-specific", "parallel", "interpolate", "color", "0.700 ± n/a", "0.250 ± n/a"));
        assertThat(s).contains("<figure id=\"barriers_task-specific_loss_bn-interpolate\">")
                .contains("<figure id=\"barriers_task-specific_error_bn-interpolate\">").contains("id=\"b1-");
    }

    @Test
    void barrierChartsHaveProbesOnXAndOneBarSeriesPerRegimeWithErrorBarsWhereDefined() throws IOException {
        List<Plot> plots = AnalysisPlots.barriers(RunData.load(run), AnalysisData.load(run).barriers());
        assertThat(plots).extracting(Plot::fileStem)
                .containsExactly("barriers_task-specific_loss_bn-interpolate", "barriers_task-specific_error_bn-interpolate");
        CategoryChart loss = (CategoryChart) plots.get(0).chart();
        assertThat(loss.getSeriesMap().keySet()).containsExactly("incremental (±1 SE error bars)", "parallel (SE n/a)");
        CategorySeries inc = loss.getSeriesMap().get("incremental (±1 SE error bars)");
        assertThat(List.<Object>copyOf(inc.getXData())).containsExactly("base (no cue)", "colour");
        assertThat(numbers(inc.getYData())).usingElementComparator(CLOSE).containsExactly(0.2, 0.5);
        assertThat(inc.getExtraValues()).isNotNull();
        assertThat(numbers(inc.getExtraValues()).get(0)).isCloseTo(0.1 / Math.sqrt(3), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(loss.getSeriesMap().get("parallel (SE n/a)").getExtraValues()).isNull();
        assertThat(inc.getFillColor()).isEqualTo(ChartTheme.INCREMENTAL);
        assertThat(plots.get(0).caption()).contains("maximum over α of the mean cross-entropy minus the straight line");
    }

    @Test
    void whereKnowledgeLivesHasAGroupRowPerProtocolAndABarChartPerCue() throws IOException {
        String s = section("where-knowledge-lives");
        String table = under(s, "Protocol task-specific");
        assertThat(table).contains("<th>layer group</th><th>R colour, θ1 takes the group from θ2 (incremental)</th>"
                + "<th>R noise, θ2 takes the group from θ1 (incremental)</th>"
                + "<th>R colour, θ1 takes the group from θ2 (parallel)</th><th>R noise, θ2 takes the group from θ1 (parallel)</th>");
        // colour, incremental: 0.9 - 0.3 g; noise, incremental: 0.8, 0.7, 0.6; parallel noise undefined in every seed
        assertThat(table).contains(row(1, "stem", "0.900 ± 0.000", "0.700 ± 0.058", "0.600 ± 0.058", "undefined"));
        assertThat(table).contains(row(1, "layer1", "0.600 ± 0.000", "0.700 ± 0.058", "0.600 ± 0.058", "undefined"));
        assertThat(table).contains(row(1, "fc", "0.300 ± 0.000", "0.700 ± 0.058", "0.600 ± 0.058", "undefined"));

        List<Plot> plots = AnalysisPlots.swaps(RunData.load(run), AnalysisData.load(run).swaps());
        assertThat(plots).extracting(Plot::fileStem).containsExactly("swaps_task-specific_color", "swaps_task-specific_noise");
        CategoryChart colour = (CategoryChart) plots.get(0).chart();
        CategorySeries inc = colour.getSeriesMap().get("incremental (±1 SE error bars)");
        assertThat(List.<Object>copyOf(inc.getXData())).containsExactly("stem", "layer1", "fc");
        assertThat(numbers(inc.getYData())).usingElementComparator(CLOSE).containsExactly(0.9, 0.6, 0.3);
        // every parallel noise retention is undefined: only the incremental bars
        assertThat(((CategoryChart) plots.get(1).chart()).getSeriesMap().keySet()).containsExactly("incremental (±1 SE error bars)");
        assertThat(s).contains("<figure id=\"swaps_task-specific_color\">").contains("<figure id=\"swaps_task-specific_noise\">");
    }

    @Test
    void forensicsHasATablePerProtocolAndRegimeWithEveryFigure() {
        String s = section("forensics");
        String table = under(s, "Protocol task-specific, regime incremental");
        assertThat(table).contains("<th>layer group</th><th>|τ1|</th><th>|τ2|</th><th>cos(τ1, τ2)</th>"
                + "<th>sign-conflict rate</th><th>θ1's TIES share</th>");
        // |τ1| per seed n - 0.5, n, n + 0.5: SE 0.5/sqrt(3); |τ2| from one seed
        assertThat(table).contains(row(1, "layer1", "2.000 ± 0.289", "4.000 ± n/a", "-0.250 ± 0.000", "0.400 ± 0.000", "0.600 ± 0.000"));
        assertThat(table).contains(row(1, "all", "3.000 ± 0.289", "5.000 ± n/a", "+0.125 ± 0.000", "0.375 ± 0.000", "0.500 ± 0.000"));
    }

    @Test
    void forensicsRecordReadsWhatTheExperimentWrites() throws ClassNotFoundException {
        RecordComponent[] written = Class.forName("org.mergelab.experiment.ExperimentForensics$GroupFigures").getRecordComponents();
        RecordComponent[] read = AnalysisData.Forensics.class.getRecordComponents();
        assertThat(Arrays.stream(read).map(c -> c.getName() + ":" + c.getType().getName()).toList())
                .isEqualTo(Arrays.stream(written).map(c -> c.getName() + ":" + c.getType().getName()).toList());
    }

    @Test
    void predictedRetentionHasOneScatterPerBnPolicyInTheMethodPlotsColours() throws IOException {
        String s = section("predicted-retention");
        assertThat(s).contains("<code>docs/predicted-retention.md</code> (“The formula”)");
        assertThat(s).contains(row(1, "interpolate", "+0.500", "3", "1"));
        assertThat(s).contains("<figure id=\"predictor_bn-interpolate\">").contains("Spearman ρ = +0.500, n = 3.")
                .contains("1 point with an undefined value left out.");

        RunData data = RunData.load(run);
        MethodData methods = MethodData.load(run);
        List<Plot> plots = AnalysisPlots.predictor(data, AnalysisData.load(run).predictors(), MethodPlots.methodOrder(methods));
        assertThat(plots).hasSize(1);
        var series = plots.get(0).xyChart().getSeriesMap();
        assertThat(series.keySet()).containsExactly("R = R̂", "linear, incremental", "fisher, parallel",
                "dare_ties density=0.5, incremental");
        XYSeries linear = series.get("linear, incremental");
        assertThat(linear.getXData()).containsExactly(0.8);
        assertThat(linear.getYData()).containsExactly(0.9);
        assertThat(plots.get(0).chart().getTitle()).contains("ρ = +0.500, n = 3").contains("BN interpolate");
        // the same colour as the method's curves in "Which method keeps what"
        var curves = MethodPlots.of(data, methods).stream()
                .filter(p -> p.fileStem().equals("methods_task-specific_color_bn-interpolate")).findFirst().orElseThrow()
                .xyChart().getSeriesMap();
        assertThat(linear.getMarkerColor()).isEqualTo(curves.get("linear [alpha], incremental").getLineColor());
        assertThat(series.get("fisher, parallel").getMarkerColor()).isNotEqualTo(linear.getMarkerColor());
    }

    @Test
    void everyPlotIsWrittenAsPngAndSvgAndInlinedOnce() throws IOException {
        List<String> files = names(run.resolve("plots"));
        for (String stem : List.of("barriers_task-specific_loss_bn-interpolate", "barriers_task-specific_error_bn-interpolate",
                "swaps_task-specific_color", "swaps_task-specific_noise", "predictor_bn-interpolate")) {
            assertThat(files).contains(stem + ".png", stem + ".svg");
            assertThat(Files.size(run.resolve("plots").resolve(stem + ".png"))).isPositive();
        }
        long svgs = html.split("<svg", -1).length - 1;
        assertThat(svgs).isEqualTo(files.stream().filter(f -> f.endsWith(".svg")).count());
    }

    @Test
    void everyTitleFitsOverThePlotArea() throws IOException {
        RunData data = RunData.load(run);
        AnalysisData analyses = AnalysisData.load(run);
        List<Plot> plots = new java.util.ArrayList<>(AnalysisPlots.barriers(data, analyses.barriers()));
        plots.addAll(AnalysisPlots.swaps(data, analyses.swaps()));
        plots.addAll(AnalysisPlots.predictor(data, analyses.predictors(), MethodPlots.methodOrder(MethodData.load(run))));
        var frc = new java.awt.font.FontRenderContext(null, true, true);
        for (Plot p : plots) {
            // XChart centres the title over the plot area, right of the y axis: keep it clear of both chart edges
            double width = p.chart().getStyler().getChartTitleFont().getStringBounds(p.chart().getTitle(), frc).getWidth();
            assertThat(width).as(p.chart().getTitle()).isLessThanOrEqualTo(ChartTheme.TITLE_WIDTH);
        }
    }

    @Test
    void aSummaryWithoutTheNodesRendersNoSuchSectionAndNoSuchPlot() throws IOException {
        Path dir = new SyntheticRun().writeWithMethodStudy(tmp.resolve("run"));
        Path file = dir.resolve("summary.json");
        ObjectNode root = (ObjectNode) SummaryJson.MAPPER.readTree(file.toFile());
        ((ObjectNode) root.get("methods")).remove("predictor");
        Files.writeString(file, SummaryJson.MAPPER.writeValueAsString(root));
        String page = Files.readString(RunReport.write(dir));
        assertThat(page).doesNotContain("id=\"path\"").doesNotContain("id=\"where-knowledge-lives\"")
                .doesNotContain("id=\"forensics\"").doesNotContain("id=\"predicted-retention\"")
                .doesNotContain("id=\"b1-").doesNotContain("id=\"s1-").doesNotContain("id=\"r1-");
        assertThat(names(dir.resolve("plots"))).noneMatch(f -> f.startsWith("barriers_") || f.startsWith("swaps_")
                || f.startsWith("predictor_"));
        List<WrittenPlot> plots = new java.util.ArrayList<>();
        List<WrittenPlot> methodPlots = new java.util.ArrayList<>();
        RunData data = RunData.load(dir);
        MethodData methods = MethodData.load(dir);
        for (Plot p : RunPlots.of(data)) {
            plots.add(written(dir, p));
        }
        for (Plot p : MethodPlots.of(data, methods)) {
            methodPlots.add(written(dir, p));
        }
        assertThat(page).isEqualTo(RunReport.html(data, plots, methods, methodPlots, dir));
    }

    private static WrittenPlot written(Path dir, Plot p) {
        Path plots = dir.resolve(RunReport.PLOTS_DIR);
        return new WrittenPlot(p.fileStem(), p.section(), p.caption(), plots.resolve(p.fileStem() + ".png"),
                plots.resolve(p.fileStem() + ".svg"));
    }

    @Test
    void aMalformedNodeNamesTheFileAndTheNodeAndLeavesTheReportAsItWas() throws IOException {
        Path dir = new SyntheticRun().writeWithAnalyses(tmp.resolve("run"));
        String before = Files.readString(RunReport.write(dir));
        Path file = dir.resolve("summary.json");
        ObjectNode root = (ObjectNode) SummaryJson.MAPPER.readTree(file.toFile());
        root.putObject("barriers").put("protocol", "task-specific");
        Files.writeString(file, SummaryJson.MAPPER.writeValueAsString(root));
        assertThatThrownBy(() -> RunReport.write(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("'barriers' should be a list, got object");
        ((ObjectNode) root.withArray("forensics").get(0)).put("regime", "sideways");
        root.remove("barriers");
        Files.writeString(file, SummaryJson.MAPPER.writeValueAsString(root));
        assertThatThrownBy(() -> RunReport.write(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("forensics[0]").hasMessageContaining("sideways");
        assertThat(Files.readString(dir.resolve("report.html"))).isEqualTo(before);
    }
}
