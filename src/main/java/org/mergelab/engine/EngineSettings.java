package org.mergelab.engine;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the native engine is set up in this process, decided from the environment alone (no native code), so that a
 * lineage can record it without loading libtorch.
 *
 * <p><b>The oneDNN cap.</b> libtorch 2.7.1 ships oneDNN v3.7.1, whose convolution kernels compute wrong results on
 * some CPUs (see {@link OnednnCapSelection}: AVX-512 kernels on fewer channels than their block, and on some AMD EPYC
 * CPUs the AVX2 and AVX kernels too whenever a channel count is not a multiple of 8). mergelab therefore sets oneDNN's
 * own variable {@code ONEDNN_MAX_CPU_ISA} to the fastest cap under which the engine's known-answer check passes on
 * this machine, checked once per machine and remembered. A user who sets {@code ONEDNN_MAX_CPU_ISA} (or its older
 * name {@code DNNL_MAX_CPU_ISA}) keeps that value and no check runs; {@code ONEDNN_MAX_CPU_ISA=ALL} switches the cap
 * off. Either way the value goes into every lineage and unit key, so results made under different caps are never
 * mixed up.
 *
 * <p><b>Quiet engine.</b> libtorch's own log ({@code TORCH_CPP_LOG_LEVEL}) is set to {@value #DEFAULT_TORCH_LOG_LEVEL}
 * unless the user set it: warnings such as {@code LegacyTypeDispatch}'s deprecation notice and NNPACK's
 * "Unsupported hardware" (one line per convolution on some CPUs) stay out of mergelab's output, errors still print.
 *
 * @param onednnMaxCpuIsa the value of {@code ONEDNN_MAX_CPU_ISA} in effect, e.g. {@code AVX2} or {@code ALL}
 * @param onednnFromUser true when the user's environment set it, false when mergelab chose it by the engine check
 * @param torchLogLevel the value of {@code TORCH_CPP_LOG_LEVEL} in effect
 * @param torchLogLevelFromUser true when the user's environment set it
 */
public record EngineSettings(
        String onednnMaxCpuIsa, boolean onednnFromUser, String torchLogLevel, boolean torchLogLevelFromUser) {

    /** oneDNN's variable for the highest instruction set its kernels may use. */
    public static final String ONEDNN_MAX_CPU_ISA = "ONEDNN_MAX_CPU_ISA";

    /** The older name of {@link #ONEDNN_MAX_CPU_ISA}, still read by oneDNN v3. */
    public static final String DNNL_MAX_CPU_ISA = "DNNL_MAX_CPU_ISA";

    /** libtorch's log level variable (c10). */
    public static final String TORCH_CPP_LOG_LEVEL = "TORCH_CPP_LOG_LEVEL";

    /** mergelab's default libtorch log level. */
    public static final String DEFAULT_TORCH_LOG_LEVEL = "ERROR";

    /** Resolved on first use: it may run the engine check (once per machine). */
    private static EngineSettings inEffect;

    /** Requires every value. */
    public EngineSettings {
        Objects.requireNonNull(onednnMaxCpuIsa, "onednnMaxCpuIsa");
        Objects.requireNonNull(torchLogLevel, "torchLogLevel");
    }

    /**
     * The settings of this process, from the environment it was started with; where the user set no cap, the one
     * {@link OnednnCapSelection#forThisMachine()} chose (which runs the engine check on a machine's first use).
     */
    public static synchronized EngineSettings inEffect() {
        if (inEffect == null) {
            // an engine that computes wrong under every cap throws here, each time asked, with every cap's failure
            inEffect = fromEnvironment(System.getenv(), () -> OnednnCapSelection.forThisMachine().cap());
        }
        return inEffect;
    }

    /**
     * The settings an environment asks for.
     *
     * @param environment variables, e.g. {@link System#getenv()}
     * @param machineCap the cap to use where the environment sets none; called only then
     * @return the user's values where set and not blank, mergelab's choices elsewhere
     */
    public static EngineSettings fromEnvironment(Map<String, String> environment, Supplier<String> machineCap) {
        String isa = nonBlank(environment.get(ONEDNN_MAX_CPU_ISA));
        if (isa == null) {
            isa = nonBlank(environment.get(DNNL_MAX_CPU_ISA));
        }
        String level = nonBlank(environment.get(TORCH_CPP_LOG_LEVEL));
        return new EngineSettings(
                isa == null ? machineCap.get() : isa.toUpperCase(Locale.ROOT), isa != null,
                level == null ? DEFAULT_TORCH_LOG_LEVEL : level, level != null);
    }

    /** True when oneDNN may use every instruction set of the CPU (the cap is off). */
    public boolean onednnUncapped() {
        return onednnMaxCpuIsa.equals("ALL");
    }

    /** One line for people: {@code oneDNN ISA cap AVX2 (chosen by the engine check)}. */
    public String describe() {
        return "oneDNN ISA cap " + onednnMaxCpuIsa
                + (onednnFromUser ? " (from the environment)" : " (chosen by the engine check)")
                + ", libtorch log level " + torchLogLevel + (torchLogLevelFromUser ? " (from the environment)" : "");
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
