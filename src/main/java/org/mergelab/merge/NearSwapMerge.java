package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.T;

import java.util.Map;

/**
 * {@code nearswap}: keep the base where the other model differs from it by more than a threshold t, and move to
 * the other model where the two are near (alchemonaut's NearSwap, as mergekit's {@code merge_methods/nearswap.py},
 * {@code nearswap_merge}).
 *
 * <pre>  w_j = clamp(t / max(|b_j − m_j|, 1e-6), 0, 1)
 *   θ_j = w_j · m_j + (1 − w_j) · b_j</pre>
 *
 * Entries closer than t take the other model's value m_j; farther ones move towards it by t / |b_j − m_j|.
 * Elementwise. Needs a base and exactly one other model. Global: {@code t} in [0, 1] (default 0.0001, the value
 * of the recipe NearSwap was published with; mergekit requires it).
 */
final class NearSwapMerge extends AbstractMergeMethod implements RangeMergeable {

    /** The least |b − m| a threshold is divided by (mergekit's clamp). */
    static final double DIFFERENCE_FLOOR = 1e-6;

    NearSwapMerge() {
        super("nearswap", References.NEARSWAP, MethodSignature.of(1, 1, true, Map.of(), Map.of(T, 1e-4)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        double t = signature().global(request, T);
        float[] base = request.base();
        float[] model = request.models().getFirst();
        float[] out = new float[base.length];
        for (int j = 0; j < out.length; j++) {
            double difference = Math.abs((double) base[j] - model[j]);
            double w = Math.min(1.0, Math.max(0.0, t / Math.max(difference, DIFFERENCE_FLOOR)));
            out[j] = (float) (w * model[j] + (1.0 - w) * base[j]);
        }
        return out;
    }
}
