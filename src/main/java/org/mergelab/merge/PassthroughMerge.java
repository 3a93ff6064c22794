package org.mergelab.merge;

import java.util.Map;

/**
 * {@code passthrough}: the one model's tensor, unchanged (mergekit's {@code PassthroughMerge}). With a
 * {@code slices:} recipe it stacks layer ranges of several models into one ("frankenmerge", Goddard et al. 2024,
 * mergekit); {@link StreamingMerge} copies such tensors byte for byte unless the recipe asks for another dtype.
 *
 * <p>Exactly one model, no base, no parameters (mergekit's optional per-model {@code scale} is not supported: a
 * recipe that gives it is rejected naming the key).
 */
final class PassthroughMerge extends AbstractMergeMethod implements RangeMergeable {

    PassthroughMerge() {
        super("passthrough", References.MERGEKIT, MethodSignature.of(1, 1, false, Map.of(), Map.of()));
    }

    @Override
    public boolean copiesItsOnlyModel() {
        return true;
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        return request.models().getFirst().clone();
    }
}
