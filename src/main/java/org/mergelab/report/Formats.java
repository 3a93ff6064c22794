package org.mergelab.report;

import java.util.List;
import java.util.Locale;
import org.mergelab.eval.Statistic;

/** How numbers read in reports: {@code mean ± se}, {@code ± n/a} below 3 seeds, {@code n/a} when missing. */
final class Formats {

    private Formats() {}

    /** "0.812 ± 0.013", "0.812 ± n/a" (fewer than 3 seeds), "undefined" (no defined seed) or "n/a" (absent). */
    static String stat(Statistic s) {
        return stat(s, false);
    }

    /** As {@link #stat(Statistic)}, with a sign on the mean: for differences. */
    static String signedStat(Statistic s) {
        return stat(s, true);
    }

    private static String stat(Statistic s, boolean signed) {
        if (s == null) {
            return "n/a";
        }
        if (s.mean() == null) {
            return "undefined";
        }
        String mean = String.format(Locale.ROOT, signed ? "%+.3f" : "%.3f", s.mean());
        return mean + " ± " + (s.se() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", s.se()));
    }

    /** The statistic at alpha, or null when the grid lacks alpha. */
    static Statistic at(List<Double> alphas, List<Statistic> curve, double alpha) {
        for (int i = 0; i < alphas.size() && i < curve.size(); i++) {
            if (Math.abs(alphas.get(i) - alpha) < 1e-9) {
                return curve.get(i);
            }
        }
        return null;
    }

    /** "1 seed", "3 seeds". */
    static String seeds(int n) {
        return n + (n == 1 ? " seed" : " seeds");
    }
}
