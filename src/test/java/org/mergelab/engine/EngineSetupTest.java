package org.mergelab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.cli.MergelabCommand;
import org.mergelab.selfcheck.SelfCheckProcess;

/**
 * The engine is set up in one place, the same way for every entry point: the machine's checked oneDNN cap reaches a
 * fresh JVM (where oneDNN reports the instruction set in effect) and computes correctly there, the user can switch it
 * off, and libtorch's warnings stay out of the
 * output while a user who asks for them gets them.
 */
class EngineSetupTest {

    private static final Set<String> ENGINE_VARIABLES = Set.of(EngineSettings.ONEDNN_MAX_CPU_ISA,
            EngineSettings.DNNL_MAX_CPU_ISA, EngineSettings.TORCH_CPP_LOG_LEVEL);

    @Test
    void settingsComeFromTheEnvironmentElseTheMachinesCheckedCap() {
        EngineSettings none = EngineSettings.fromEnvironment(Map.of(), () -> "SSE41");
        assertThat(none.onednnMaxCpuIsa()).isEqualTo("SSE41");
        assertThat(none.onednnFromUser()).isFalse();
        assertThat(none.torchLogLevel()).isEqualTo("ERROR");
        Supplier<String> notAsked = () -> {
            throw new AssertionError("the machine's cap is not looked up when the user set one");
        };
        EngineSettings off = EngineSettings.fromEnvironment(Map.of("ONEDNN_MAX_CPU_ISA", "all"), notAsked);
        assertThat(off.onednnMaxCpuIsa()).isEqualTo("ALL");
        assertThat(off.onednnUncapped()).isTrue();
        assertThat(off.onednnFromUser()).isTrue();
        assertThat(EngineSettings.fromEnvironment(Map.of("DNNL_MAX_CPU_ISA", "AVX512_CORE"), notAsked)
                .onednnMaxCpuIsa()).isEqualTo("AVX512_CORE");
        assertThat(EngineSettings.fromEnvironment(Map.of("ONEDNN_MAX_CPU_ISA", " ", "TORCH_CPP_LOG_LEVEL", "INFO"),
                () -> "AVX2")).isEqualTo(new EngineSettings("AVX2", false, "INFO", true));
    }

    @Test
    void theCapIsInEffectInAFreshJvmAndTheEngineComputesCorrectlyUnderIt() throws Exception {
        SelfCheckProcess.Outcome capped = SelfCheckProcess.runChild(2, Map.of(), ENGINE_VARIABLES,
                Duration.ofMinutes(8));
        System.out.printf("engine check, default settings (cap %s): %s, %s, kernels %s, %d tensors in %.1f s%n",
                EngineSettings.inEffect().onednnMaxCpuIsa(), capped.passed() ? "passed" : capped.failure(),
                capped.onednnIsa(), capped.kernels(), capped.report().comparisons().size(), capped.seconds());
        assertThat(OnednnCapSelection.CANDIDATES).contains(EngineSettings.inEffect().onednnMaxCpuIsa());
        assertThat(capped.onednnIsa()).isNotEqualTo("unknown").doesNotContain("AVX-512");
        assertThat(capped.kernels()).isNotEmpty().noneMatch(k -> k.contains("avx512"));
        assertThat(capped.failure()).isEmpty();
        assertThat(capped.passed()).isTrue();
        assertThat(capped.errorTail()).noneMatch(l -> l.contains("LegacyTypeDispatch") || l.contains("NNPACK"));
    }

    /**
     * With the fix switched off, the check runs again and its outcome is logged, not asserted: on an AVX-512 CPU
     * affected by the upstream oneDNN fault it fails, and an upstream fix may change that.
     */
    @Test
    void withTheCapSwitchedOffTheCheckRunsAndIsReported() throws Exception {
        SelfCheckProcess.Outcome uncapped = SelfCheckProcess.runChild(2, Map.of("ONEDNN_MAX_CPU_ISA", "ALL"),
                ENGINE_VARIABLES, Duration.ofMinutes(8));
        System.out.printf("engine check, ONEDNN_MAX_CPU_ISA=ALL: %s; oneDNN instruction set %s; kernels %s%n",
                uncapped.passed() ? "passed (this CPU does not show the fault)" : "FAILED: " + uncapped.failure(),
                uncapped.onednnIsa(), uncapped.kernels());
        // only that the variable reached the child's oneDNN: it then reports an instruction set
        assertThat(uncapped.onednnIsa()).isNotEqualTo("unknown");
    }

    @Test
    void libtorchWarningsStayOutOfTheOutputUnlessTheUserAsksForThem(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, """
                dataset: "builtin:size=256,test-size=64"
                model: {architecture: resnet, depth: 8, width: 4}
                training: {epochs: 1, batch_size: 64, learning_rate: 0.05}
                task: {name: tiny, split: all, cue: none}
                seed: 0
                threads: 1
                """);
        List<String> quiet = stderrOf(dir, config, "quiet", Map.of());
        long noise = quiet.stream().filter(EngineSetupTest::engineWarning).count();
        System.out.printf("libtorch warning lines with mergelab's default log level: %d%n", noise);
        assertThat(quiet).noneMatch(EngineSetupTest::engineWarning);
        List<String> asked = stderrOf(dir, config, "asked", Map.of("TORCH_CPP_LOG_LEVEL", "WARNING"));
        assertThat(asked).anyMatch(l -> l.contains("LegacyTypeDispatch"));
    }

    private static boolean engineWarning(String line) {
        return line.contains("LegacyTypeDispatch") || line.contains("NNPACK") || line.startsWith("[W");
    }

    private static List<String> stderrOf(Path dir, Path config, String name, Map<String, String> env)
            throws IOException, InterruptedException {
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-Xmx1g"), MergelabCommand.class,
                List.of("train", "--config", config.toString(), "--out", dir.resolve(name).toString())));
        pb.environment().keySet().removeAll(ENGINE_VARIABLES);
        pb.environment().putAll(env);
        pb.redirectError(err.toFile()).redirectOutput(dir.resolve(name + ".out").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("train finished").isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
        return Files.readAllLines(err, StandardCharsets.UTF_8);
    }

    /** Nothing outside this package reaches the engine around {@link TorchEngine}. */
    @Test
    void everyEntryPointGoesThroughTorchEngine() throws IOException {
        Pattern direct = Pattern.compile("Engine\\.getInstance\\(\\)|Engine\\.getEngine\\(|NDManager\\.newBaseManager\\(|"
                + "JniUtils\\.setNumThreads\\(");
        List<String> offenders = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (f.getParent().endsWith(Path.of("org", "mergelab", "engine"))) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (direct.matcher(lines.get(i)).find() && !lines.get(i).strip().startsWith("*")) {
                            offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }
}
