package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@link MergeMethod} needs to merge one tensor: the same tensor from every input
 * model, flattened to one {@code float[]} each, and the recipe's parameters.
 *
 * <ul>
 *   <li>{@code tensorName}: the tensor's name, used in every error message and, for seeded
 *       methods, to derive this tensor's random stream from {@code seed}.
 *   <li>{@code models}: N &ge; 1 arrays of the same length n, in recipe order (for the
 *       {@code trajectory_*} methods, checkpoint order).
 *   <li>{@code base}: the base (pre-trained) model's tensor, length n, or {@code null} for methods
 *       that take none.
 *   <li>{@code perModelParameters}: N maps (one per model, same order) from parameter key (for
 *       example {@code weight}, {@code density}) to value; an empty list means no per-model
 *       parameters.
 *   <li>{@code globalParameters}: key to value for the whole merge (for example {@code lambda},
 *       {@code t}); flags are {@code 0.0}/{@code 1.0}.
 *   <li>{@code seed}: the merge's seed; only seeded methods (DARE) read it.
 *   <li>{@code auxiliary}: N extra arrays of one length, one per model, or {@code null}: the diagonal Fisher
 *       (length n) for {@code fisher}, the input Gram matrix (d x d, d = n / shape[0]) for {@code regmean}; the
 *       method's {@link AuxiliaryInput} says which, and the method checks the length.
 *   <li>{@code shape}: the tensor's shape, row-major, whose product is n; {@code [n]} unless given. A request for a
 *       range of a tensor is one-dimensional, or, for a method that merges ranges of whole rows
 *       ({@link RangeMergeable#rowsPerRange}), {@code [rows, shape[1], ...]}. Only methods that work along an axis or on rows read it ({@code della}
 *       ranks magnitudes along axis 1, {@code nuslerp} without {@code nuslerp_flatten} and {@code arcee_fusion} work
 *       row by row, as mergekit).
 * </ul>
 *
 * <p>The constructor validates: equal lengths (the message names the tensor and both lengths),
 * finite tensor values, known parameter keys, and each value inside its key's range (the message
 * names the key and the value). Whether a method takes a given key, a base or auxiliary arrays is
 * checked by the method itself. Lists and maps are copied; the arrays are not (tensors can be
 * large), so callers must not change them while a merge runs. Methods never write to them.
 * Record equality on the arrays is identity.
 */
