package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.GAMMA;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.RESCALE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code breadcrumbs_ties} (Davari &amp; Belilovsky 2023, with TIES sign election as in
 * mergekit): the Breadcrumbs mask of {@link BreadcrumbsMerge}, then the sign election of
 * {@link TiesMerge}.
 *
 * <pre>  τ'_i = breadcrumbs(θ_i − θ_base; density_i, γ_i)
 *   s = sign(Σ_i w_i τ'_i) (+1 at 0),  A = { i : sign(w_i τ'_i) = s }
 *   θ = θ_base + λ Σ_{i∈A} w_i τ'_i           (/ Σ_{i∈A} w_i with normalize = 1)</pre>
 *
 * Needs a base. Per model: {@code weight} (1), {@code density} (1), {@code gamma} (0.01).
 * Global: {@code lambda} (1), {@code normalize} (0), {@code rescale} (false), as mergekit.
 */
final class BreadcrumbsTiesMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    BreadcrumbsTiesMerge() {
        super("breadcrumbs_ties", References.BREADCRUMBS, MethodSignature.of(1, ANY, true,
                Map.of(WEIGHT, 1.0, DENSITY, 1.0, GAMMA, 0.01),
                Map.of(LAMBDA, 1.0, NORMALIZE, 0.0, RESCALE, Rescale.NONE.code())),
                Sparsification.MAGNITUDE_OUTLIERS, Consensus.SIGN_ELECTION);
    }
}
