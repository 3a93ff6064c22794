package org.mergelab.merge;

import java.util.List;
import java.util.Map;

/**
 * A method of the task-vector family: one {@link SparsifiedTaskVectorMerge} (a sparsification
 * followed by a consensus) does the work, whole-tensor or range by range; subclasses only name the
 * family member and its signature. TIES is task arithmetic + trim + sign election, not a copy.
 */
abstract class TaskVectorFamilyMethod extends AbstractMergeMethod {

    private final SparsifiedTaskVectorMerge family;

    TaskVectorFamilyMethod(String name, String reference, MethodSignature signature, Sparsification sparsification,
            Consensus consensus) {
        super(name, reference, signature);
        this.family = new SparsifiedTaskVectorMerge(sparsification, consensus, signature);
    }

    @Override
    final Locality locality(Map<String, Double> globalParameters) {
        return family.locality(globalParameters);
    }

    @Override
    final TensorStatistics rangeStatistics(MergeRequest range, long offset) {
        return family.rangeStatistics(range, offset);
    }

    @Override
    final TensorStatistics tensorStatistics(MergeRequest first, List<TensorStatistics> ranges) {
        return family.tensorStatistics(first, ranges);
    }

    @Override
    final float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        return family.mergeRange(range, offset, statistics);
    }

    @Override
    final float[] compute(MergeRequest request) {
        return family.merge(request);
    }
}
