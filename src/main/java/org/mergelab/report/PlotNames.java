package org.mergelab.report;

import org.mergelab.eval.BatchNormPolicy;
import java.util.Locale;

/**
 * Stable file names of the plots under {@code DIR/plots/} (each as {@code .png} and {@code .svg}).
 * Parts are lower-cased, and anything but letters, digits and {@code -} becomes {@code -}.
 *
 * <ul>
 *   <li>{@code accuracy_<protocol>_<probe>_bn-<policy>}: accuracy of one probe against alpha,
 *       incremental and parallel, in one protocol under one BN policy (e.g.
 *       {@code accuracy_task-specific_color_bn-interpolate}); the {@code base} probe carries the
 *       pre-trained model's base accuracy as a horizontal line; {@code *-conflict} probes are the
 *       conflict-probe curves;
 *   <li>{@code retention_<protocol>_<cue>_bn-<policy>}: retention R_c(alpha) of one cue;
 *   <li>{@code methods_<protocol>_<cue>_bn-<policy>}: every method's retention of one cue over its coefficient
 *       (the method study), and {@code methods_<protocol>_base_bn-<policy>} its base retention;
 *   <li>{@code barriers_<protocol>_<kind>_bn-<policy>}: the {@code loss} or {@code error} barrier of every probe along
 *       theta1 -> theta2, one bar per regime;
 *   <li>{@code swaps_<protocol>_<cue>}: retention of one cue when its model takes each layer group from the other
 *       endpoint ("where knowledge lives"), one bar per regime;
 *   <li>{@code predictor_bn-<policy>}: predicted against measured retention of every method (the method study);
 *   <li>{@code sequence_<sequence>_<acc|bwt>_bn-<policy>}: ACC or BWT of the cue advantage against the step of a
 *       longer sequence, a line per regime and strategy;
 *   <li>{@code compare_accuracy_<protocol>_<probe>} and {@code compare_retention_<protocol>_<cue>}:
 *       the same curves of several runs overlaid ({@code mergelab compare}).
 * </ul>
 */
final class PlotNames {

    private PlotNames() {}

    static String accuracy(String protocol, String probe, BatchNormPolicy bnPolicy) {
        return "accuracy_" + part(protocol) + "_" + part(probe) + "_bn-" + part(bnPolicy.yamlName());
    }

    static String retention(String protocol, String cue, BatchNormPolicy bnPolicy) {
        return "retention_" + part(protocol) + "_" + part(cue) + "_bn-" + part(bnPolicy.yamlName());
    }

    static String methods(String protocol, String cue, BatchNormPolicy bnPolicy) {
        return "methods_" + part(protocol) + "_" + part(cue) + "_bn-" + part(bnPolicy.yamlName());
    }

    static String barriers(String protocol, String kind, BatchNormPolicy bnPolicy) {
        return "barriers_" + part(protocol) + "_" + part(kind) + "_bn-" + part(bnPolicy.yamlName());
    }

    static String swaps(String protocol, String cue) {
        return "swaps_" + part(protocol) + "_" + part(cue);
    }

    static String predictor(BatchNormPolicy bnPolicy) {
        return "predictor_bn-" + part(bnPolicy.yamlName());
    }

    static String sequence(String sequence, String figure, BatchNormPolicy bnPolicy) {
        return "sequence_" + part(sequence) + "_" + part(figure) + "_bn-" + part(bnPolicy.yamlName());
    }

    static String compareAccuracy(String protocol, String probe) {
        return "compare_accuracy_" + part(protocol) + "_" + part(probe);
    }

    static String compareRetention(String protocol, String cue) {
        return "compare_retention_" + part(protocol) + "_" + part(cue);
    }

    /** One name part: lower case, {@code [a-z0-9-]} only. */
    static String part(String s) {
        String p = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return p.isEmpty() ? "-" : p;
    }
}
