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
 * weights need the whole tensor, so sce is not {@link RangeMergeable}.
 */
final class SceMerge extends AbstractMergeMethod {

    /** mergekit's floors: below this Σ of the weights they become uniform, and the divisor is at least this. */
    static final double WEIGHT_FLOOR = 1e-6;

    SceMerge() {
        super("sce", References.SCE, MethodSignature.of(1, ANY, true, Map.of(), Map.of(SELECT_TOPK, 1.0)));
    }

    @Override
    float[] compute(MergeRequest request) {
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        double[][] tau = new double[models][n];
        for (int i = 0; i < models; i++) {
            float[] model = request.models().get(i);
            for (int j = 0; j < n; j++) {
                tau[i][j] = (double) model[j] - base[j];
            }
        }
        double topk = signature().global(request, SELECT_TOPK);
        if (topk < 1.0) {
            boolean[] selected = selectByVariance(tau, topk);
            for (double[] t : tau) {
                for (int j = 0; j < n; j++) {
                    t[j] = selected[j] ? t[j] : 0.0;
                }
            }
        }
        double[] weights = weights(tau);
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

    /** The entries kept by the select step: the int(topk · nz) of largest variance across the models. */
    static boolean[] selectByVariance(double[][] tau, double topk) {
        int n = tau[0].length;
        int models = tau.length;
        double[] variance = new double[n];
        int nonzero = 0;
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

    /** The calculate step: each model's mean squared task vector over the sum of them, or 1/N below 1e-6. */
    static double[] weights(double[][] tau) {
        int models = tau.length;
        double[] weights = new double[models];
        double total = 0.0;
        for (int i = 0; i < models; i++) {
            double squares = 0.0;
            for (double v : tau[i]) {
                squares += v * v;
            }
            weights[i] = tau[i].length == 0 ? 0.0 : squares / tau[i].length;
            total += weights[i];
        }
        for (int i = 0; i < models; i++) {
            weights[i] = Math.abs(total) < WEIGHT_FLOOR ? 1.0 / models : weights[i] / total;
        }
        return weights;
    }
}
