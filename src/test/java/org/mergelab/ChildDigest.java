package org.mergelab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mergelab.checkpoint.ConversionKernels;
import org.mergelab.engine.ChildJvm;

/**
 * For tests that compare kernels across JVM settings: runs a class's {@code main} in child JVMs and collects the
 * {@code digest ...} line each prints, after checking that it finished within five minutes, exited with 0 and
 * printed which kernels it ran ({@code marker} followed by {@code scalar} or {@code vector}).
 */
public final class ChildDigest {

    private ChildDigest() {}

    /** One child's JVM options and the kernels it must run ({@code "scalar"} or {@code "vector"}). */
    public record Setting(List<String> flags, String kernels) {}

    /**
     * The settings every kernel is compared under: the scalar loops (without the Vector API module and without the
     * JIT's own vectorisation, and with the module but the scalar loops forced) and the Vector API at widths of 16, 32
     * and 64 bytes (a width above the CPU's is clamped to it, so an AVX2 machine runs 32 twice), and with the JIT held
     * to the instructions of an AVX2 machine and of an SSE-only one (on an x86 CPU; elsewhere the flag is ignored), so
     * that an AVX-512 machine also runs the code an AVX2 machine would.
     */
    public static final List<Setting> KERNEL_SETTINGS = List.of(
            new Setting(List.of("-XX:-UseSuperWord"), "scalar"),
            new Setting(withModule("-D" + ConversionKernels.SCALAR_PROPERTY + "=true"), "scalar"),
            new Setting(withModule("-XX:MaxVectorSize=16"), "vector"),
            new Setting(withModule("-XX:MaxVectorSize=32"), "vector"),
            new Setting(withModule("-XX:MaxVectorSize=64"), "vector"),
            new Setting(withModule("-XX:+IgnoreUnrecognizedVMOptions", "-XX:UseAVX=2"), "vector"),
            new Setting(withModule("-XX:+IgnoreUnrecognizedVMOptions", "-XX:UseAVX=0"), "vector"));

    /** Each setting of {@link #KERNEL_SETTINGS} with its child's digest; {@code options} go before its flags. */
    public static Map<Setting, String> acrossKernels(List<String> options, Class<?> mainClass, String marker)
            throws IOException, InterruptedException {
        Map<Setting, String> digests = new LinkedHashMap<>();
        for (Setting setting : KERNEL_SETTINGS) {
            List<String> all = new ArrayList<>(options);
            all.addAll(setting.flags());
            digests.put(setting, of(all, mainClass, marker + setting.kernels()));
        }
        return digests;
    }

    /** The child's digest line; {@code options} are its JVM options, {@code marker} what it must print. */
    public static String of(List<String> options, Class<?> mainClass, String marker)
            throws IOException, InterruptedException {
        Process child = new ProcessBuilder(ChildJvm.command(options, mainClass, List.of()))
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child with %s finishes", options).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).as("the child with %s runs the expected kernels", options).contains(marker);
        return output.lines().filter(l -> l.startsWith("digest ")).findFirst().orElseThrow(
                () -> new AssertionError("no digest from the child with " + options + ": " + output));
    }

    private static List<String> withModule(String... flags) {
        List<String> all = new ArrayList<>(List.of("--add-modules", ConversionKernels.VECTOR_MODULE));
        all.addAll(List.of(flags));
        return all;
    }
}
