package org.mergelab.engine;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the native engine is set up in this process, decided from the environment alone (no native code), so that a
 * lineage can record it without loading libtorch.
 *
 * <p><b>The oneDNN cap.</b> libtorch 2.7.1 ships oneDNN v3.7.1, whose AVX-512 convolution kernels compute wrong
 * gradients for convolutions with fewer input channels than the 16-lane AVX-512 block (1x1 strided backward-weights
 * and strided backward-data on {@code ic8oc16}; upstream report uxlfoundation/oneDNN#6035). On affected CPUs (seen on
 * AMD EPYC with {@code avx512f/bw/vl/vnni/bf16}) training ResNets of width 4 and 8 diverges. mergelab therefore caps
 * oneDNN at {@value #DEFAULT_ONEDNN_MAX_CPU_ISA} by default, through oneDNN's own variable {@code ONEDNN_MAX_CPU_ISA}.
 * A user who sets {@code ONEDNN_MAX_CPU_ISA} (or its older name {@code DNNL_MAX_CPU_ISA}) keeps that value;
 * {@code ONEDNN_MAX_CPU_ISA=ALL} switches the cap off. On a CPU without AVX-512 the cap changes nothing.
 *
 * <p><b>Quiet engine.</b> libtorch's own log ({@code TORCH_CPP_LOG_LEVEL}) is set to {@value #DEFAULT_TORCH_LOG_LEVEL}
 * unless the user set it: warnings such as {@code LegacyTypeDispatch}'s deprecation notice and NNPACK's
 * "Unsupported hardware" (one line per convolution on some CPUs) stay out of mergelab's output, errors still print.
 *
 * @param onednnMaxCpuIsa the value of {@code ONEDNN_MAX_CPU_ISA} in effect, e.g. {@code AVX2} or {@code ALL}
 * @param onednnFromUser true when the user's environment set it, false when it is mergelab's default
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

    /** mergelab's default oneDNN cap. */
    public static final String DEFAULT_ONEDNN_MAX_CPU_ISA = "AVX2";

    /** mergelab's default libtorch log level. */
    public static final String DEFAULT_TORCH_LOG_LEVEL = "ERROR";

    private static final EngineSettings IN_EFFECT = fromEnvironment(System.getenv());

    /** Requires every value. */
    public EngineSettings {
        Objects.requireNonNull(onednnMaxCpuIsa, "onednnMaxCpuIsa");
        Objects.requireNonNull(torchLogLevel, "torchLogLevel");
    }

    /** The settings of this process, from the environment it was started with. */
    public static EngineSettings inEffect() {
        return IN_EFFECT;
    }

    /**
     * The settings an environment asks for.
     *
     * @param environment variables, e.g. {@link System#getenv()}
     * @return the user's values where set and not blank, mergelab's defaults elsewhere
     */
    public static EngineSettings fromEnvironment(Map<String, String> environment) {
        String isa = nonBlank(environment.get(ONEDNN_MAX_CPU_ISA));
        if (isa == null) {
            isa = nonBlank(environment.get(DNNL_MAX_CPU_ISA));
        }
        String level = nonBlank(environment.get(TORCH_CPP_LOG_LEVEL));
        return new EngineSettings(
                isa == null ? DEFAULT_ONEDNN_MAX_CPU_ISA : isa.toUpperCase(Locale.ROOT), isa != null,
                level == null ? DEFAULT_TORCH_LOG_LEVEL : level, level != null);
    }

    /** True when oneDNN may use every instruction set of the CPU (the cap is off). */
    public boolean onednnUncapped() {
        return onednnMaxCpuIsa.equals("ALL");
    }

    /** One line for people: {@code oneDNN ISA cap AVX2 (mergelab default)}. */
    public String describe() {
        return "oneDNN ISA cap " + onednnMaxCpuIsa + (onednnFromUser ? " (from the environment)" : " (mergelab default)")
                + ", libtorch log level " + torchLogLevel + (torchLogLevelFromUser ? " (from the environment)" : "");
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
