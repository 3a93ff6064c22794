package org.mergelab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.mergelab.Versions;
import org.mergelab.engine.EngineSettings;
import org.mergelab.engine.OnednnCapSelection;
import org.mergelab.selfcheck.CheckReport;
import org.mergelab.selfcheck.KnownAnswerCheck;
import org.mergelab.selfcheck.SelfCheckProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mergelab doctor}: the versions, the CPU and the engine settings in effect, then the known-answer check of the
 * engine in a child process. Exit 0 when the engine computes correctly, 1 naming the first wrong operation and shape.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check that the engine computes correctly on this machine: prints the JDK, DJL, libtorch and oneDNN",
            "versions, the CPU and its instruction-set flags, the oneDNN instruction set in effect and the thread",
            "settings, then runs every training operation (convolution, BatchNorm, ReLU, pooling, linear, loss),",
            "forward and backward at the trainer's real shapes, and one whole ResNet-8 training step against a",
            "float64 reference, in a child process. Exit 0: correct; exit 1: the first wrong operation and shape.",
            "",
            "Example:  mergelab doctor --threads 2"
        })
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads of the check (default: the number of"
            + " cores, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest the check may run (default ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads: " + threads + " is below 1");
        }
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: " + timeoutSeconds + " is below 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        EngineSettings settings = EngineSettings.inEffect();
        out.printf("mergelab %s, JDK %s, DJL %s, libtorch %s (CPU)%n", Versions.mergelab(), Versions.jdk(),
                Versions.djl(), Versions.pytorch());
        out.printf("CPU: %s, %d cores%n", cpuModel(), Runtime.getRuntime().availableProcessors());
        out.printf("CPU instruction sets: %s%n", String.join(" ", isaFlags()));
        String scalarReason = org.mergelab.checkpoint.ConversionKernels.scalarReason();
        out.printf("merge conversions: %s%s%n", org.mergelab.checkpoint.ConversionKernels.describe(),
                scalarReason == null ? "" : " (" + scalarReason + ")");
        out.printf("task-vector merge (task arithmetic, TIES, Breadcrumbs, DARE): %s%n",
                org.mergelab.merge.MergeMethods.taskVectorKernel());
        if (settings.onednnFromUser()) {
            out.printf("oneDNN cap: ONEDNN_MAX_CPU_ISA=%s (from the environment; unset it to let mergelab choose)%n",
                    settings.onednnMaxCpuIsa());
        } else {
            OnednnCapSelection.Selection selection = OnednnCapSelection.forThisMachine();
            out.printf("oneDNN cap: ONEDNN_MAX_CPU_ISA=%s (the fastest of %s under which the engine check passes on"
                    + " this CPU; ONEDNN_MAX_CPU_ISA=... overrides it)%n", selection.cap(),
                    String.join(", ", OnednnCapSelection.CANDIDATES));
            for (OnednnCapSelection.Trial t : selection.trials()) {
                out.printf("  %s%n", t.describe());
            }
            out.printf("  %s%n", selection.cacheFile() == null ? "not remembered (no writable cache directory)"
                    : (selection.fromCache() ? "remembered in " : "now remembered in ") + selection.cacheFile()
                    + " (delete it to check again)");
        }
        out.printf("threads: %d for the check (training uses the config's 'threads'); OMP_NUM_THREADS %s%n", threads,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        out.printf("libtorch log level: %s%n", settings.torchLogLevel());
        out.printf("known-answer check: running in a child process ...%n");
        out.flush();
        SelfCheckProcess.Outcome outcome = SelfCheckProcess.runChild(threads,
                Map.of(EngineSettings.ONEDNN_MAX_CPU_ISA, settings.onednnMaxCpuIsa()),
                Set.of(EngineSettings.DNNL_MAX_CPU_ISA), Duration.ofSeconds(timeoutSeconds));
        out.printf("oneDNN: %s; instruction set in effect: %s%n", outcome.onednnVersion(), outcome.onednnIsa());
        if (!outcome.kernels().isEmpty()) {
            out.printf("convolution kernels used: %s%n", String.join(", ", outcome.kernels()));
        }
        CheckReport report = outcome.report();
        out.printf(Locale.ROOT, "compared %d tensors (%s) in %.1f s; worst max|error| / max|reference| %.2g (limit %.0e)%n",
                report.comparisons().size(), SelfCheckProcess.casesByOperation(report), outcome.seconds(),
                report.worstRatio(), KnownAnswerCheck.TOLERANCE);
        out.flush();
        if (!outcome.passed()) {
            throw new IllegalStateException(outcome.failure()
                    + (settings.onednnFromUser() ? "; unset ONEDNN_MAX_CPU_ISA to let mergelab choose a cap that"
                    + " computes correctly" : ""));
        }
        out.println("the engine computes correctly on this machine");
        return 0;
    }

    private static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    /** The vector instruction-set flags of the CPU (SSE4.2, AVX, AVX2, FMA, AVX-512 and AMX families). */
    private static List<String> isaFlags() {
        for (String line : cpuinfo()) {
            if (line.startsWith("flags")) {
                TreeSet<String> flags = new TreeSet<>();
                for (String f : line.substring(line.indexOf(':') + 1).strip().split("\\s+")) {
                    if (f.equals("sse4_2") || f.equals("avx") || f.equals("avx2") || f.equals("fma")
                            || f.startsWith("avx512") || f.startsWith("amx") || f.startsWith("avx_vnni")) {
                        flags.add(f);
                    }
                }
                return new ArrayList<>(flags);
            }
        }
        return List.of("unknown (no /proc/cpuinfo flags)");
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
