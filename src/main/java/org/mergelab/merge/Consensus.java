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

    /** The sign a sign election picks for an entry whose values sum to {@code sum}: +1 when it is 0 (mergekit). */
    static double electedSign(double sum) {
        return sum >= 0.0 ? 1.0 : -1.0;
    }
}
