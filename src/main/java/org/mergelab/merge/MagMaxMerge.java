package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.LAMBDA;

import java.util.List;
import java.util.Map;

/**
 * {@code magmax} (Marczak et al. 2024): per entry, keep the task-vector entry of largest
 * magnitude across models.
 *
 * <pre>  τ_i = θ_i − θ_base
 *   k_j = argmax_i |τ_i,j|    (ties: the highest model index, the later fine-tune)
 *   θ_j = θ_base,j + λ τ_{k_j},j</pre>
 *
 * Ties follow the paper's code ({@code merge_max_abs}: a running choice that a later task vector
 * replaces where {@code |later| >= |chosen|}).
 *
 * In the paper the models are sequential fine-tunes (model i starts from model i−1), so later
 * task vectors already contain earlier ones; this method does not care how they were trained.
 * Needs a base. No per-model parameters (the paper weighs none). Global: {@code lambda} (default
 * 1). The paper's scripts use λ = 0.5; mergelab keeps 1, as every task-vector method here and in
 * mergekit, so that merging one model (or identical ones) returns it; write {@code lambda: 0.5} to
 * reproduce the paper.
 */
final class MagMaxMerge extends AbstractMergeMethod implements RangeMergeable {

    MagMaxMerge() {
        super("magmax", References.MAGMAX, MethodSignature.of(1, ANY, true, Map.of(), Map.of(LAMBDA, 1.0)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        double lambda = signature().global(request, LAMBDA);
        float[] base = request.base();
        int n = base.length;
        float[] out = new float[n];
        List<float[]> models = request.models();
        for (int j = 0; j < n; j++) {
            double chosen = (double) models.getFirst()[j] - base[j];
            for (int i = 1; i < models.size(); i++) {
                double tau = (double) models.get(i)[j] - base[j];
                if (Math.abs(tau) >= Math.abs(chosen)) {
                    chosen = tau;
                }
            }
            out[j] = (float) (base[j] + lambda * chosen);
        }
        return out;
    }
}
