package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code ties} (Yadav et al. 2023): task arithmetic + trim + sign election + disjoint mean.
 *
 * <pre>  τ_i  = θ_i − θ_base
 *   τ'_i = τ_i with all but its int(density_i · n) largest-magnitude entries set to 0
 *   s    = sign(Σ_i w_i τ'_i)  per entry, +1 where the sum is 0   (mergekit's "sum" election)
 *   A    = { i : sign(w_i τ'_i) = s }                              per entry
 *   m    = Σ_{i∈A} w_i τ'_i / Σ_{i∈A} w_i                           (normalize = 1; divisor 0 → 1)
 *   θ    = θ_base + λ m</pre>
 *
 * Needs a base. Per model: {@code weight} (default 1), {@code density} (default 1, as mergekit:
 * nothing trimmed; the paper keeps the top 20%, so set {@code density: 0.2} for its setting).
 * Global: {@code lambda} (default 1; the paper tunes it), {@code normalize} (default 1 = disjoint
 * mean; 0 = disjoint sum), {@code rescale} (default false; true rescales each trimmed τ'_i to the
 * L1 norm of τ_i, see {@link Rescale}). Ties in magnitude are trimmed by index (lower index kept).
 */
final class TiesMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    TiesMerge() {
        super("ties", References.TIES, MethodSignature.of(1, ANY, true, Map.of(WEIGHT, 1.0, DENSITY, 1.0),
                Map.of(LAMBDA, 1.0, NORMALIZE, 1.0, RESCALE, Rescale.NONE.code())), Sparsification.MAGNITUDE,
                Consensus.SIGN_ELECTION);
    }
}
