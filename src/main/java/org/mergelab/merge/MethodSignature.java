package org.mergelab.merge;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a method accepts: how many models, whether it needs a base, which auxiliary input it
 * reads ({@link AuxiliaryInput}), and which parameter keys it takes, each with its default. This is the one place a
 * default is written: methods read values through {@link #perModel} and {@link #global}, and the
 * README's table of methods is checked against it ({@code MergeMethodsTest}). {@link #check}
 * rejects any request that does not fit, with a message naming the method and the tensor.
 *
 * @param perModel per-model keys and their defaults, in {@link MergeParameter} order
 * @param global global keys and their defaults, in {@link MergeParameter} order
 */
record MethodSignature(
        int minModels,
        int maxModels,
        boolean needsBase,
        boolean optionalBase,
        AuxiliaryInput auxiliary,
        Map<MergeParameter, Double> perModel,
        Map<MergeParameter, Double> global) {

    /**
     * The "default" of a parameter a recipe never gives, because the merge computes it from its inputs
     * ({@code fisher_norm}); reading it without a value is an error.
     */
    static final double COMPUTED = Double.NaN;

    /** Copies, in {@link MergeParameter} order. */
    MethodSignature {
        perModel = ordered(perModel);
        global = ordered(global);
    }

    static MethodSignature of(int minModels, int maxModels, boolean needsBase,
            Map<MergeParameter, Double> perModel, Map<MergeParameter, Double> global) {
        return new MethodSignature(minModels, maxModels, needsBase, false, AuxiliaryInput.NONE, perModel, global);
    }

    /** This signature, taking a base or none (the method works on task vectors when one is given). */
    MethodSignature withOptionalBase() {
        return new MethodSignature(minModels, maxModels, false, true, auxiliary, perModel, global);
    }

    /** This signature, reading {@code input} per model (the Fisher diagonal, the input Gram matrices). */
    MethodSignature withAuxiliary(AuxiliaryInput input) {
        return new MethodSignature(minModels, maxModels, needsBase, optionalBase, input, perModel, global);
    }

    private static Map<MergeParameter, Double> ordered(Map<MergeParameter, Double> parameters) {
        EnumMap<MergeParameter, Double> copy = new EnumMap<>(MergeParameter.class);
        copy.putAll(parameters);
        return Collections.unmodifiableMap(copy);
    }

    Set<String> perModelKeys() {
        return names(perModel.keySet());
    }

    Set<String> globalKeys() {
        return names(global.keySet());
    }

    /** Model {@code model}'s value of per-model {@code parameter} in {@code request}, else its default. */
    double perModel(MergeRequest request, int model, MergeParameter parameter) {
        return valueOrDefault(request.perModelParameters().get(model), parameter, perModel, "per-model");
    }

    /** The value of global {@code parameter} in {@code given}, else its default. */
    double global(Map<String, Double> given, MergeParameter parameter) {
        return valueOrDefault(given, parameter, global, "global");
    }

    /** The value of global {@code parameter} in {@code request}, else its default. */
    double global(MergeRequest request, MergeParameter parameter) {
        return global(request.globalParameters(), parameter);
    }

    /** A global flag ({@code normalize}, {@code normalize_fishers}): its value or default is not 0. */
    boolean globalFlag(MergeRequest request, MergeParameter parameter) {
        return global(request, parameter) != 0.0;
    }

    /**
     * Every model's {@code weight} for a method that averages with them (fisher, regmean): each &ge; 0, not all 0.
     *
     * @param where the method and tensor, for the message
     */
    double[] nonNegativeWeights(MergeRequest request, String where) {
        double[] weights = new double[request.modelCount()];
        double total = 0.0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = perModel(request, i, MergeParameter.WEIGHT);
            if (weights[i] < 0.0) {
                throw new IllegalArgumentException(where + ": weight of model " + i + " is " + weights[i]
                        + "; a weighted average needs weights >= 0");
            }
            total += weights[i];
        }
        if (total <= 0.0) {
            throw new IllegalArgumentException(where + ": all weights are 0");
        }
        return weights;
    }

    private static double valueOrDefault(Map<String, Double> given, MergeParameter parameter,
            Map<MergeParameter, Double> declared, String kind) {
        Double fallback = declared.get(parameter);
        if (fallback == null) {
            throw new IllegalStateException("the signature has no " + kind + " parameter '" + parameter.key() + "'");
        }
        Double value = given.get(parameter.key());
        if (value == null && Double.isNaN(fallback)) {
            throw new IllegalStateException("parameter '" + parameter.key() + "' is computed by the merge and has no"
                    + " default; none was given");
        }
        return value != null ? value : fallback;
    }

    void check(String method, MergeRequest request) {
        String where = "method '" + method + "', tensor '" + request.tensorName() + "'";
        int n = request.modelCount();
        if (n < minModels || n > maxModels) {
            String wanted = minModels == maxModels ? "exactly " + minModels
                    : maxModels == Integer.MAX_VALUE ? "at least " + minModels
                    : "between " + minModels + " and " + maxModels;
            throw new IllegalArgumentException(where + ": needs " + wanted + " models, got " + n);
        }
        if (needsBase && request.base() == null) {
            throw new IllegalArgumentException(where + ": needs a base model, none given");
        }
        if (!needsBase && !optionalBase && request.base() != null) {
            throw new IllegalArgumentException(where + ": takes no base model, but one was given");
        }
        checkAuxiliary(request, where);
        for (int i = 0; i < n; i++) {
            requireKnown(request.perModelParameters().get(i), perModelKeys(), where + ", model " + i, "per-model");
        }
        requireKnown(request.globalParameters(), globalKeys(), where, "global");
    }

    /**
     * Fisher: one array per model of the tensor's length. Gram: none (a tensor without Grams), or one d x d array
     * per model, with d the elements of one row of the weight (shape [out, ...]). None: no arrays.
     */
    private void checkAuxiliary(MergeRequest request, String where) {
        switch (auxiliary) {
            case NONE -> {
                if (request.auxiliary() != null) {
                    throw new IllegalArgumentException(where + ": takes no auxiliary arrays, but some were given");
                }
            }
            case FISHER_DIAGONAL -> {
                if (request.auxiliary() == null) {
                    throw new IllegalArgumentException(where + ": needs one Fisher array per model, none given");
                }
                for (int i = 0; i < request.modelCount(); i++) {
                    if (request.auxiliary().get(i).length != request.length()) {
                        throw new IllegalArgumentException(where + ": the Fisher array of model " + i + " has "
                                + request.auxiliary().get(i).length + " elements, the tensor " + request.length());
                    }
                }
            }
            case INPUT_GRAM -> {
                if (request.auxiliary() == null) {
                    return;
                }
                long[] shape = request.shape();
                if (shape.length < 2) {
                    throw new IllegalArgumentException(where + ": input Gram matrices were given for a tensor of"
                            + " shape " + java.util.Arrays.toString(shape) + "; they belong to weights [out, in, ...]"
                            + " of at least two dimensions");
                }
                long d = request.length() / shape[0];
                for (int i = 0; i < request.modelCount(); i++) {
                    if (request.auxiliary().get(i).length != d * d) {
                        throw new IllegalArgumentException(where + ": the Gram matrix of model " + i + " has "
                                + request.auxiliary().get(i).length + " elements; a weight of shape "
                                + java.util.Arrays.toString(shape) + " has " + d + " input features, so its Gram"
                                + " matrix is [" + d + ", " + d + "]");
                    }
                }
            }
        }
    }

    private static void requireKnown(Map<String, Double> given, Set<String> names, String where, String kind) {
        for (String key : given.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException(where + ": does not take " + kind + " parameter '" + key
                        + "'; takes: " + (names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names))));
            }
        }
    }

    private static Set<String> names(Set<MergeParameter> parameters) {
        return parameters.stream().map(MergeParameter::key).collect(Collectors.toUnmodifiableSet());
    }
}
