package org.mergelab.report;

import org.mergelab.RequiresInstalled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens report.html of a realistic synthetic run (of one with a method study and every analysis: barriers, layer-group
 * swaps, forensics, predicted retention; and of a comparison) in headless Chromium at 1280
 * x 900 and at a 390 x 844 phone size: no console errors, no network requests, nothing wider than
 * the phone's viewport (a plot keeps a legible width and scrolls in its own box), chart text at least 9 px on screen,
 * every plot present and not blank. Screenshots go to
 * {@code target/report-screenshots/}. Skips when chromium or chromedriver is missing, unless
 * {@code -Dmergelab.ci=true}.
 */
class ReportBrowserTest {

    static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    @TempDir
    static Path tmp;

    static Path report;
    static Path compareReport;
    static Path methodsReport;

    @BeforeAll
    static void writeReports() throws IOException {
        Path run = new SyntheticRun().name("synthetic-demo").writeTo(tmp.resolve("run"));
        report = RunReport.write(run);
        Path other = new SyntheticRun().name("synthetic-recal").bnPolicies("interpolate", "recalibrate").shift(-0.02)
                .writeTo(tmp.resolve("run-two"));
        compareReport = CompareReport.write(List.of(run, other), tmp.resolve("compare"));
        methodsReport = RunReport.write(new SyntheticRun().name("synthetic-methods").writeWithSequences(tmp.resolve("run-methods")));
        Files.createDirectories(SCREENSHOTS);
    }

    @Test
    void runReportRendersAtDesktopAndPhoneWidths() throws Exception {
        check(report, "run", true);
    }

    @Test
    void compareReportRendersAtDesktopAndPhoneWidths() throws Exception {
        check(compareReport, "compare", false);
    }

    @Test
    void reportWithAMethodStudyEveryAnalysisAndLongerSequencesRendersAtDesktopAndPhoneWidths() throws Exception {
        assertThat(Files.readString(methodsReport)).contains("id=\"sequences\"").contains("class=\"heatmap\"")
                .contains("Finding 3 at length");
        check(methodsReport, "methods", false);
    }

    private void check(Path html, String name, boolean docsScreenshot) throws Exception {
        RequiresInstalled.paths("chromium", HeadlessChromium.CHROMIUM);
        RequiresInstalled.paths("chromium-driver", HeadlessChromium.CHROMEDRIVER);
        int plotFiles;
        try (var s = Files.list(html.getParent().resolve("plots"))) {
            plotFiles = (int) s.filter(p -> p.toString().endsWith(".svg")).count();
        }
        Path profile = Files.createDirectories(tmp.resolve("profile-" + name));
        try (HeadlessChromium browser = HeadlessChromium.start(profile, tmp.resolve("chromedriver-" + name + ".log"))) {
            for (int[] size : new int[][] {{1280, 900}, {390, 844}}) {
                int width = size[0];
                browser.viewport(width, size[1]);
                browser.load(html.toUri());
                assertThat(browser.script("return document.readyState").asText()).isEqualTo("complete");
                assertThat(browser.script("return window.innerWidth").asInt()).isEqualTo(width);

                assertThat(browser.consoleEntries("SEVERE")).as("console errors at %d px", width).isEmpty();
                assertThat(browser.script("return performance.getEntriesByType('resource').map(e => e.name)"))
                        .as("network requests at %d px", width).isEmpty();
                JsonNode widths = browser.script("return [document.documentElement.scrollWidth, window.innerWidth]");
                assertThat(widths.get(0).asInt()).as("scrollWidth at %d px", width).isLessThanOrEqualTo(widths.get(1).asInt());
                assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth").asBoolean()).isTrue();

                List<HeadlessChromium.Element> plots = browser.elements("figure svg.plot, figure img.plot");
                assertThat(plots).as("one inline plot per plot file").hasSize(plotFiles);
                for (HeadlessChromium.Element e : plots) {
                    double[] r = browser.rect(e);
                    assertThat(r[2]).as("plot width").isGreaterThan(100);
                    assertThat(r[3]).as("plot height").isGreaterThan(60);
                }
                for (HeadlessChromium.Element box : browser.elements("figure .plot-box, .heatmap, .scroll")) {
                    double[] r = browser.rect(box);
                    assertThat(r[0] + r[2]).as("a plot's, heatmap's or table's box ends inside the viewport at %d px", width)
                            .isLessThanOrEqualTo(width + 0.5);
                }
                // charts draw text as glyph outlines, none smaller than MIN_TEXT_PX at native size (HtmlTest): on screen
                // it is that times the plot's scale, its shown width over its native width
                JsonNode scales = browser.script("""
                        return Array.from(document.querySelectorAll('figure svg.plot, figure img.plot')).map(p =>
                          p.getBoundingClientRect().width / (p.tagName === 'IMG' ? p.naturalWidth : p.viewBox.baseVal.width))""");
                assertThat(scales.size()).isEqualTo(plots.size());
                for (JsonNode scale : scales) {
                    assertThat(scale.asDouble() * ChartTheme.MIN_TEXT_PX).as("smallest chart text on screen at %d px", width)
                            .isGreaterThanOrEqualTo(ChartTheme.LEGIBLE_PX);
                }
                for (int i : new int[] {0, plots.size() - 1}) {
                    BufferedImage shot = browser.screenshot(plots.get(i));
                    assertThat(Images.hasSeveralColours(shot)).as("plot %d is not blank at %d px", i, width).isTrue();
                }
                double height = browser.pageSize()[1];
                int band = width < 600 ? 1600 : 1800;
                for (int part = 0; part * band < height && part < 12; part++) {
                    Path file = SCREENSHOTS.resolve(String.format("%s-%d-part%02d.png", name, width, part + 1));
                    Files.write(file, browser.pageRegion(part * band, band));
                    BufferedImage img = ImageIO.read(file.toFile());
                    assertThat(img.getWidth()).isEqualTo(width);
                    if (part == 0) {
                        assertThat(Images.hasSeveralColours(img)).isTrue();
                    }
                }
                if (docsScreenshot && width == 1280 && Boolean.getBoolean("mergelab.docs")) {
                    Files.write(Path.of("docs", "report-screenshot.png"), browser.pageRegion(0, 1800));
                }
            }
        }
    }
}
