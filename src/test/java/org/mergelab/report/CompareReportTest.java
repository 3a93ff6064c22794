package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {

    @TempDir
    Path tmp;

    @Test
    void overlaysTwoRunsEachInItsColourWithFindingsOfBoth() throws IOException {
        Path a = new SyntheticRun().name("fmnist-run").dataset("fashion-mnist:/data/fm").writeTo(tmp.resolve("a"));
        Path b = new SyntheticRun().name("cifar-run").dataset("cifar10:/data/c10").bnPolicies("recalibrate").shift(-0.03)
                .writeTo(tmp.resolve("b"));
        Path report = CompareReport.write(List.of(a, b), tmp.resolve("out"));
        assertThat(report).isEqualTo(tmp.resolve("out/report.html"));
        List<String> plots;
        try (Stream<Path> s = Files.list(tmp.resolve("out/plots"))) {
            plots = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(plots).contains("compare_accuracy_task-specific_color.png", "compare_accuracy_task-specific_color.svg",
                "compare_accuracy_shared_color.png", "compare_accuracy_task-specific_base.png",
                "compare_retention_task-specific_noise.svg");

        List<RunData> runs = List.of(RunData.load(a), RunData.load(b));
        List<ComparePlots.Group> groups = ComparePlots.groups(runs);
        assertThat(groups).extracting(ComparePlots.Group::label).containsExactly(
                "fmnist-run · fashion-mnist · ResNet-20 (8/16/32) · BN interpolate",
                "cifar-run · cifar10 · ResNet-20 (8/16/32) · BN recalibrate");
        assertThat(groups.get(0).color()).isEqualTo(ChartTheme.OKABE_ITO.get(0));
        assertThat(groups.get(1).color()).isEqualTo(ChartTheme.OKABE_ITO.get(1));
        Plot first = ComparePlots.of(runs).get(0);
        assertThat(first.xyChart().getSeriesMap().get(groups.get(1).label() + " · parallel (±1 SE band, 3 seeds)").getLineColor())
                .isEqualTo(ChartTheme.OKABE_ITO.get(1));

        String html = Files.readString(report);
        assertThat(html).contains("mergelab comparison of 2 runs").contains("fmnist-run").contains("cifar-run")
                .contains("#0072B2").contains("#E69F00");
        long findings = html.split("class=\"mark ", -1).length - 1;
        assertThat(findings).isEqualTo(8); // findings 1, 1r, 2 and 3 of each run's one BN policy
        assertThat(html.split("<svg", -1).length - 1).isEqualTo(plots.stream().filter(p -> p.endsWith(".svg")).count());
    }

    @Test
    void sameLabelsAreToldApartByDirectory() throws IOException {
        Path a = new SyntheticRun().writeTo(tmp.resolve("first"));
        Path b = new SyntheticRun().writeTo(tmp.resolve("second"));
        List<ComparePlots.Group> groups = ComparePlots.groups(List.of(RunData.load(a), RunData.load(b)));
        assertThat(groups.get(0).label()).startsWith("first: ");
        assertThat(groups.get(1).label()).startsWith("second: ");
        List<ComparePlots.Group> twice = ComparePlots.groups(List.of(RunData.load(a), RunData.load(a)));
        assertThat(twice.get(1).label()).isEqualTo(twice.get(0).label() + " (2)");
        CompareReport.write(List.of(a, a), tmp.resolve("out"));
    }

    @Test
    void errorsNameTheDirectory() throws IOException {
        Path good = new SyntheticRun().writeTo(tmp.resolve("good"));
        Path bad = Files.createDirectories(tmp.resolve("not-a-run"));
        assertThatThrownBy(() -> CompareReport.write(List.of(good, bad), tmp.resolve("out")))
                .isInstanceOf(IOException.class).hasMessageContaining("not-a-run").hasMessageContaining("summary.json");
        Files.writeString(bad.resolve("summary.json"), "{\"format\":\"mergelab-summary\",\"format_version\":7}");
        assertThatThrownBy(() -> CompareReport.write(List.of(good, bad), tmp.resolve("out")))
                .isInstanceOf(IOException.class).hasMessageContaining("not-a-run").hasMessageContaining("format_version");
        assertThatThrownBy(() -> CompareReport.write(List.of(), tmp.resolve("out"))).isInstanceOf(IllegalArgumentException.class);
    }
}
