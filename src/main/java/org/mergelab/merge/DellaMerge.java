package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.EPSILON;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code della} (Deep et al. 2024, as mergekit): DELLA's MagPrune, a drop with magnitude-ranked probabilities, in
 * place of the TIES trim, then TIES sign election.
 *
 * <pre>  τ_i  = θ_i − θ_base
 *   p_i,j = (density_i − ε_i) + r_i,j / (m − 1) · 2 ε_i
 *          r_i,j: ascending magnitude rank of τ_i,j among the m entries of its line along axis 1
 *   τ'_i = s_i · m_i ⊙ τ_i,  m_i,j ~ Bernoulli(p_i,j),  s_i = ‖τ_i‖₁ / ‖m_i ⊙ τ_i‖₁ (rescale = true, the default)
 *   s = sign(Σ_i w_i τ'_i) (+1 at 0),  A = { i : sign(w_i τ'_i) = s }
 *   θ = θ_base + λ Σ_{i∈A} w_i τ'_i / Σ_{i∈A} w_i     (normalize = true, the default; divisor 0 → 1)</pre>
 *
 * Needs a base. Per model: {@code weight} (1), {@code density} (1: nothing dropped), {@code epsilon} (0.15), with
 * {@code 0 < density − epsilon} and {@code density + epsilon < 1} when density &lt; 1. Global: {@code lambda} (1),
 * {@code normalize} (true), {@code rescale} (true = L1; {@code inverse_density} divides each survivor by its p_i,j,
 * the paper's rule), all as mergekit. Seeded like {@link DareLinearMerge}: model i's draws come from the i-th split
 * of the tensor's stream, one per entry in index order, kept when below p_i,j; see
 * {@link Sparsification#MAGNITUDE_SAMPLING}. Merges in ranges of whole rows (slices along axis 0, whose lines along
 * axis 1 are ranked within the range; a tensor of one dimension is one range), each range drawing from the streams
 * moved on to its first entry; the L1 rescale's two norms per model come from a scan first.
 */
final class DellaMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    DellaMerge() {
        super("della", References.DELLA, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0, EPSILON, 0.15),
                Map.of(LAMBDA, 1.0, NORMALIZE, 1.0, RESCALE, Rescale.L1.code())),
                Sparsification.MAGNITUDE_SAMPLING, Consensus.SIGN_ELECTION);
    }
}
