package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.DENSITY;
import static org.mergelab.merge.MergeParameter.GAMMA;
import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.WEIGHT;
import static org.mergelab.merge.MethodSignature.keys;

/**
 * {@code breadcrumbs} (Davari &amp; Belilovsky 2023): mask both tails of each task vector, then
 * task arithmetic.
 *
 * <pre>  τ_i  = θ_i − θ_base, entries ranked by |τ_i| (rank 0 = largest, ties by index)
 *   τ'_i = τ_i on ranks [floor(γ_i n), floor(γ_i n) + floor(density_i n)), 0 elsewhere
 *   θ    = θ_base + λ Σ_i w_i τ'_i             (/ Σ_i w_i with normalize = 1)</pre>
 *
 * Needs a base. Per model: {@code weight} (1), {@code density} (0.9), {@code gamma} (0.01: drop
 * the top 1% outliers and keep the next 90%, the paper's typical setting and mergekit's gamma
 * default). Global: {@code lambda} (1), {@code normalize} (0, as mergekit).
 */
final class BreadcrumbsMerge extends TaskVectorFamilyMethod {

    static final double DEFAULT_DENSITY = 0.9;
    static final double DEFAULT_GAMMA = 0.01;

    private static final SparsifiedTaskVectorMerge FAMILY = new SparsifiedTaskVectorMerge(
            Sparsification.MAGNITUDE_OUTLIERS, Consensus.SUM, DEFAULT_DENSITY, DEFAULT_GAMMA, false, false);

    BreadcrumbsMerge() {
        super("breadcrumbs", References.BREADCRUMBS, MethodSignature.of(1, ANY, true, false,
                keys(WEIGHT, DENSITY, GAMMA), keys(LAMBDA, NORMALIZE)), FAMILY);
    }
}
