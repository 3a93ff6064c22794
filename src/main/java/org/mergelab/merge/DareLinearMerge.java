package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;
import static org.mergelab.merge.MethodSignature.keys;

/**
 * {@code dare_linear} (Yu et al. 2023): DARE drop-and-rescale of each task vector, then task
 * arithmetic.
 *
 * <pre>  τ_i    = θ_i − θ_base
 *   τ'_i,j = τ_i,j · b_i,j / density_i,  b_i,j ~ Bernoulli(density_i)   (rescale = 1)
 *   θ      = θ_base + λ Σ_i w_i τ'_i        (/ Σ_i w_i with normalize = 1)</pre>
 *
 * Needs a base. Per model: {@code weight} (default 1), {@code density} (default 0.5; our
 * choice, the paper sweeps drop rates and mergekit has no default: set it). Global: {@code lambda}
 * (default 1), {@code normalize} (default 0), {@code rescale} (default 1), as mergekit.
 * Seeded: the mask of model i comes from the i-th split of the tensor's stream
 * ({@link TensorRandom#forTensor}).
 */
final class DareLinearMerge extends TaskVectorFamilyMethod {

    static final double DEFAULT_DENSITY = 0.5;

    private static final SparsifiedTaskVectorMerge FAMILY = new SparsifiedTaskVectorMerge(
            Sparsification.RANDOM, Consensus.SUM, DEFAULT_DENSITY, 0.0, false, true);

    DareLinearMerge() {
        super("dare_linear", References.DARE, MethodSignature.of(1, ANY, true, false,
                keys(WEIGHT, DENSITY), keys(LAMBDA, NORMALIZE, RESCALE)), FAMILY);
    }
}
