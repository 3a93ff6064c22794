package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.SELECT_TOPK;

import java.util.Map;

/**
 * {@code sce} (Wan et al. 2024, FuseChat; mergekit's {@code sce_merge}): select, calculate, erase.
 *
 * <pre>  τ_i   = θ_i − θ_base                                    n entries, N models
 *   select: v_j = Var_i(τ_i,j) (population variance); with select_topk &lt; 1 keep the int(select_topk · nz)
 *           entries of largest v_j (nz = entries with v_j ≠ 0), the same entries for every model;
 *           τ_i,j = 0 elsewhere
 *   calculate: c_i = mean_j τ_i,j² / Σ_k mean_j τ_k,j²   (1/N each when that sum is below 1e-6)
 *   erase: s_j = sign(Σ_i τ_i,j) (+1 at 0),  a_i,j = 1 when sign(τ_i,j) = s_j, else 0
 *   θ_j   = θ_base,j + Σ_i τ_i,j c_i a_i,j / max(Σ_i c_i a_i,j, 1e-6)</pre>
 *
 * Needs a base. No per-model parameters (mergekit's sce takes no weight); global {@code select_topk} (1: select
 * everything), as mergekit (a recipe's {@code int8_mask}, a storage option there, is ignored as for every
 * method). Variances are ranked as {@link MagnitudeRanking} ranks magnitudes (rounded to float32, equal values by
 * index, lower index first); mergekit's {@code topk} leaves ties open. Not a member of the task-vector family:
 * its selection looks across models, its weights come from the task vectors, its election is unweighted and its
 * divisor is clamped, none of which is a stage of {@link SparsifiedTaskVectorMerge}. The selection and the
 * weights need sums over the whole tensor, so sce merges range by range after a scan: with {@code select_topk} &lt; 1
 * one pass counts the nonzero variances and a streaming radix selection ({@link MagnitudeRanking.CutSearch}, two or
 * three passes) finds the cut, bit for bit {@link MagnitudeRanking#keepRankWindow}'s; then one pass sums each model's
 * squared selected task vector in index order.
 */
final class SceMerge extends AbstractMergeMethod implements RangeMergeable {

    /** mergekit's floors: below this Σ of the weights they become uniform, and the divisor is at least this. */
    static final double WEIGHT_FLOOR = 1e-6;

