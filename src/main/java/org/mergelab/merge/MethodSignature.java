package org.mergelab.merge;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a method accepts: how many models, whether it needs a base, whether it reads auxiliary
 * arrays, and which parameter keys it takes. {@link #check} rejects any request that does not
 * fit, with a message naming the method and the tensor.
 */
record MethodSignature(
        int minModels,
        int maxModels,
        boolean needsBase,
        boolean needsAuxiliary,
        Set<MergeParameter> perModel,
        Set<MergeParameter> global) {

    MethodSignature {
        perModel = Set.copyOf(perModel);
        global = Set.copyOf(global);
    }

    static MethodSignature of(int minModels, int maxModels, boolean needsBase, boolean needsAuxiliary,
            Set<MergeParameter> perModel, Set<MergeParameter> global) {
        return new MethodSignature(minModels, maxModels, needsBase, needsAuxiliary, perModel, global);
    }

    static Set<MergeParameter> keys(MergeParameter... parameters) {
        return parameters.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(parameters));
    }

    Set<String> perModelKeys() {
        return names(perModel);
    }

    Set<String> globalKeys() {
        return names(global);
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
        if (!needsBase && request.base() != null) {
            throw new IllegalArgumentException(where + ": takes no base model, but one was given");
        }
        if (needsAuxiliary && request.auxiliary() == null) {
            throw new IllegalArgumentException(where + ": needs one auxiliary array per model, none given");
        }
        if (!needsAuxiliary && request.auxiliary() != null) {
            throw new IllegalArgumentException(where + ": takes no auxiliary arrays, but some were given");
        }
        for (int i = 0; i < n; i++) {
            requireKnown(request.perModelParameters().get(i), perModel, where + ", model " + i, "per-model");
        }
        requireKnown(request.globalParameters(), global, where, "global");
    }

    private static void requireKnown(Map<String, Double> given, Set<MergeParameter> accepted, String where,
            String kind) {
        Set<String> names = names(accepted);
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
