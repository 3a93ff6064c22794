package org.mergelab.experiment;

import java.util.List;
import java.util.Map;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.merge.MergeRequest;

/**
 * theta(alpha) = (1 - alpha) theta1 + alpha theta2 over named tensors (the {@code linear} merge
 * method with weights 1 - alpha and alpha), generic over any two checkpoints with identical names,
 * shapes and dtypes. At alpha = 0 and 1 the result equals an endpoint bit for bit.
 */
public final class Interpolation {

    private static final MergeMethod LINEAR = MergeMethods.byName("linear");

    private Interpolation() {}

    /**
     * Interpolates two checkpoints' tensors.
     *
     * @param first theta1 (named {@code firstName} in messages)
     * @param second theta2
     * @param alpha weight of theta2, in [0, 1]
     * @throws IllegalArgumentException naming the tensor and both sources on a mismatch
     */
    public static NamedTensors interpolate(NamedTensors first, String firstName, NamedTensors second, String secondName, double alpha) {
        TensorLayout.requireSame(TensorLayout.of(firstName, first), TensorLayout.of(secondName, second), TensorLayout.DTypes.SAME);
        NamedTensors out = new NamedTensors();
        for (String name : first.names()) {
            Tensor a = first.get(name);
            Tensor b = second.get(name);
            float[] merged = LINEAR.merge(MergeRequest.builder()
                    .setTensorName(name)
                    .setModels(a.toFloats(), b.toFloats())
                    .optPerModelParameters(List.of(Map.of("weight", 1 - alpha), Map.of("weight", alpha)))
                    .build());
            out.put(name, Tensor.fromFloats(a.dtype(), a.shape(), merged));
        }
        return out;
    }
}
