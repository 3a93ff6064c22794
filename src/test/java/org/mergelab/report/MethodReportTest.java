package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Which method keeps what" in report.html, from a hand-built summary.json and merges.csv
 * ({@link SyntheticRun#writeWithMethodStudy}; the expected numbers are derived by hand in
 * {@link org.mergelab.eval.SyntheticMethodStudy}).
 */
class MethodReportTest {

    @TempDir
    Path tmp;

    @TempDir
    static Path shared;

    /** One run with a method study and its report, for the tests that only read them. */
    static Path studyRun;
    static String studyHtml;

    @BeforeAll
    static void writeReport() throws IOException {
        studyRun = new SyntheticRun().writeWithMethodStudy(shared.resolve("run"));
        studyHtml = Files.readString(RunReport.write(studyRun));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String row(String... cells) {
        StringBuilder sb = new StringBuilder("<tr>");
        for (int i = 0; i < cells.length; i++) {
            sb.append(i < 3 ? "<td>" : "<td class=\"num\">").append(cells[i]).append("</td>");
        }
        return sb.append("</tr>").toString();
    }

    /** The HTML between a heading and the next heading. */
    private static String under(String html, String heading) {
        int at = html.indexOf("<h3>" + heading + "</h3>");
        assertThat(at).as(heading).isNotNegative();
        int end = html.indexOf("<h3>", at + 4);
        return html.substring(at, end < 0 ? html.length() : end);
    }

    @Test
    void tablesHaveEachMethodAtItsChosenCoefficientWithTheNumbersInTheirCells() {
        String html = studyHtml;
        int figures = html.indexOf("id=\"figures\"");
        int methods = html.indexOf("<section id=\"methods\">\n<h2>Which method keeps what</h2>");
        assertThat(methods).isGreaterThan(figures).isLessThan(html.indexOf("id=\"config\""));
        String section = html.substring(methods, html.indexOf("</section>", methods));
        assertThat(section).contains("<th>method</th><th>fixed parameters</th><th>chosen coefficient</th>"
                + "<th>R colour (task-specific)</th><th>R noise (task-specific)</th><th>R colour (shared)</th>"
                + "<th>base retention</th><th>balanced retention (task-specific)</th><th>selection score</th>");

        String incremental = under(section, "Regime incremental, BN interpolate");
        // test subset at alpha=0.5: R colour (62+s-50)/20 = 0.60, 0.65, 0.70; noise 0.5; shared endpoint adv 0.01 < 0.02
        assertThat(incremental).contains(row("linear", "—", "alpha=0.5", "0.650 ± 0.029", "0.500 ± 0.000", "undefined",
                "-0.060 ± 0.006", "0.500 ± 0.000", "0.500"));
        assertThat(incremental).contains(row("fisher", "—", "— (no grid)", "0.250 ± 0.000", "0.750 ± 0.000", "undefined",
                "-0.060 ± 0.006", "0.250 ± 0.000", "0.250"));
        assertThat(incremental).contains(row("dare_ties", "density=0.5", "— (no grid)", "0.600 ± 0.000", "0.500 ± 0.000",
                "undefined", "-0.060 ± 0.006", "0.500 ± 0.000", "0.500"));
        String parallel = under(section, "Regime parallel, BN interpolate");
        assertThat(parallel).contains(row("linear", "—", "alpha=0.5", "0.450 ± 0.029", "0.500 ± 0.000", "undefined",
                "-0.060 ± 0.006", "0.450 ± 0.029", "0.500"));

        String difference = under(section, "Incremental minus parallel (balanced retention at each regime's chosen coefficient)");
        assertThat(difference).contains("<tr><td>linear</td><td>—</td><td>interpolate</td><td class=\"num\">+0.050 ± 0.029</td></tr>")
                .contains("<tr><td>fisher</td><td>—</td><td>interpolate</td><td class=\"num\">+0.000 ± 0.000</td></tr>");
        assertThat(section).contains("<div class=\"scroll\" style=\"overflow-x:auto\"><table>");
    }

    @Test
    void onePlotPerKindOfKnowledgeWithEveryMethodsCurveInline() throws IOException {
        Path dir = studyRun;
        String html = studyHtml;
        List<String> files = names(dir.resolve("plots"));
        assertThat(files).contains("methods_task-specific_color_bn-interpolate.png", "methods_task-specific_color_bn-interpolate.svg",
                "methods_task-specific_noise_bn-interpolate.png", "methods_task-specific_base_bn-interpolate.svg");
        // every shared retention is undefined: no curve to draw
        assertThat(files).noneMatch(f -> f.startsWith("methods_shared_"));
        long svgs = html.split("<svg", -1).length - 1;
        assertThat(svgs).isEqualTo(files.stream().filter(f -> f.endsWith(".svg")).count());
        assertThat(html).contains("id=\"m1-clip").contains("id=\"p1-clip");
        assertThat(html).contains("<figure id=\"methods_task-specific_base_bn-interpolate\">")
                .contains("Without a coefficient grid, so in the table only: fisher, dare_ties density=0.5.");

        MethodData data = MethodData.load(dir);
        List<Plot> plots = MethodPlots.of(RunData.load(dir), data);
        Plot color = plots.stream().filter(p -> p.fileStem().equals("methods_task-specific_color_bn-interpolate")).findFirst()
                .orElseThrow();
        var series = color.xyChart().getSeriesMap();
        assertThat(series.keySet()).containsExactly("linear [alpha], incremental", "linear [alpha], parallel");
        assertThat(series.get("linear [alpha], incremental").getXData()).containsExactly(0.0, 0.5, 1.0);
        double[] y = series.get("linear [alpha], incremental").getYData();
        assertThat(y[0]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(y[1]).isCloseTo(0.65, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(y[2]).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aPointWithSeveralGridKeysGivesOneLinePerValueOfTheOthers() {
        var c = new org.mergelab.eval.MethodStudy.Curve("ties", "", org.mergelab.eval.Regime.INCREMENTAL,
                org.mergelab.eval.BatchNormPolicy.INTERPOLATE, "task-specific", "color",
                List.of("density=0.2;lambda=0.5", "density=0.2;lambda=1", "density=0.5;lambda=0.5", "density=0.5;lambda=1"),
                List.of(org.mergelab.eval.Statistic.ofValues(0.1), org.mergelab.eval.Statistic.ofValues(0.2),
                        org.mergelab.eval.Statistic.ofValues(0.3), org.mergelab.eval.Statistic.ofValues(0.4)));
        List<MethodPlots.Series> lines = MethodPlots.split(c);
        assertThat(lines).extracting(MethodPlots.Series::label)
                .containsExactly("ties density=0.2 [lambda], incremental", "ties density=0.5 [lambda], incremental");
        assertThat(lines.get(1).xs()).containsExactly(0.5, 1.0);
        assertThat(lines.get(1).values()).extracting(org.mergelab.eval.Statistic::mean).containsExactly(0.3, 0.4);
    }

    @Test
    void aRunWithoutAMethodStudyHasNoSectionAndNoMethodPlots() throws IOException {
        Path dir = new SyntheticRun().writeTo(tmp.resolve("run"));
        String html = Files.readString(RunReport.write(dir));
        assertThat(html).doesNotContain("id=\"methods\"").doesNotContain("Which method keeps what").doesNotContain("id=\"m1-");
        assertThat(names(dir.resolve("plots"))).noneMatch(f -> f.startsWith("methods_"));
        assertThat(html).isEqualTo(RunReport.html(RunData.load(dir), writtenPlots(dir), dir));
    }

    private static List<WrittenPlot> writtenPlots(Path dir) throws IOException {
        List<WrittenPlot> out = new java.util.ArrayList<>();
        for (Plot p : RunPlots.of(RunData.load(dir))) {
            Path plots = dir.resolve(RunReport.PLOTS_DIR);
            out.add(new WrittenPlot(p.fileStem(), p.section(), p.caption(), plots.resolve(p.fileStem() + ".png"),
                    plots.resolve(p.fileStem() + ".svg")));
        }
        return out;
    }

    @Test
    void aStudyWithoutMergesCsvNamesTheFileAndLeavesTheReportAsItWas() throws IOException {
        Path dir = new SyntheticRun().writeWithMethodStudy(tmp.resolve("run"));
        String before = Files.readString(RunReport.write(dir));
        Files.delete(dir.resolve("merges.csv"));
        assertThatThrownBy(() -> RunReport.write(dir)).isInstanceOf(IOException.class).hasMessageContaining("merges.csv")
                .hasMessageContaining("method study");
        assertThat(Files.readString(dir.resolve("report.html"))).isEqualTo(before);
        Files.writeString(dir.resolve("merges.csv"), "seed,protocol\n");
        assertThatThrownBy(() -> RunReport.write(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("merges.csv").toString()).hasMessageContaining("not a mergelab merges.csv");
    }
}
