package org.mergelab.eval;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * Every figure of merit of one cue-protocol run (PROTOCOL.md), as written to {@code summary.json}.
 *
 * @param format always {@code mergelab-summary}
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param seeds the seeds, in order; per-seed lists follow it
 * @param alphas the alpha grid
 * @param pretrained accuracy of the pre-trained model per probe
 * @param curves accuracy against alpha, per protocol, regime, BN policy and probe
 * @param cues cue advantage, retention and half-life per protocol, regime, BN policy and cue
 * @param incrementalMinusParallel mean over alpha of acc_inc - acc_par, per protocol, BN policy, probe
 * @param baseRetention acc(base, alpha) - acc_pretrained(base), per protocol, regime, BN policy
 * @param findings the three findings per BN policy
 */
@JsonPropertyOrder({"format", "format_version"})
public record Summary(
        String format,
        int formatVersion,
        List<Long> seeds,
        List<Double> alphas,
        Map<String, Statistic> pretrained,
        List<Curve> curves,
        List<CueFigures> cues,
        List<RegimeDifference> incrementalMinusParallel,
        List<BaseRetention> baseRetention,
        List<Finding> findings) {

    /** Format name in {@code summary.json}. */
    public static final String FORMAT = "mergelab-summary";

    /** The version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Accuracy of one probe along alpha. */
    public record Curve(String protocol, Regime regime, BatchNormPolicy bnPolicy, String probe, List<Statistic> accuracy) {}

    /**
     * What one cue is worth along alpha.
     *
     * @param referenceAlpha alpha_c: where the cue was learned
     * @param advantage adv_c(alpha) = acc(c, alpha) - acc(base, alpha)
     * @param retention R_c(alpha) = adv_c(alpha) / adv_c(alpha_c); per seed undefined (null) when
     *     adv_c(alpha_c) < 0.02
     * @param halfLife smallest |alpha - alpha_c| with R_c <= 0.5, over the seeds where it exists
     * @param halfLifeNone seeds whose retention never drops to 0.5
     * @param retentionUndefined seeds whose endpoint never learned the cue
     */
    public record CueFigures(
            String protocol,
            Regime regime,
            BatchNormPolicy bnPolicy,
            String cue,
            double referenceAlpha,
            List<Statistic> advantage,
            List<Statistic> retention,
            Statistic halfLife,
            int halfLifeNone,
            int retentionUndefined) {}

    /** Incremental minus parallel: mean over alpha of acc_inc - acc_par, per seed then over seeds. */
    public record RegimeDifference(String protocol, BatchNormPolicy bnPolicy, String probe, Statistic difference) {}

    /** acc(base, alpha) - acc_pretrained(base), in accuracy points (fractions). */
    public record BaseRetention(String protocol, Regime regime, BatchNormPolicy bnPolicy, List<Statistic> difference) {}

    /**
     * One of the three findings under one BN policy.
     *
     * @param number 1, 2 or 3 (the retention form of finding 1 is number 1 too)
     * @param label how reports name it: {@code 1}, {@code 1r}, {@code 2} or {@code 3}
     * @param name short name
     * @param bnPolicy the BN policy it was checked under
     * @param status {@code held}, {@code not held}, {@code insufficient seeds} or {@code not evaluated}
     * @param statement the numbers in one or two sentences
     * @param numbers the figures the check used
     */
    public record Finding(
            int number, String label, String name, BatchNormPolicy bnPolicy, String status, String statement,
            Map<String, Object> numbers) {

        /** Held. */
        public static final String HELD = "held";

        /** Checked, and it did not hold. */
        public static final String NOT_HELD = "not held";

        /** Fewer than 3 seeds. */
        public static final String INSUFFICIENT = "insufficient seeds";

        /** The run lacks a protocol, regime or alpha the check needs. */
        public static final String NOT_EVALUATED = "not evaluated";
    }
}
