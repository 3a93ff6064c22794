package org.mergelab.merge;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code trajectory_uniform}: the uniform average of a sequence of checkpoints of one training
 * run (stochastic weight averaging, Izmailov et al. 2018).
 *
 * <pre>  θ = (1/N) Σ_{k=0}^{N−1} θ_k</pre>
 *
 * Models are the checkpoints in training order (the order does not change this average). No
 * base, no parameters.
 */
final class TrajectoryUniformMerge extends AbstractMergeMethod implements RangeMergeable {

    TrajectoryUniformMerge() {
        super("trajectory_uniform", References.SWA, MethodSignature.of(1, ANY, false, Map.of(), Map.of()));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        double[] ones = new double[request.modelCount()];
        Arrays.fill(ones, 1.0);
        return LinearMerge.weightedSum(request.models(), ones, request.modelCount());
    }
}
