package org.mergelab.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Continual-learning figures of a sequence of K tasks (PROTOCOL.md, "Beyond two tasks"; Lopez-Paz and Ranzato 2017,
 * Chaudhry et al. 2018), computed from an accuracy matrix {@code a} of K + 1 rows and K + 1 columns.
 *
 * <p>Row k (0..K) is "after step k", row 0 the pre-trained model θ0 before any task. Column 0 is base accuracy (no
 * cue), column j (1..K) the accuracy on the probe of task j's cue. A cell is <em>defined</em> when j &le; k: row k has
 * columns 0..k, row 0 only column 0. Undefined cells may hold anything (NaN, typically) and are never read.
 *
 * <p>For a matrix m (the accuracy matrix itself or its {@linkplain #advantage advantage matrix}) and a step s in
 * 1..K, using only rows 0..s:
 *
 * <pre>
 *  ACC(s)        = (1/s)     sum_{j=1..s}   m[s][j]
 *  BWT(s)        = (1/(s-1)) sum_{j=1..s-1} (m[s][j] - m[j][j])                        (NaN when s = 1)
 *  forgetting(s) = (1/(s-1)) sum_{j=1..s-1} (max_{k=j..s-1} m[k][j] - m[s][j])          (NaN when s = 1)
 * </pre>
 *
 * <p>Base knowledge, from column 0 of {@code a} only: {@code baseChange(s) = a[s][0] - a[0][0]} and
 * {@code baseForgetting(s) = max_{k=0..s-1} a[k][0] - a[s][0]}.
 */
public final class SequenceMetrics {

    private SequenceMetrics() {}

    /**
     * The figures of one step s of a matrix m (accuracy or advantage).
     *
     * @param acc average over the tasks seen so far, {@code (1/s) sum_{j=1..s} m[s][j]}
     * @param bwt backward transfer, {@code (1/(s-1)) sum_{j=1..s-1} (m[s][j] - m[j][j])}: negative when learning later
     *     tasks lowered earlier ones, positive when it raised them; NaN at s = 1
     * @param forgetting average forgetting, {@code (1/(s-1)) sum_{j=1..s-1} (max_{k=j..s-1} m[k][j] - m[s][j])}: the
     *     drop of each earlier task from its best value before step s; NaN at s = 1
     */
    public record Figures(double acc, double bwt, double forgetting) {}

    /**
     * ACC, BWT and forgetting of matrix {@code m} at {@code step} s, from rows 0..s only (see the class comment for
     * the formulas). {@code m} may be an accuracy or an advantage matrix: its defined cells must be finite, of any
     * sign.
     *
     * @param m a square matrix of K + 1 &ge; 2 rows; row k is read in columns 0..k only
     * @param step the step s, in 1..K
     * @return the figures at s; at s = 1 BWT and forgetting are NaN and ACC is {@code m[1][1]}
     * @throws IllegalArgumentException when {@code m} is not square with at least 2 rows, a defined cell is not
     *     finite (naming the row, column and value), or the step is outside 1..K
     */
    public static Figures of(double[][] m, int step) {
        checkMatrix(m, "matrix", "m", false);
        checkStep(m, step);
        return figures(m, step);
    }

    /**
     * The figures of every step 1..K of {@code m}, in order: element i is {@link #of of(m, i + 1)}.
     *
     * @param m a square matrix of K + 1 &ge; 2 rows with finite defined cells (accuracy or advantage)
     * @return K figures, for steps 1..K
     * @throws IllegalArgumentException as {@link #of}
     */
    public static List<Figures> perStep(double[][] m) {
        checkMatrix(m, "matrix", "m", false);
        List<Figures> out = new ArrayList<>(m.length - 1);
        for (int s = 1; s < m.length; s++) {
            out.add(figures(m, s));
        }
        return out;
    }

    /**
     * The advantage matrix of an accuracy matrix: accuracy on each cue's probe above base accuracy at the same step,
     * {@code adv[k][j] = a[k][j] - a[k][0]} for 1 &le; j &le; k; column 0 is 0.0 and undefined cells (j &gt; k) are
     * NaN. Advantages may be negative.
     *
     * @param a an accuracy matrix: square, K + 1 &ge; 2 rows, every defined cell in [0, 1]
     * @return a new matrix of the same shape
     * @throws IllegalArgumentException when {@code a} is not square with at least 2 rows, or a defined cell is not a
     *     number in [0, 1] (naming the row, column and value)
     */
    public static double[][] advantage(double[][] a) {
        checkMatrix(a, "accuracy matrix", "a", true);
        int n = a.length;
        double[][] adv = new double[n][n];
        for (int k = 0; k < n; k++) {
            adv[k][0] = 0.0;
            for (int j = 1; j < n; j++) {
                adv[k][j] = j <= k ? a[k][j] - a[k][0] : Double.NaN;
            }
        }
        return adv;
    }

    /**
     * The change of base accuracy (column 0) from θ0 after {@code step} s: {@code a[s][0] - a[0][0]}, negative when
     * the sequence has lost base knowledge.
     *
     * @param a an accuracy matrix: square, K + 1 &ge; 2 rows, every defined cell in [0, 1]
     * @param step the step s, in 1..K
     * @throws IllegalArgumentException when {@code a} is invalid (as {@link #advantage}) or the step is outside 1..K
     */
    public static double baseChange(double[][] a, int step) {
        checkMatrix(a, "accuracy matrix", "a", true);
        checkStep(a, step);
        return a[step][0] - a[0][0];
    }

    /**
     * The forgetting of base accuracy (column 0) at {@code step} s: its best value before s, θ0 included, minus its
     * value at s, {@code max_{k=0..s-1} a[k][0] - a[s][0]}; negative when base accuracy at s beats every earlier step.
     *
     * @param a an accuracy matrix: square, K + 1 &ge; 2 rows, every defined cell in [0, 1]
     * @param step the step s, in 1..K
     * @throws IllegalArgumentException when {@code a} is invalid (as {@link #advantage}) or the step is outside 1..K
     */
    public static double baseForgetting(double[][] a, int step) {
        checkMatrix(a, "accuracy matrix", "a", true);
        checkStep(a, step);
        double best = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < step; k++) {
            best = Math.max(best, a[k][0]);
        }
        return best - a[step][0];
    }

    private static Figures figures(double[][] m, int s) {
        double sum = 0.0;
        for (int j = 1; j <= s; j++) {
            sum += m[s][j];
        }
        double acc = sum / s;
        if (s == 1) {
            return new Figures(acc, Double.NaN, Double.NaN);
        }
        double transfer = 0.0;
        double forgetting = 0.0;
        for (int j = 1; j < s; j++) {
            transfer += m[s][j] - m[j][j];
            double best = Double.NEGATIVE_INFINITY;
            for (int k = j; k < s; k++) {
                best = Math.max(best, m[k][j]);
            }
            forgetting += best - m[s][j];
        }
        return new Figures(acc, transfer / (s - 1), forgetting / (s - 1));
    }

    private static void checkMatrix(double[][] m, String what, String symbol, boolean unitRange) {
        if (m == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        int n = m.length;
        if (n < 2) {
            throw new IllegalArgumentException(what + " has " + n + " rows; it needs K + 1 >= 2 (theta0 and a step)");
        }
        for (int k = 0; k < n; k++) {
            if (m[k] == null) {
                throw new IllegalArgumentException(what + ": row " + k + " is null");
            }
            if (m[k].length != n) {
                throw new IllegalArgumentException(what + " is not square: row " + k + " has " + m[k].length
                        + " columns, expected " + n);
            }
        }
        for (int k = 0; k < n; k++) {
            for (int j = 0; j <= k; j++) {
                double v = m[k][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + ": " + symbol + "[" + k + "][" + j + "] is " + v);
                }
                if (unitRange && (v < 0.0 || v > 1.0)) {
                    throw new IllegalArgumentException(what + ": " + symbol + "[" + k + "][" + j + "] is " + v
                            + ", outside [0, 1]");
                }
            }
        }
    }

    private static void checkStep(double[][] m, int step) {
        int tasks = m.length - 1;
        if (step < 1 || step > tasks) {
            throw new IllegalArgumentException("step " + step + " is outside 1.." + tasks);
        }
    }
}