public record MergeRequest(
        String tensorName,
        List<float[]> models,
        float[] base,
        List<Map<String, Double>> perModelParameters,
        Map<String, Double> globalParameters,
        long seed,
        List<float[]> auxiliary,
        long[] shape) {

    /** Validates and copies; see the class Javadoc. */
    public MergeRequest {
        if (tensorName == null || tensorName.isBlank()) {
            throw new IllegalArgumentException("tensorName must be a non-blank string, got " + tensorName);
        }
        String where = "for tensor '" + tensorName + "'";
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is required " + where);
        }
        models = copyArrays(models, "model", where);
        int length = models.getFirst().length;
        boolean scan = !FINITE_ALREADY_CHECKED.isBound();
        for (int i = 0; i < models.size(); i++) {
            requireLength(models.get(i), length, "model " + i, tensorName);
            if (scan) {
                requireFinite(models.get(i), "model " + i, tensorName);
            }
        }
        if (base != null) {
            requireLength(base, length, "base", tensorName);
            if (scan) {
                requireFinite(base, "base", tensorName);
            }
        }
        if (auxiliary != null) {
            auxiliary = copyArrays(auxiliary, "auxiliary", where);
            if (auxiliary.size() != models.size()) {
                throw new IllegalArgumentException("tensor '" + tensorName + "': " + auxiliary.size()
                        + " auxiliary arrays for " + models.size() + " models; need one per model");
            }
            for (int i = 0; i < auxiliary.size(); i++) {
                if (auxiliary.get(i).length != auxiliary.getFirst().length) {
                    throw new IllegalArgumentException("tensor '" + tensorName + "': auxiliary array " + i + " has "
                            + auxiliary.get(i).length + " elements but auxiliary array 0 has "
                            + auxiliary.getFirst().length);
                }
                requireFinite(auxiliary.get(i), "auxiliary " + i, tensorName);
            }
        }
        if (perModelParameters == null || perModelParameters.isEmpty()) {
            perModelParameters = java.util.Collections.nCopies(models.size(), Map.of());
        } else if (perModelParameters.size() != models.size()) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': " + perModelParameters.size()
                    + " per-model parameter maps for " + models.size() + " models; need one per model");
        } else {
            List<Map<String, Double>> copied = new ArrayList<>(perModelParameters.size());
            for (int i = 0; i < perModelParameters.size(); i++) {
                copied.add(checkedCopy(perModelParameters.get(i), "for model " + i + " of tensor '" + tensorName + "'"));
            }
            perModelParameters = List.copyOf(copied);
        }
        globalParameters = checkedCopy(globalParameters, where);
        shape = shape == null ? new long[] {length} : shape.clone();
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + tensorName + "': shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            elements *= d;
        }
        if (elements != length) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': shape " + Arrays.toString(shape)
                    + " holds " + elements + " elements but model 0 has " + length + " elements");
        }
    }

    /**
     * Bound while a {@link Builder#modelsCheckedFinite} request is built: its models and base were checked finite as
     * they were converted (a streaming merge's ranges), so the constructor does not scan them a second time.
     */
    private static final ScopedValue<Boolean> FINITE_ALREADY_CHECKED = ScopedValue.newInstance();

    /** The tensor's shape (a copy); see the class Javadoc. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A builder; {@code set*} for required values, {@code opt*} for optional ones. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of elements in each array. */
    int length() {
        return models.getFirst().length;
    }

    int modelCount() {
        return models.size();
    }

    private static List<float[]> copyArrays(List<float[]> arrays, String what, String where) {
        for (int i = 0; i < arrays.size(); i++) {
            if (arrays.get(i) == null) {
                throw new IllegalArgumentException(what + " " + i + " is null " + where);
            }
        }
        return List.copyOf(arrays);
    }

    private static void requireLength(float[] array, int expected, String what, String tensorName) {
        if (array.length != expected) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': " + what + " has "
                    + array.length + " elements but model 0 has " + expected + " elements");
        }
    }

    private static void requireFinite(float[] array, String what, String tensorName) {
        int j = org.mergelab.checkpoint.Tensor.firstNonFinite(array);
        if (j >= 0) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': " + what
                    + " has non-finite value " + array[j] + " at element " + j);
        }
    }

    /**
     * Checks parameters as the constructor does (one map per model or none, known keys, values in range), so that a
     * merge can reject them before it writes anything; messages name the tensor.
     */
    static void checkParameters(List<Map<String, Double>> perModel, Map<String, Double> global, String tensorName,
            int models) {
        if (!perModel.isEmpty() && perModel.size() != models) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': " + perModel.size()
                    + " per-model parameter maps for " + models + " models; need one per model");
        }
        for (int i = 0; i < perModel.size(); i++) {
            checkedCopy(perModel.get(i), "for model " + i + " of tensor '" + tensorName + "'");
        }
        checkedCopy(global, "for tensor '" + tensorName + "'");
    }

    private static Map<String, Double> checkedCopy(Map<String, Double> parameters, String where) {
        if (parameters == null) {
            return Map.of();
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : parameters.entrySet()) {
            String key = entry.getKey();
            Double value = entry.getValue();
            MergeParameter parameter = MergeParameter.byKey(key).orElseThrow(() -> new IllegalArgumentException(
                    "unknown parameter '" + key + "' " + where + "; known: " + MergeParameter.knownKeys()));
            if (value == null) {
                throw new IllegalArgumentException("parameter '" + key + "' " + where + " has no value");
            }
            parameter.check(value, where);
            copy.put(key, value);
        }
        return Map.copyOf(copy);
    }

    /**
     * Builds a {@link MergeRequest}. Required: {@link #setTensorName}, {@link #setModels}.
     * Optional with defaults: base {@code null}, no per-model or global parameters, seed
     * {@code 0}, auxiliary {@code null}, shape one-dimensional.
     */
    public static final class Builder {
        private String tensorName;
        private List<float[]> models;
        private float[] base;
        private List<Map<String, Double>> perModelParameters = List.of();
        private final Map<String, Double> globalParameters = new LinkedHashMap<>();
        private long seed;
        private List<float[]> auxiliary;
        private long[] shape;
        private boolean modelsCheckedFinite;

        private Builder() {}

        /**
         * Says the models' and the base's values were checked finite by the caller as they were read (every value, in
         * the same pass that converted them), so {@link #build} does not scan them again. Only for the merge's own
         * readers, which name the file and element of a value that is not finite.
         */
        Builder modelsCheckedFinite() {
            this.modelsCheckedFinite = true;
            return this;
        }

        /** The tensor's name (required). */
        public Builder setTensorName(String tensorName) {
            this.tensorName = tensorName;
            return this;
        }

        /** The N input tensors, flattened, in recipe order (required). */
        public Builder setModels(List<float[]> models) {
            this.models = models;
            return this;
        }

        /** The input tensors, flattened, in recipe order (required). */
        public Builder setModels(float[]... models) {
            this.models = models == null ? null : java.util.Arrays.asList(models);
            return this;
        }

        /** The base model's tensor; default none. */
        public Builder optBase(float[] base) {
            this.base = base;
            return this;
        }

        /** One parameter map per model, in model order; default none. */
        public Builder optPerModelParameters(List<Map<String, Double>> perModelParameters) {
            this.perModelParameters = perModelParameters;
            return this;
        }

        /** Adds or replaces one global parameter. */
        public Builder optGlobalParameter(String key, double value) {
            Objects.requireNonNull(key, "key");
            globalParameters.put(key, value);
            return this;
        }

        /** Adds or replaces global parameters. */
        public Builder optGlobalParameters(Map<String, Double> parameters) {
            globalParameters.putAll(parameters);
            return this;
        }

        /** The merge's seed; default 0. Each tensor derives its own stream from it and its name. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** One auxiliary array per model (e.g. diagonal Fisher); default none. */
        public Builder optAuxiliary(List<float[]> auxiliary) {
            this.auxiliary = auxiliary;
            return this;
        }

        /** The whole tensor's shape, row-major, whose product is the arrays' length; default {@code [n]}. */
        public Builder optShape(long... shape) {
            this.shape = shape;
            return this;
        }

        /** Validates and builds; see {@link MergeRequest} for what is checked. */
        public MergeRequest build() {
            if (modelsCheckedFinite) {
                return ScopedValue.where(FINITE_ALREADY_CHECKED, Boolean.TRUE).call(() -> new MergeRequest(tensorName,
                        models, base, perModelParameters, globalParameters, seed, auxiliary, shape));
            }
            return new MergeRequest(tensorName, models, base, perModelParameters,
                    globalParameters, seed, auxiliary, shape);
        }
    }
}
