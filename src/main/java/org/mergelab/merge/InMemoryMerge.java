package org.mergelab.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorLayout;

/**
 * A merge of whole checkpoints held in memory (small networks, such as the experiment's), tensor by tensor with the
 * same requests as {@link StreamingMerge} (the whole tensor, its shape, the seed, the tensor's auxiliary arrays), so
 * that the result is bit for bit that of {@code mergelab merge} on the same files: methods that merge range by range
 * there give the bits of the whole-tensor merge ({@link RangeMergeable}'s contract). Every tensor keeps its dtype;
 * non-float tensors must be identical in every input and are copied.
 */
public final class InMemoryMerge {

    private InMemoryMerge() {}

    /**
     * Merges.
     *
     * @param method the method
     * @param models the models, in recipe order, with identical names, shapes and dtypes
     * @param base the base, or null for methods without one
     * @param auxiliary one file's tensors per model (Fisher diagonals, Gram matrices), or null
     * @param perModel one parameter map per model (or an empty list)
     * @param global the global parameters
     * @param seed the merge's seed (the recipe's {@code random_seed})
     * @throws IllegalArgumentException naming the tensor for inputs that do not match
     */
    public static NamedTensors merge(MergeMethod method, List<NamedTensors> models, NamedTensors base,
            List<NamedTensors> auxiliary, List<Map<String, Double>> perModel, Map<String, Double> global, long seed) {
        Objects.requireNonNull(method, "method");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is required");
        }
        if (method.needsBaseModel() != (base != null) && !(base != null && method.acceptsBaseModel())) {
            throw new IllegalArgumentException("method '" + method.name() + "' "
                    + (method.needsBaseModel() ? "needs a base model" : "takes no base model"));
        }
        if (method.needsAuxiliary() != (auxiliary != null)) {
            throw new IllegalArgumentException("method '" + method.name() + "' " + (method.needsAuxiliary()
                    ? "needs one " + method.auxiliaryInput().recipeKey() + " per model" : "takes no auxiliary input"));
        }
        NamedTensors first = models.getFirst();
        for (int i = 1; i < models.size(); i++) {
            TensorLayout.requireSame(TensorLayout.of("model 0", first), TensorLayout.of("model " + i, models.get(i)),
                    TensorLayout.DTypes.SAME);
        }
        if (base != null) {
            TensorLayout.requireSame(TensorLayout.of("model 0", first), TensorLayout.of("base", base),
                    TensorLayout.DTypes.SAME);
        }
        NamedTensors out = new NamedTensors();
        for (String name : first.names()) {
            Tensor t = first.get(name);
            if (!t.dtype().isFloatingPoint()) {
                for (NamedTensors m : models) {
                    if (!m.get(name).data().equals(t.data())) {
                        throw new IllegalArgumentException("tensor '" + name + "' (" + t.dtype().safetensorsName()
                                + ") differs between the models; non-float tensors are copied, not merged");
                    }
                }
                out.put(name, t);
                continue;
            }
            List<float[]> values = new ArrayList<>();
            for (NamedTensors m : models) {
                values.add(m.get(name).toFloats());
            }
            MergeRequest.Builder request = MergeRequest.builder().setTensorName(name).setModels(values)
                    .optShape(t.shape()).optPerModelParameters(perModel).optGlobalParameters(global).optSeed(seed);
            if (base != null) {
                request.optBase(base.get(name).toFloats());
            }
            if (auxiliary != null) {
                List<float[]> arrays = auxiliaryArrays(auxiliary, name, method);
                if (arrays != null) {
                    request.optAuxiliary(arrays);
                }
            }
            out.put(name, Tensor.fromFloats(t.dtype(), t.shape(), method.merge(request.build())));
        }
        return out;
    }

    /** The tensor's auxiliary arrays: Fisher for every float tensor; a Gram only for the weights that have one. */
    private static List<float[]> auxiliaryArrays(List<NamedTensors> auxiliary, String name, MergeMethod method) {
        int present = 0;
        List<float[]> arrays = new ArrayList<>();
        for (NamedTensors a : auxiliary) {
            if (a.names().contains(name)) {
                present++;
                arrays.add(a.get(name).toFloats());
            }
        }
        if (present == 0 && method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM) {
            return null;
        }
        if (present != auxiliary.size()) {
            throw new IllegalArgumentException("tensor '" + name + "' is in " + present + " of the "
                    + auxiliary.size() + " " + method.auxiliaryInput().recipeKey() + " inputs; it must be in all");
        }
        return arrays;
    }
}
