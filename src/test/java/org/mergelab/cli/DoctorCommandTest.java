package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mergelab doctor} prints what it checks and exits 0 when the engine computes correctly. */
class DoctorCommandTest {

    @Test
    void printsVersionsCpuSettingsAndTheCheckAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int code = cl.execute("doctor", "--threads", "2");
        System.out.println(out);
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("DJL 0.36.0", "libtorch 2.7.1", "JDK 25")
                .containsPattern("CPU: .+, \\d+ cores")
                .contains("CPU instruction sets: ")
                .containsPattern("task-vector merge \\(task arithmetic, TIES, Breadcrumbs, DARE\\): "
                        + "(vector, \\d+ float64 lanes|scalar)\n")
                .contains("oneDNN cap: ONEDNN_MAX_CPU_ISA=")
                .contains("threads: 2 for the check")
                .containsPattern("oneDNN: oneDNN v\\d+\\.\\d+")
                .containsPattern("compared \\d{3} tensors \\(conv2d x32, batch_norm\\(training\\) x12, relu x12,"
                        + " global_avg_pool x4, linear x4, softmax_cross_entropy x1, training_step x1\\)")
                .contains("the engine computes correctly on this machine");
    }

    @Test
    void badOptionValuesAreUsageErrorsNamingTheOption() {
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        assertThat(cl.execute("doctor", "--threads", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads: 0 is below 1");
    }
}
