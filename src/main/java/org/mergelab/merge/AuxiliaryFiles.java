package org.mergelab.merge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorInfo;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.checkpoint.TensorSource;

/**
 * Checks the per-model auxiliary files of a whole-checkpoint merge against the first model, from headers alone:
 * Fisher files hold every float tensor with its shape; Gram files hold, for the same weights in every file, a
 * square {@code [d, d]} float matrix with d the weight's input features (elements per output row). Every message
 * names the tensor and the files.
 */
final class AuxiliaryFiles {

    private AuxiliaryFiles() {}

    /**
     * Checks {@code files} (one per model) of kind {@code kind} against {@code first}.
     *
     * @return the names of the tensors the files hold (for Fisher: every float tensor of {@code first})
     * @throws IllegalArgumentException naming the tensor and the file at fault
     */
    static Set<String> check(AuxiliaryInput kind, TensorSource first, List<TensorSource> files) {
        Map<String, TensorInfo> firstInfos = new HashMap<>();
        for (TensorInfo info : first.tensors()) {
            firstInfos.put(info.name(), info);
        }
        return switch (kind) {
            case NONE -> throw new IllegalArgumentException("auxiliary files were given to a method that reads none");
            case FISHER_DIAGONAL -> checkFishers(first, firstInfos, files);
            case INPUT_GRAM -> checkGrams(first, firstInfos, files);
        };
    }

    private static Set<String> checkFishers(TensorSource first, Map<String, TensorInfo> firstInfos,
            List<TensorSource> files) {
        Set<String> names = new TreeSet<>();
        for (TensorSource f : files) {
            Map<String, TensorInfo> fisherInfos = infos(f);
            for (TensorInfo info : first.tensors()) {
                if (!info.dtype().isFloatingPoint()) {
                    continue;
                }
                names.add(info.name());
                TensorInfo o = fisherInfos.get(info.name());
                if (o == null) {
                    throw new IllegalArgumentException("tensor '" + info.name() + "' is in " + first.path()
                            + " but not in the Fisher file " + f.path());
                }
                TensorLayout.requireSameShape(info.name(), info.shape(), first.path(), o.shape(), f.path());
                if (!o.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("tensor '" + info.name() + "' is "
                            + o.dtype().safetensorsName() + " in the Fisher file " + f.path()
                            + "; a Fisher diagonal is floating point");
                }
            }
            for (TensorInfo o : f.tensors()) {
                TensorInfo mine = firstInfos.get(o.name());
                if (mine == null || !mine.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("tensor '" + o.name() + "' is in the Fisher file "
                            + f.path() + " but is not a float tensor of " + first.path());
                }
            }
        }
        return names;
    }

    private static Set<String> checkGrams(TensorSource first, Map<String, TensorInfo> firstInfos,
            List<TensorSource> files) {
        TensorSource reference = files.getFirst();
        Set<String> names = new TreeSet<>(infos(reference).keySet());
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the Gram file " + reference.path() + " holds no Gram matrices");
        }
        for (TensorSource g : files) {
            Map<String, TensorInfo> grams = infos(g);
            for (String name : names) {
                if (!grams.containsKey(name)) {
                    throw new IllegalArgumentException("tensor '" + name + "' has a Gram matrix in "
                            + reference.path() + " but none in " + g.path()
                            + "; every model's Gram file must cover the same weights");
                }
            }
            for (TensorInfo gram : g.tensors()) {
                if (!names.contains(gram.name())) {
                    throw new IllegalArgumentException("tensor '" + gram.name() + "' has a Gram matrix in "
                            + g.path() + " but none in " + reference.path()
                            + "; every model's Gram file must cover the same weights");
                }
                TensorInfo weight = firstInfos.get(gram.name());
                if (weight == null || !weight.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("tensor '" + gram.name() + "' is in the Gram file "
                            + g.path() + " but is not a float tensor of " + first.path());
                }
                if (weight.shape().length < 2 || weight.shape()[0] == 0) {
                    throw new IllegalArgumentException("tensor '" + gram.name() + "' of " + first.path()
                            + " has shape " + Tensor.shapeString(weight.shape()) + "; a Gram matrix in " + g.path()
                            + " belongs to a weight [out, in, ...] of at least two dimensions");
                }
                long d = weight.numel() / weight.shape()[0];
                if (gram.shape().length != 2 || gram.shape()[0] != d || gram.shape()[1] != d) {
                    throw new IllegalArgumentException("tensor '" + gram.name() + "' has a Gram matrix of shape "
                            + Tensor.shapeString(gram.shape()) + " in " + g.path() + "; its weight in "
                            + first.path() + " has shape " + Tensor.shapeString(weight.shape()) + ", so " + d
                            + " input features and a Gram matrix [" + d + ", " + d + "]");
                }
                if (!gram.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("tensor '" + gram.name() + "' is "
                            + gram.dtype().safetensorsName() + " in the Gram file " + g.path()
                            + "; a Gram matrix is floating point");
                }
            }
        }
        return names;
    }

    private static Map<String, TensorInfo> infos(TensorSource source) {
        Map<String, TensorInfo> map = new HashMap<>();
        for (TensorInfo info : source.tensors()) {
            map.put(info.name(), info);
        }
        return map;
    }
}
