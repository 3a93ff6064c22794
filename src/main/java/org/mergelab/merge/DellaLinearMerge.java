package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.EPSILON;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code della_linear} (Deep et al. 2024, as mergekit): DELLA's MagPrune of each task vector as in
 * {@link DellaMerge}, then task arithmetic without sign election.
 *
 * <pre>  τ'_i as {@link DellaMerge}
 *   θ = θ_base + λ Σ_i w_i τ'_i        (/ Σ_i w_i with normalize = true; by 1 if |Σ_i w_i| &lt; 1e-8)</pre>
 *
 * Needs a base. Per model: {@code weight} (1), {@code density} (1), {@code epsilon} (0.15). Global: {@code lambda}
 * (1), {@code normalize} (false), {@code rescale} (true = L1), as mergekit. For the same seed, tensor, densities and
 * epsilons, della and della_linear drop the same entries.
 */
final class DellaLinearMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    DellaLinearMerge() {
        super("della_linear", References.DELLA, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0, EPSILON, 0.15),
                Map.of(LAMBDA, 1.0, NORMALIZE, 0.0, RESCALE, Rescale.L1.code())),
                Sparsification.MAGNITUDE_SAMPLING, Consensus.SUM);
    }
}
