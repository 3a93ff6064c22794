package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.cli.MergelabCommand;
import picocli.CommandLine;

/** {@code mergelab report} and {@code mergelab compare} through the command line. */
class ReportCommandsTest {

    @TempDir Path tmp;

    private static int run(StringWriter err, String... args) {
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void reportRebuildsThePageAndCompareOverlaysRuns() throws Exception {
        Path a = new SyntheticRun().name("first").writeTo(tmp.resolve("a"));
        Path b = new SyntheticRun().name("second").bnPolicies("recalibrate").shift(-0.02).writeTo(tmp.resolve("b"));
        StringWriter err = new StringWriter();
        assertThat(run(err, "report", a.toString())).isZero();
        assertThat(Files.readString(a.resolve("report.html"))).contains("first").contains("Findings");
        assertThat(run(err, "compare", a.toString(), b.toString(), "--out", tmp.resolve("both").toString())).isZero();
        String html = Files.readString(tmp.resolve("both/report.html"));
        assertThat(html).contains("first").contains("second");
        try (var plots = Files.list(tmp.resolve("both/plots"))) {
            assertThat(plots.filter(p -> p.toString().endsWith(".svg")).count()).isPositive();
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aDirectoryWithoutSummaryIsAnErrorNamingIt() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        StringWriter err = new StringWriter();
        assertThat(run(err, "report", empty.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("mergelab: error: ").contains("empty");
        assertThat(Files.exists(empty.resolve("report.html"))).isFalse();
        assertThat(run(new StringWriter(), "compare", empty.toString())).isEqualTo(2);
    }
}
