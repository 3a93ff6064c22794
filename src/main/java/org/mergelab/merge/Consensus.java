package org.mergelab.merge;

/**
 * How the sparsified, weighted task vectors w_i τ'_i are combined into one; the second stage of a
 * {@link SparsifiedTaskVectorMerge}. Mirrors mergekit's consensus methods ({@code null} and
 * {@code sum}).
 */
enum Consensus {
    /**
     * Plain sum: m = Σ_i w_i τ'_i; with normalize, m / Σ_i w_i (the same divisor for every entry),
     * or m itself when |Σ_i w_i| &lt; 1e-8 (mergekit divides by 1 there).
     */
    SUM,
    /**
     * TIES sign election, mergekit's {@code sum} variant (Yadav et al. 2023, Alg. 1 steps 2–3):
     * per entry the elected sign is s = sign(Σ_i w_i τ'_i), with s = +1 when the sum is exactly
     * 0; model i agrees when sign(w_i τ'_i) = s (a zero entry never agrees). Then
     * m = Σ_{i agrees} w_i τ'_i, and with normalize m / Σ_{i agrees} w_i (the disjoint mean); an
     * entry where that divisor is 0 is left undivided (it is 0 when no model agrees).
     */
    SIGN_ELECTION;

    /** Below this |Σ_i w_i| the plain sum is not divided by it (mergekit's threshold). */
    static final double ZERO_WEIGHT_SUM = 1e-8;

    /** The sign a sign election picks for an entry whose values sum to {@code sum}: +1 when it is 0 (mergekit). */
    static double electedSign(double sum) {
        return sum >= 0.0 ? 1.0 : -1.0;
    }

    /** The sign elected for one entry from its weighted values {@code entries} (one per model, in model order). */
    static double electedSign(double[] entries) {
        double total = 0.0;
        for (double e : entries) {
            total += e;
        }
        return electedSign(total);
    }

    /** Whether a weighted entry takes part in the disjoint mean: it has the elected sign (a zero never does). */
    static boolean agrees(double entry, double elected) {
        return Math.signum(entry) == elected;
    }

    /** The plain sum's divisor under normalize: Σ_i w_i, or 1 when |Σ_i w_i| &lt; {@link #ZERO_WEIGHT_SUM}. */
    static double sumDivisor(double[] weights) {
        double total = 0.0;
        for (double w : weights) {
            total += w;
        }
        return Math.abs(total) < ZERO_WEIGHT_SUM ? 1.0 : total;
    }

    /**
     * One entry combined from its weighted values {@code entries} (w_i τ'_i, one per model, in model order): the sums
     * run in model order from +0.0, so an entry combined alone has the bits of the same entry combined in any batch.
     *
     * @param weights the models' weights w_i
     * @param sumDivisor {@link #sumDivisor} of the weights (read by {@link #SUM} with normalize only)
     */
    double combine(double[] entries, double[] weights, boolean normalize, double sumDivisor) {
        if (this == SUM) {
            double merged = 0.0;
            for (double e : entries) {
                merged += e;
            }
            return normalize ? merged / sumDivisor : merged;
        }
        double elected = electedSign(entries);
        double agreeing = 0.0;
        double divisor = 0.0;
        for (int i = 0; i < entries.length; i++) {
            if (agrees(entries[i], elected)) {
                agreeing += entries[i];
                divisor += weights[i];
            }
        }
        return normalize && divisor != 0.0 ? agreeing / divisor : agreeing;
    }
}
