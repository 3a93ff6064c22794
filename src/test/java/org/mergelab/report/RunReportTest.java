package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.AtomicFiles;

class RunReportTest {

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesEveryPlotAsNonBlankPngAndSvgWithStableNames() throws IOException {
        Path dir = new SyntheticRun().writeTo(tmp.resolve("run"));
        Path report = RunReport.write(dir);
        assertThat(report).isEqualTo(dir.resolve("report.html"));
        List<String> files = names(dir.resolve("plots"));
        assertThat(files).contains(
                "accuracy_task-specific_color_bn-interpolate.png", "accuracy_task-specific_color_bn-interpolate.svg",
                "accuracy_task-specific_noise_bn-interpolate.png", "accuracy_shared_color_bn-interpolate.png",
                "accuracy_task-specific_base_bn-interpolate.png", "accuracy_task-specific_color-conflict_bn-interpolate.png",
                "accuracy_task-specific_noise-conflict_bn-interpolate.png", "retention_task-specific_color_bn-interpolate.png",
                "retention_task-specific_noise_bn-interpolate.svg", "retention_shared_color_bn-interpolate.png");
        assertThat(files).noneMatch(f -> AtomicFiles.isTemporary(Path.of(f)));
        for (String f : files) {
            Path p = dir.resolve("plots").resolve(f);
            assertThat(Files.size(p)).as(f).isPositive();
            if (f.endsWith(".png")) {
                BufferedImage img = ImageIO.read(p.toFile());
                assertThat(img).as(f).isNotNull();
                assertThat(img.getWidth()).isEqualTo(ChartTheme.WIDTH);
                assertThat(Images.hasSeveralColours(img)).as(f).isTrue();
            } else {
                String svg = Files.readString(p);
                assertThat(svg).contains("<svg").contains("viewBox=\"0 0 " + ChartTheme.WIDTH);
            }
        }
        assertThat(files.stream().filter(f -> f.endsWith(".png")).count())
                .isEqualTo(files.stream().filter(f -> f.endsWith(".svg")).count());
    }

    @Test
    void onePanelPerBnPolicyWithThePolicyInTheFileName() throws IOException {
        Path dir = new SyntheticRun().bnPolicies("interpolate", "recalibrate").writeTo(tmp.resolve("run"));
        RunReport.write(dir);
        List<String> files = names(dir.resolve("plots"));
        assertThat(files).contains("accuracy_task-specific_color_bn-interpolate.png", "accuracy_task-specific_color_bn-recalibrate.png",
                "retention_task-specific_noise_bn-recalibrate.svg");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("BN recalibrate").contains("BN interpolate");
    }

