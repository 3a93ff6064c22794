package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code dare_ties} (Yu et al. 2023, combined with TIES as in mergekit): DARE drop-and-rescale of
 * each task vector in place of the TIES trim, then TIES sign election.
 *
 * <pre>  τ'_i = r_i · m_i ⊙ (θ_i − θ_base),  m_i,j ~ Bernoulli(density_i),  r_i as {@link DareLinearMerge}
 *   s = sign(Σ_i w_i τ'_i) (+1 at 0),  A = { i : sign(w_i τ'_i) = s }
 *   θ = θ_base + λ Σ_{i∈A} w_i τ'_i           (/ Σ_{i∈A} w_i with normalize = 1)</pre>
 *
 * Needs a base. Per model: {@code weight} (default 1), {@code density} (default 1, as mergekit).
 * Global: {@code lambda} (1), {@code normalize} (0, as mergekit), {@code rescale} (true = L1).
 * Seeded like {@link DareLinearMerge}: for the same seed, tensor and densities both methods drop
 * the same entries.
 */
final class DareTiesMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    DareTiesMerge() {
        super("dare_ties", References.DARE, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0), Map.of(LAMBDA, 1.0, NORMALIZE, 0.0, RESCALE, Rescale.L1.code())),
                Sparsification.RANDOM, Consensus.SIGN_ELECTION);
    }
}
