package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.LAMBDA;
import static org.mergelab.merge.MergeParameter.NORMALIZE;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code task_arithmetic} (Ilharco et al. 2023): add the weighted task vectors to the base.
 *
 * <pre>  θ = θ_base + λ Σ_i w_i (θ_i − θ_base)       (normalize = 0, the default)
 *   θ = θ_base + λ Σ_i w_i (θ_i − θ_base) / Σ_i w_i  (normalize = 1; by 1 if |Σ_i w_i| &lt; 1e-8)</pre>
 *
 * Needs a base. Per model: {@code weight} (default 1). Global: {@code lambda} (default 1),
 * {@code normalize} (default 0, as mergekit). A {@link SparsifiedTaskVectorMerge} with no
 * sparsification and a plain sum.
 */
final class TaskArithmeticMerge extends TaskVectorFamilyMethod implements RangeMergeable {

    TaskArithmeticMerge() {
        super("task_arithmetic", References.TASK_ARITHMETIC,
                MethodSignature.of(1, ANY, true, Map.of(WEIGHT, 1.0),
                Map.of(LAMBDA, 1.0, NORMALIZE, 0.0)), Sparsification.NONE, Consensus.SUM);
    }
}
