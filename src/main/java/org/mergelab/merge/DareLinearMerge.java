package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code dare_linear} (Yu et al. 2023): DARE drop-and-rescale of each task vector, then task
 * arithmetic.
 *
 * <pre>  τ_i    = θ_i − θ_base
 *   m_i,j  ~ Bernoulli(density_i),  τ'_i = r_i · m_i ⊙ τ_i
 *   r_i    = ‖τ_i‖₁ / ‖m_i ⊙ τ_i‖₁   (rescale = true / l1, the default, as mergekit)
 *          = 1 / density_i            (rescale = inverse_density, the paper's rule)
 *          = 1                        (rescale = false)
 *   θ      = θ_base + λ Σ_i w_i τ'_i        (/ Σ_i w_i with normalize = 1; by 1 if |Σ_i w_i| &lt; 1e-8)</pre>
 *
 * Needs a base. Per model: {@code weight} (default 1), {@code density} (default 1, as mergekit:
 * nothing dropped; set it). Global: {@code lambda} (default 1), {@code normalize} (default 0),
 * {@code rescale} (default true = L1), as mergekit. Seeded: the mask of model i comes from the i-th
 * split of the tensor's stream ({@link TensorRandom#forTensor}).
 */
final class DareLinearMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    DareLinearMerge() {
        super("dare_linear", References.DARE, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0), Map.of(LAMBDA, 1.0, NORMALIZE, 0.0, RESCALE, Rescale.L1.code())),
                Sparsification.RANDOM, Consensus.SUM);
    }
}
