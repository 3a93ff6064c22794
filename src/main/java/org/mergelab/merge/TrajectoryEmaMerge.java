package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.BETA;

import java.util.Map;

/**
 * {@code trajectory_ema}: an exponential moving average over a sequence of checkpoints of one
 * training run, taken in the order given (as the EMA "teacher" of Tarvainen &amp; Valpola 2017,
 * but over saved checkpoints rather than every step).
 *
 * <pre>  ema_0 = θ_0
 *   ema_k = β ema_{k−1} + (1 − β) θ_k,   k = 1 … N−1
 *   θ     = ema_{N−1}  = β^{N−1} θ_0 + Σ_{k≥1} (1 − β) β^{N−1−k} θ_k</pre>
 *
 * The weights sum to 1. β = 0 returns the last checkpoint, β = 1 the first. No base. Global:
 * {@code beta} in [0, 1] (default 0.9).
 */
final class TrajectoryEmaMerge extends AbstractMergeMethod implements RangeMergeable {

    TrajectoryEmaMerge() {
        super("trajectory_ema", References.EMA, MethodSignature.of(1, ANY, false, Map.of(), Map.of(BETA, 0.9)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        double beta = signature().global(request, BETA);
        float[] first = request.models().getFirst();
        int n = first.length;
        double[] ema = new double[n];
        for (int j = 0; j < n; j++) {
            ema[j] = first[j];
        }
        for (int k = 1; k < request.modelCount(); k++) {
            float[] theta = request.models().get(k);
            for (int j = 0; j < n; j++) {
                ema[j] = beta * ema[j] + (1.0 - beta) * theta[j];
            }
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) ema[j];
        }
        return out;
    }
}