    @Test
    void reportHasFindingsWithMarksThePlotsInlineTheTablesConfigLineageAndWallTime() throws IOException {
        Path dir = new SyntheticRun().name("demo-like").writeTo(tmp.resolve("run"));
        String html = Files.readString(RunReport.write(dir));
        RunData run = RunData.load(dir);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta name=\"viewport\"");
        // order: context, findings, plots, figures, config, lineage, provenance
        List<String> order = List.of("mergelab report: demo-like", "id=\"findings\"", "id=\"plots\"", "id=\"figures\"",
                "id=\"config\"", "id=\"lineage\"", "id=\"provenance\"");
        int last = -1;
        for (String s : order) {
            int at = html.indexOf(s);
            assertThat(at).as(s).isGreaterThan(last);
            last = at;
        }
        for (var f : run.summary().findings()) {
            assertThat(html).contains(Html.escape(f.statement())).contains(Html.escape(f.name()));
        }
        assertThat(html).contains("✓ held");
        // every plot inline as SVG, with unique ids
        long svgs = html.split("<svg", -1).length - 1;
        assertThat(svgs).isEqualTo(names(dir.resolve("plots")).stream().filter(f -> f.endsWith(".svg")).count());
        assertThat(html).contains("id=\"p1-clip").contains("id=\"p2-clip").doesNotContain("<?xml").doesNotContain("<!DOCTYPE svg");
        // no script, nothing from the network
        assertThat(html).doesNotContain("<script").doesNotContain("http://www.w3.org/1999/xhtml\"").doesNotContain("src=\"http")
                .doesNotContain("href=\"http").doesNotContain("@import").doesNotContain("url(http");
        // figures of merit with standard errors, config, lineage, wall time
        assertThat(html).containsPattern("0\\.\\d{3} ± 0\\.\\d{3}").contains("retention R(0.5)").contains("inc − par")
                .contains("base retention at 0.5").contains("pre-trained");
        assertThat(html).contains("test_size: 500").contains("aaaaaaaaaaaa  pretrain  builtin/all")
                .contains("461.3 s (7 min 41 s)").contains("12 units run");
        assertThat(html).contains("<div class=\"scroll\" style=\"overflow-x:auto\"><table>");
    }

    @Test
    void withFewerThanThreeSeedsFindingsReadInsufficientAndThereIsNoBand() throws IOException {
        Path dir = new SyntheticRun().seeds(2).writeTo(tmp.resolve("run"));
        String html = Files.readString(RunReport.write(dir));
        assertThat(html).contains("– insufficient seeds").contains("± n/a").doesNotContain("✓ held");
        assertThat(html).contains("SE n/a (fewer than 3 seeds), so no band");
        RunData run = RunData.load(dir);
        List<Plot> plots = RunPlots.of(run);
        assertThat(plots).allSatisfy(p -> assertThat(p.xyChart().getSeriesMap().keySet()).noneMatch(k -> k.contains("±1 SE")));
        assertThat(plots.get(0).xyChart().getSeriesMap().keySet()).anyMatch(k -> k.contains("SE n/a"));
    }

    @Test
    void withThreeSeedsEveryCurveHasABand() throws IOException {
        RunData run = RunData.load(new SyntheticRun().writeTo(tmp.resolve("run")));
        Plot first = RunPlots.of(run).get(0);
        assertThat(first.fileStem()).isEqualTo("accuracy_task-specific_color_bn-interpolate");
        assertThat(first.xyChart().getSeriesMap().keySet()).contains("incremental (±1 SE band) (±1 SE)", "parallel (±1 SE band) (±1 SE)");
        assertThat(first.chart().getTitle()).contains("builtin").contains("ResNet-20").contains("3 seeds").contains("BN interpolate");
    }

    @Test
    void textFromFilesIsEscaped() throws IOException {
        Path dir = new SyntheticRun().name("evil<script>alert(1)</script>").writeTo(tmp.resolve("run"));
        Files.writeString(dir.resolve("experiment.yaml"), Files.readString(dir.resolve("experiment.yaml")) + "# <b>&\"'\n");
        String html = Files.readString(RunReport.write(dir));
        assertThat(html).doesNotContain("<script>").contains("evil&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("# &lt;b&gt;&amp;&quot;&#39;");
    }

    @Test
    void aMissingOrUnknownSummaryNamesTheDirectory() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-run"));
        assertThatThrownBy(() -> RunReport.write(empty)).isInstanceOf(IOException.class).hasMessageContaining("empty-run")
                .hasMessageContaining("summary.json");
        Path future = new SyntheticRun().writeTo(tmp.resolve("future-run"));
        Path summary = future.resolve("summary.json");
        Files.writeString(summary, Files.readString(summary).replaceFirst("\"format_version\" : 1", "\"format_version\" : 99"));
        assertThatThrownBy(() -> RunReport.write(future)).isInstanceOf(IOException.class).hasMessageContaining("future-run")
                .hasMessageContaining("format_version");
        assertThatThrownBy(() -> RunReport.write(tmp.resolve("nowhere"))).isInstanceOf(IOException.class).hasMessageContaining("nowhere");
    }

    @Test
    void runWithoutLogOrCheckpointsSaysSo() throws IOException {
        Path dir = new SyntheticRun().writeTo(tmp.resolve("run"));
        Files.delete(dir.resolve("log.txt"));
        try (Stream<Path> walk = Files.walk(dir.resolve("checkpoints"))) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        String html = Files.readString(RunReport.write(dir));
        assertThat(html).contains("(no checkpoints directory)").contains("n/a (no “finished:” line in log.txt)");
    }

    @Test
    void finishedLineParses() {
        assertThat(RunData.RunTime.parse("2025-06-01T10:07:41Z finished: 12 units run, 3 reused, 461.3 s"))
                .isEqualTo(new RunData.RunTime(12, 3, 461.3));
        assertThat(RunData.RunTime.parse("2025-06-01T10:07:41Z done x in 3.0 s")).isNull();
    }
}
