package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.TensorStatistics;

/**
 * A method of the task-vector family: one {@link SparsifiedTaskVectorMerge} (a sparsification
 * followed by a consensus) does the work, whole-tensor or range by range; subclasses only name the
 * family member, its signature and its stages. TIES is task arithmetic + trim + sign election, not a copy.
 * DARE's random mask splits anywhere, each range drawing from its models' streams moved on to the range's first
 * element; DELLA's masks, sampled by rank along axis 1, split into ranges of whole rows, drawn the same way.
 */
abstract class TaskVectorFamilyMethod extends AbstractMergeMethod {

    private final SparsifiedTaskVectorMerge family;

    TaskVectorFamilyMethod(String name, String reference, MethodSignature signature, Sparsification sparsification,
            Consensus consensus) {
        super(name, reference, signature);
        this.family = new SparsifiedTaskVectorMerge(sparsification, consensus, signature);
    }

    @Override
    public final boolean drawsRandomNumbers() {
        return family.drawsRandomNumbers();
    }

    /** The family's locality; a member that can split some tensors says so by implementing {@link RangeMergeable}. */
    public final Locality locality(Map<String, Double> globalParameters) {
        return family.locality(globalParameters);
    }

    /** The family's ranges: whole rows for DELLA's rank sampling, else anywhere (see {@link RangeMergeable}). */
    public final long rowsPerRange(long[] shape, int chunkElements, boolean auxiliaryMatrices) {
        return family.rowsPerRange(shape, chunkElements);
    }

    @Override
    final RangeMergeable.StatisticsScan scan(MergeRequest first, long length) {
        return family.scan(first, length);
    }

    @Override
    final float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        return family.mergeRange(range, offset, statistics);
    }

    @Override
    final float[] compute(MergeRequest request) {
        return family.merge(request);
    }

    /** The whole-tensor merge stage after stage, array by array (see {@link SparsifiedTaskVectorMerge#mergeInStages}). */
    final float[] mergeInStages(MergeRequest request) {
        signature().check(name(), request);
        return family.mergeInStages(request);
    }

    /**
     * Per model i and entry j, whether τ'_i[j] enters the disjoint mean of this method's sign election (see
     * {@link SparsifiedTaskVectorMerge#electedEntries}); weight forensics count them.
     *
     * @throws IllegalStateException for a member without sign election
     */
    final boolean[][] electedEntries(MergeRequest request) {
        signature().check(name(), request);
        return family.electedEntries(request);
    }

    /**
     * {@link #merge} with model i's random numbers drawn from {@code streams.get(i)} instead of its seeded stream:
     * lets a test supply the masks of a random sparsification.
     */
    final float[] mergeDrawingFrom(MergeRequest request, List<? extends RandomGenerator> streams) {
        signature().check(name(), request);
        return family.mergeDrawingFrom(request, streams);
    }
}