    SceMerge() {
        super("sce", References.SCE, MethodSignature.of(1, ANY, true, Map.of(), Map.of(SELECT_TOPK, 1.0)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /**
     * A tensor's statistics.
     *
     * @param offsets the first element of each range, in order
     * @param from the selection's lower rank cut (null without selection)
     * @param to its upper rank cut (null without selection)
     * @param weights the calculate step's weights
     */
    record Selection(long[] offsets, MagnitudeRanking.RankCut from, MagnitudeRanking.RankCut to, double[] weights)
            implements TensorStatistics {}

    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        int models = first.modelCount();
        int n = Math.toIntExact(length);
        boolean select = signature().global(first, SELECT_TOPK) < 1.0;
        double topk = signature().global(first, SELECT_TOPK);
        return new StatisticsScan() {
            /** 0: count the nonzero variances; 1: the cut search; 2: the weights' sums; 3: done. */
            private int phase = select ? 0 : 2;
            private long[] offsets = new long[16];
            private int ranges;
            private boolean offsetsKnown;
            private int nonzero;
            private MagnitudeRanking.CutSearch from;
            private MagnitudeRanking.CutSearch to;
            private final double[] squares = new double[models];
            private Selection selection;

            @Override
            public void add(MergeRequest range, long offset) {
                int rangeIndex = ranges++;
                if (!offsetsKnown) {
                    if (rangeIndex == offsets.length) {
                        offsets = java.util.Arrays.copyOf(offsets, 2 * rangeIndex);
                    }
                    offsets[rangeIndex] = offset;
                }
                double[][] tau = taskVectors(range);
                if (phase == 0 || phase == 1) {
                    double[] variance = variances(tau);
                    float[] magnitudes = new float[variance.length];
                    for (int j = 0; j < variance.length; j++) {
                        magnitudes[j] = MagnitudeRanking.magnitude(variance[j]);
                        nonzero += phase == 0 && magnitudes[j] != 0f ? 1 : 0;
                    }
                    if (phase == 1) {
                        if (from.searching()) {
                            from.add(magnitudes);
                        }
                        if (to.searching()) {
                            to.add(magnitudes);
                        }
                    }
                    return;
                }
                if (select) {
                    keepSelected(tau, rangeIndex, from.cut(), to.cut());
                }
                for (int i = 0; i < models; i++) {
                    double sum = squares[i];
                    for (double v : tau[i]) {
                        sum += v * v;
                    }
                    squares[i] = sum;
                }
            }

            @Override
            public boolean endPass() {
                if (!offsetsKnown) {
                    offsets = java.util.Arrays.copyOf(offsets, ranges);
                    offsetsKnown = true;
                }
                ranges = 0;
                if (phase == 0) {
                    int k = topk <= 0.0 ? 0 : MagnitudeRanking.count(topk, nonzero);
                    from = new MagnitudeRanking.CutSearch(0, n);
                    to = new MagnitudeRanking.CutSearch(k, n);
                    phase = to.searching() || from.searching() ? 1 : 2;
                    return true;
                }
                if (phase == 1) {
                    if (from.searching()) {
                        from.endPass();
                    }
                    if (to.searching()) {
                        to.endPass();
                    }
                    if (!from.searching() && !to.searching()) {
                        phase = 2;
                    }
                    return true;
                }
                selection = new Selection(offsets, select ? from.cut() : null, select ? to.cut() : null,
                        weights(squares, n));
                phase = 3;
                return false;
            }

            @Override
            public TensorStatistics statistics() {
                return selection;
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        Selection selection = (Selection) statistics;
        double[][] tau = taskVectors(range);
        if (selection.to() != null) {
            keepSelected(tau, java.util.Arrays.binarySearch(selection.offsets(), offset), selection.from(), selection.to());
        }
        return erase(tau, selection.weights(), range.base());
    }

    /** τ_i = θ_i − θ_base in float64. */
    private static double[][] taskVectors(MergeRequest request) {
        int n = request.length();
        float[] base = request.base();
        double[][] tau = new double[request.modelCount()][n];
        for (int i = 0; i < tau.length; i++) {
            float[] model = request.models().get(i);
            for (int j = 0; j < n; j++) {
                tau[i][j] = (double) model[j] - base[j];
            }
        }
        return tau;
    }

    /** Zeroes the entries of range {@code rangeIndex} whose variance the rank window of the cuts does not keep. */
    private static void keepSelected(double[][] tau, int rangeIndex, MagnitudeRanking.RankCut from,
            MagnitudeRanking.RankCut to) {
        double[] variance = variances(tau);
        MagnitudeRanking.keepWindow(variance, rangeIndex, from, to);
        for (double[] t : tau) {
            for (int j = 0; j < t.length; j++) {
                t[j] = variance[j] != 0.0 ? t[j] : 0.0;
            }
        }
    }

    /** The erase step and the merge: θ_base + the sign-agreeing weighted mean of the (selected) task vectors. */
    private static float[] erase(double[][] tau, double[] weights, float[] base) {
        int n = base.length;
        int models = tau.length;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (double[] t : tau) {
                sum += t[j];
            }
            double elected = Consensus.electedSign(sum);
            double merged = 0.0;
            double divisor = 0.0;
            for (int i = 0; i < models; i++) {
                if (Math.signum(tau[i][j]) == elected) {
                    merged += tau[i][j] * weights[i];
                    divisor += weights[i];
                }
            }
            out[j] = (float) (base[j] + merged / Math.max(divisor, WEIGHT_FLOOR));
        }
        return out;
    }

    @Override
    float[] compute(MergeRequest request) {
        int n = request.length();
        double[][] tau = taskVectors(request);
        double topk = signature().global(request, SELECT_TOPK);
        if (topk < 1.0) {
            boolean[] selected = selectByVariance(tau, topk);
            for (double[] t : tau) {
                for (int j = 0; j < n; j++) {
                    t[j] = selected[j] ? t[j] : 0.0;
                }
            }
        }
        return erase(tau, weights(tau), request.base());
    }

    /** The entries kept by the select step: the int(topk · nz) of largest variance across the models. */
    static boolean[] selectByVariance(double[][] tau, double topk) {
        int n = tau[0].length;
        double[] variance = variances(tau);
        int nonzero = 0;
        for (int j = 0; j < n; j++) {
            nonzero += MagnitudeRanking.magnitude(variance[j]) != 0f ? 1 : 0;
        }
        int k = topk <= 0.0 ? 0 : MagnitudeRanking.count(topk, nonzero);
        // the k largest (all nonzero, as k ≤ nz) survive; the rest become 0
        MagnitudeRanking.keepRankWindow(variance, 0, k);
        boolean[] selected = new boolean[n];
        for (int j = 0; j < n; j++) {
            selected[j] = variance[j] != 0.0;
        }
        return selected;
    }

    /** The population variance across the models of each entry. */
    private static double[] variances(double[][] tau) {
        int n = tau[0].length;
        int models = tau.length;
        double[] variance = new double[n];
        for (int j = 0; j < n; j++) {
            double mean = 0.0;
            for (double[] t : tau) {
                mean += t[j];
            }
            mean /= models;
            double squares = 0.0;
            for (double[] t : tau) {
                double d = t[j] - mean;
                squares += d * d;
            }
            variance[j] = squares / models;
        }
        return variance;
    }

    /** The calculate step: each model's mean squared task vector over the sum of them, or 1/N below 1e-6. */
    static double[] weights(double[][] tau) {
        double[] squares = new double[tau.length];
        for (int i = 0; i < tau.length; i++) {
            for (double v : tau[i]) {
                squares[i] += v * v;
            }
        }
        return weights(squares, tau.length == 0 ? 0 : tau[0].length);
    }

    /** The calculate step from each model's sum of squares over {@code n} entries. */
    static double[] weights(double[] squares, int n) {
        int models = squares.length;
        double[] weights = new double[models];
        double total = 0.0;
        for (int i = 0; i < models; i++) {
            weights[i] = n == 0 ? 0.0 : squares[i] / n;
            total += weights[i];
        }
        for (int i = 0; i < models; i++) {
            weights[i] = Math.abs(total) < WEIGHT_FLOOR ? 1.0 / models : weights[i] / total;
        }
        return weights;
    }
}
