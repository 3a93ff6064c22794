package org.mergelab.eval;

/**
 * One probe accuracy of one model of the method study (PROTOCOL.md, "Any merge method on the same probes"): a row
 * of {@code merges.csv}. The endpoints theta1 and theta2, under the same BatchNorm policy and on the same subsets,
 * are rows too, with method {@link #ENDPOINT} and coefficient {@code theta1} or {@code theta2}, so that every
 * retention can be computed from the file alone.
 *
 * @param seed the run's seed
 * @param protocol the protocol's name
 * @param regime how theta2 was trained
 * @param bnPolicy what happened to BatchNorm statistics
 * @param method the merge method's name, or {@link #ENDPOINT}
 * @param params the method's fixed parameters, {@code key=value;...} (empty when none)
 * @param coefficient the coefficient point, {@code key=value;...} (empty for a method without a grid)
 * @param mergeSeed the merge's seed (the {@code random_seed} of an equivalent recipe; it draws dare's masks)
 * @param subset {@code selection} (where coefficients are chosen) or {@code test} (what is reported)
 * @param probe the probe
 * @param correct correctly classified images
 * @param total images
 * @param predictedFirst the first cue's retention predicted from the weights alone (docs/predicted-retention.md:
 *     ⟨θ_m − θ0, τ1⟩ / |τ1|², τ1 = θ1 − θ0), the same on every row of the model; null when undefined
 * @param predictedSecond the second cue's (τ2 = θ2 − the checkpoint θ2 was trained from); null when undefined
 */
public record MergeRow(long seed, String protocol, Regime regime, BatchNormPolicy bnPolicy, String method, String params,
        String coefficient, long mergeSeed, String subset, String probe, long correct, long total, Double predictedFirst,
        Double predictedSecond) {

    /** The method of an endpoint's rows. */
    public static final String ENDPOINT = "endpoint";

    /** The subset on which coefficients are chosen. */
    public static final String SELECTION = "selection";

    /** The reported subset. */
    public static final String TEST = "test";

    /** correct / total. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct / (double) total;
    }
}
