package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.GAMMA;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code breadcrumbs} (Davari &amp; Belilovsky 2023): mask both tails of each task vector, then
 * task arithmetic.
 *
 * <pre>  τ_i  = θ_i − θ_base, entries ranked by |τ_i| (rank 0 = largest, ties by index)
 *   k_i  = int(density_i n),  o_i = min(int(γ_i n), n − k_i)
 *   τ'_i = τ_i on ranks [o_i, o_i + k_i), 0 elsewhere   (density_i = 1: τ_i unchanged)
 *   θ    = θ_base + λ Σ_i w_i τ'_i             (/ Σ_i w_i with normalize = 1; by 1 if |Σ_i w_i| &lt; 1e-8)</pre>
 *
 * Needs a base. Per model: {@code weight} (1), {@code density} (1, as mergekit: nothing masked,
 * gamma then has no effect; the paper's typical setting is density 0.9 with gamma 0.01),
 * {@code gamma} (0.01, mergekit's default). Global: {@code lambda} (1), {@code normalize} (0),
 * {@code rescale} (false; see {@link Rescale}), as mergekit. When γ and density overlap, fewer
 * outliers are dropped so that k_i entries stay (mergekit). When int(γ_i n) = 0 no outlier is
 * dropped: mergekit drops the whole task vector there (a slicing slip), mergelab does not.
 */
final class BreadcrumbsMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    BreadcrumbsMerge() {
        super("breadcrumbs", References.BREADCRUMBS, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0, GAMMA, 0.01),
                Map.of(LAMBDA, 1.0, NORMALIZE, 0.0, RESCALE, Rescale.NONE.code())),
                Sparsification.MAGNITUDE_OUTLIERS, Consensus.SUM);
    }
}
