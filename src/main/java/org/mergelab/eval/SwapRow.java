package org.mergelab.eval;

/**
 * One probe of one swap model ("where knowledge lives", PROTOCOL.md): an endpoint with one layer group taken from
 * the other endpoint (BatchNorm statistics travelling with their group, no recalibration), on the test subset. The
 * endpoint itself is a row too, with group {@link #NONE}.
 *
 * @param seed the run's seed
 * @param protocol the protocol (the one whose two cues differ)
 * @param regime how theta2 was trained
 * @param model {@code theta1} (its colour cue is measured) or {@code theta2} (its noise cue)
 * @param group the layer group taken from the other endpoint, or {@link #NONE}
 * @param probe the probe
 * @param correct correctly classified images
 * @param total images
 */
public record SwapRow(long seed, String protocol, Regime regime, String model, String group, String probe, long correct,
        long total) {

    /** The group of an endpoint's own rows. */
    public static final String NONE = "none";

    /** correct / total. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct / (double) total;
    }
}
