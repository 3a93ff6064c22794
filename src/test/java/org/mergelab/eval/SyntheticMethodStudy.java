package org.mergelab.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built rows of {@code merges.csv} (no training) with retentions that are easy to compute by hand. Three seeds
 * (0, 1, 2), both regimes, BN interpolate, protocols task-specific (color, noise) and shared (color, color), 100
 * images per probe, base probe always 50 correct.
 *
 * <ul>
 *   <li>Endpoints: theta1 colour 70 (adv 0.20), theta2 noise 70 (adv 0.20) in the task-specific protocol; in the shared
 *       protocol theta1's colour is 51 (adv 0.01, below {@link MethodStudy#MIN_ADVANTAGE}): every shared retention
 *       is undefined.
 *   <li>{@code linear}, points {@code alpha=0}, {@code alpha=0.5}, {@code alpha=1}: colour 70/60+s/50 and noise
 *       50/60/70 on the selection subset (balanced 0, 0.5, 0: alpha=0.5 is chosen). On the test subset at alpha=0.5
 *       colour is 62+s incremental (R 0.60, 0.65, 0.70) and 58+s parallel (R 0.40, 0.45, 0.50), noise 60 (R 0.5);
 *       at alpha=0 and 1 as on the selection subset.
 *   <li>{@code fisher}, no parameters, one point (empty): colour 55, noise 65 on both subsets (R 0.25 and 0.75).
 *   <li>{@code dare_ties}, {@code density=0.5}, one point, two masks (merge seeds 0 and 1) with colour 60 and 64, noise
 *       60: R colour 0.6 after averaging the masks, R noise 0.5; task-specific protocol only.
 *   <li>Pre-trained base: 55 + s (base retention of every merge −0.05, −0.06, −0.07: mean −0.06).
 * </ul>
 */
public final class SyntheticMethodStudy {

    /** Images per probe. */
    public static final int TOTAL = 100;

    private SyntheticMethodStudy() {}

    /** Every row, in no particular order. */
    public static List<MergeRow> rows() {
        List<MergeRow> out = new ArrayList<>();
        for (long s = 0; s < 3; s++) {
            for (Regime regime : Regime.values()) {
                for (String subset : List.of(MergeRow.SELECTION, MergeRow.TEST)) {
                    // task-specific
                    add(out, s, "task-specific", regime, MergeRow.ENDPOINT, "", "theta1", subset, 70, 50);
                    add(out, s, "task-specific", regime, MergeRow.ENDPOINT, "", "theta2", subset, 50, 70);
                    add(out, s, "task-specific", regime, "linear", "", "alpha=0", subset, 70, 50);
                    int color = subset.equals(MergeRow.SELECTION) ? 60 : regime == Regime.INCREMENTAL ? 62 : 58;
                    add(out, s, "task-specific", regime, "linear", "", "alpha=0.5", subset, color + (int) s, 60);
                    add(out, s, "task-specific", regime, "linear", "", "alpha=1", subset, 50, 70);
                    add(out, s, "task-specific", regime, "fisher", "", "", subset, 55, 65);
                    // two masks of a seeded method, averaged within the seed: colour (60 + 64) / 2 = 62
                    add(out, s, "task-specific", regime, "dare_ties", "density=0.5", "", 0, subset, 60, 60);
                    add(out, s, "task-specific", regime, "dare_ties", "density=0.5", "", 1, subset, 64, 60);
                    // shared: the endpoint hardly learned the cue
                    add(out, s, "shared", regime, MergeRow.ENDPOINT, "", "theta1", subset, 51, -1);
                    add(out, s, "shared", regime, MergeRow.ENDPOINT, "", "theta2", subset, 51, -1);
                    for (String alpha : List.of("alpha=0", "alpha=0.5", "alpha=1")) {
                        add(out, s, "shared", regime, "linear", "", alpha, subset, 60, -1);
                    }
                    add(out, s, "shared", regime, "fisher", "", "", subset, 60, -1);
                }
            }
        }
        return out;
    }

    /** theta0's base probe per seed: 55 + seed of 100. */
    public static List<ProbeAccuracy> pretrained() {
        List<ProbeAccuracy> out = new ArrayList<>();
        for (long s = 0; s < 3; s++) {
            out.add(new ProbeAccuracy(s, "base", 55 + s, TOTAL));
        }
        return out;
    }

    /** Task-specific and shared. */
    public static List<ProtocolDefinition> protocols() {
        return List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED);
    }

    /** Base 50, colour {@code color}, noise {@code noise} (none when negative). */
    private static void add(List<MergeRow> out, long seed, String protocol, Regime regime, String method, String params,
            String point, String subset, long color, long noise) {
        add(out, seed, protocol, regime, method, params, point, 0, subset, color, noise);
    }

    private static void add(List<MergeRow> out, long seed, String protocol, Regime regime, String method, String params,
            String point, long mergeSeed, String subset, long color, long noise) {
        out.add(new MergeRow(seed, protocol, regime, BatchNormPolicy.INTERPOLATE, method, params, point, mergeSeed, subset, "base", 50,
                TOTAL, null, null));
        out.add(new MergeRow(seed, protocol, regime, BatchNormPolicy.INTERPOLATE, method, params, point, mergeSeed, subset, "color",
                color, TOTAL, null, null));
        if (noise >= 0) {
            out.add(new MergeRow(seed, protocol, regime, BatchNormPolicy.INTERPOLATE, method, params, point, mergeSeed, subset, "noise",
                    noise, TOTAL, null, null));
        }
    }
}
