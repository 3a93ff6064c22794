package org.mergelab.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A figure over seeds: the mean, the standard error (sample standard deviation / sqrt(n)) and a 95%
 * Student-t interval, with the per-seed values it came from (PROTOCOL.md, "Figures of merit").
 * With fewer than {@link #MIN_SEEDS} values the standard error and the interval are absent ("n/a").
 * Seeds whose value is undefined (e.g. a retention whose endpoint never learned the cue) are
 * listed as null and left out of the mean.
 *
 * @param mean mean of the defined per-seed values, null when none is defined
 * @param se standard error, null below {@link #MIN_SEEDS} defined values
 * @param ciLow lower end of the 95% t-interval, null when {@code se} is
 * @param ciHigh upper end of the 95% t-interval, null when {@code se} is
 * @param n number of defined per-seed values
 * @param perSeed the per-seed values in seed order, null where undefined
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Statistic(Double mean, Double se, Double ciLow, Double ciHigh, int n, List<Double> perSeed) {

    /** Below this many seeds, standard errors and intervals are "n/a" (PROTOCOL.md). */
    public static final int MIN_SEEDS = 3;

    /** Defensive copy. */
    public Statistic {
        perSeed = Collections.unmodifiableList(new ArrayList<>(perSeed));
    }

    /** The statistic of per-seed values (null entries are undefined seeds). */
    public static Statistic of(List<Double> perSeed) {
        List<Double> defined = perSeed.stream().filter(v -> v != null && !v.isNaN()).toList();
        List<Double> normalized = perSeed.stream().map(v -> v == null || v.isNaN() ? null : v).toList();
        int n = defined.size();
        if (n == 0) {
            return new Statistic(null, null, null, null, 0, normalized);
        }
        double sum = 0;
        for (double v : defined) {
            sum += v;
        }
        double mean = sum / n;
        if (n < MIN_SEEDS) {
            return new Statistic(mean, null, null, null, n, normalized);
        }
        double ss = 0;
        for (double v : defined) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double se = sd / Math.sqrt(n);
        double t = StudentT.quantile975(n - 1);
        return new Statistic(mean, se, mean - t * se, mean + t * se, n, normalized);
    }

    /** The statistic of plain values. */
    public static Statistic ofValues(double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return of(list);
    }

    /** True when a standard error exists. */
    public boolean hasSe() {
        return se != null;
    }

    /** "0.812 ± 0.013" or "0.812 (SE n/a)" or "undefined". */
    public String format(int decimals) {
        if (mean == null) {
            return "undefined";
        }
        String f = "%." + decimals + "f";
        return se == null ? String.format(f + " (SE n/a)", mean) : String.format(f + " ± " + f, mean, se);
    }
}
