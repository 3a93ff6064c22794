package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.mergelab.merge.AuxiliaryInput;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.merge.MergeRequest;

/**
 * One entry of an experiment's {@code merges:} list (PROTOCOL.md, "Any merge method on the same probes"): a method of
 * the merge library, with fixed parameters and a grid for its coefficients, that merges theta1 and theta2 (theta0 as
 * the base for the methods that take one) in every protocol, regime and BatchNorm policy.
 *
 * <pre>  {method: linear, alpha: grid}                        # weights (1 - alpha, alpha); grid: the experiment's alphas
 *   {method: task_arithmetic, lambda: [0.5, 1.0, 1.5]}
 *   {method: ties, density: [0.2, 0.5], lambda: [1.0]}    # every combination of the lists
 *   {method: dare_ties, density: [0.3], mask_seeds: 3}    # 3 random masks per training seed
 *   {method: fisher, samples: 256}                       # statistics on each endpoint's own task</pre>
 *
 * A parameter is a number (fixed) or a list of numbers (a grid); {@code grid} stands for the experiment's alphas. A
 * per-model key (weight, density, ...) applies to both endpoints; a global key to the merge. {@code alpha} is
 * mergelab's coefficient of {@code linear} (weights 1 - alpha and alpha; without it, equal weights).
 * {@code mask_seeds} (default 1) is for methods that draw random masks; {@code samples} (default 256) is the
 * images of the Fisher or Gram estimate of {@code fisher} and {@code regmean}.
 *
 * @param method the method's registry name
 * @param fixed parameter key to its one value, in the order given
 * @param grid parameter key to its values (the coefficient), in the order given; {@code grid} already replaced by
 *     the alphas when the spec is resolved
 * @param gridIsAlphas keys whose value was written {@code grid}
 * @param maskSeeds random masks per training seed
 * @param samples images of a Fisher or Gram estimate
 */
public record MergeSpec(String method, Map<String, Double> fixed, Map<String, List<Double>> grid, List<String> gridIsAlphas,
        int maskSeeds, int samples) {

    /** linear's coefficient: the weight of theta2. */
    static final String ALPHA = "alpha";

    /** Default images of a statistic estimate. */
    static final int DEFAULT_SAMPLES = 256;

    /** Copies. */
    public MergeSpec {
        Objects.requireNonNull(method, "method");
        fixed = Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
        Map<String, List<Double>> g = new LinkedHashMap<>();
        grid.forEach((k, v) -> g.put(k, List.copyOf(v)));
        grid = Collections.unmodifiableMap(g);
        gridIsAlphas = List.copyOf(gridIsAlphas);
    }

    /**
     * Reads one {@code merges:} entry as a YAML mapping; {@code grid} values are kept as markers until
     * {@link #resolve} replaces them by the alphas.
     *
     * @throws IllegalArgumentException naming the key and the value
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static MergeSpec fromMap(Map<String, Object> entry) {
        Object name = entry.get("method");
        if (!(name instanceof String method)) {
            throw new IllegalArgumentException("merges: each entry needs 'method: NAME', found " + entry);
        }
        Map<String, Double> fixed = new LinkedHashMap<>();
        Map<String, List<Double>> grid = new LinkedHashMap<>();
        List<String> alphas = new ArrayList<>();
        int maskSeeds = 1;
        int samples = DEFAULT_SAMPLES;
        String where = "merges[" + method + "]";
        for (Map.Entry<String, Object> e : entry.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            switch (key) {
                case "method" -> { }
                case "mask_seeds" -> maskSeeds = positiveInt(value, where + ".mask_seeds");
                case "samples" -> samples = positiveInt(value, where + ".samples");
                default -> {
                    if ("grid".equals(value)) {
                        alphas.add(key);
                        grid.put(key, List.of());
                    } else if (value instanceof Number n) {
                        fixed.put(key, n.doubleValue());
                    } else if (value instanceof List<?> list && !list.isEmpty()) {
                        List<Double> values = new ArrayList<>();
                        for (Object v : list) {
                            if (!(v instanceof Number n)) {
                                throw new IllegalArgumentException(where + "." + key + ": " + v + " in " + list
                                        + " is not a number");
                            }
                            values.add(n.doubleValue());
                        }
                        grid.put(key, values);
                    } else {
                        throw new IllegalArgumentException(where + "." + key + ": expected a number, a non-empty list of"
                                + " numbers, or 'grid' (the experiment's alphas), found " + value);
                    }
                }
            }
        }
        return new MergeSpec(method, fixed, grid, alphas, maskSeeds, samples);
    }

    private static int positiveInt(Object value, String where) {
        if (!(value instanceof Integer i) || i < 1) {
            throw new IllegalArgumentException(where + ": expected a whole number >= 1, found " + value);
        }
        return i;
    }

    /** The entry as written back to {@code experiment.yaml} (with {@code grid} where it was given). */
    @JsonValue
    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        fixed.forEach(out::put);
        grid.forEach((k, v) -> out.put(k, gridIsAlphas.contains(k) ? "grid" : v));
        if (maskSeeds != 1) {
            out.put("mask_seeds", maskSeeds);
        }
        if (samples != DEFAULT_SAMPLES) {
            out.put("samples", samples);
        }
        return out;
    }

    /**
     * This spec with {@code grid} replaced by {@code alphas}, checked against its method: the method exists, merges
     * two models (with theta0 as base where it takes one), takes every key, every value in range.
     *
     * @param index the entry's position, for messages
     * @throws IllegalArgumentException naming {@code merges[index]}, the key and the value
     */
    MergeSpec resolve(List<Double> alphas, int index) {
        String where = "merges[" + index + "] (" + method + ")";
        MergeMethod m;
        try {
            m = MergeMethods.byName(method);
        } catch (IllegalArgumentException e) {
            // no cause: config readers report the innermost message, and this one names the entry
            throw new IllegalArgumentException("merges[" + index + "]: " + e.getMessage());
        }
        Map<String, List<Double>> resolved = new LinkedHashMap<>();
        grid.forEach((k, v) -> resolved.put(k, gridIsAlphas.contains(k) ? alphas : v));
        MergeSpec spec = new MergeSpec(method, fixed, resolved, gridIsAlphas, maskSeeds, samples);
        if (maskSeeds > 1 && !m.drawsRandomNumbers()) {
            throw new IllegalArgumentException(where + ".mask_seeds: " + maskSeeds + ", but " + method
                    + " draws no random numbers (only dare_* and della* do)");
        }
        if (samples != DEFAULT_SAMPLES && !m.needsAuxiliary()) {
            throw new IllegalArgumentException(where + ".samples: only fisher and regmean estimate statistics");
        }
        boolean hasAlpha = fixed.containsKey(ALPHA) || grid.containsKey(ALPHA);
        if (hasAlpha && !method.equals("linear")) {
            throw new IllegalArgumentException(where + ": 'alpha' is the coefficient of linear only");
        }
        if (hasAlpha && (fixed.containsKey("weight") || grid.containsKey("weight"))) {
            throw new IllegalArgumentException(where + ": give 'alpha' (weights 1 - alpha and alpha) or 'weight', not both");
        }
        for (Map<String, Double> point : spec.points()) {
            for (double a : point.containsKey(ALPHA) ? List.of(point.get(ALPHA)) : List.<Double>of()) {
                if (!(a >= 0 && a <= 1)) {
                    throw new IllegalArgumentException(where + ".alpha: " + a + " is outside [0, 1]");
                }
            }
            Parameters p = spec.parameters(point);
            MergeMethods.checkParameters(m, p.perModel(), p.global(), where);
            // a tiny merge of two models (theta0 as base where the method takes one) checks the rest: model counts
            tinyMerge(m, List.of(new float[] {1, 2}, new float[] {2, 1}), p, where);
        }
        return spec;
    }

    /**
     * Checks what {@link MergeMethods#checkParameters} cannot (model counts, combinations of values) by merging one
     * tensor of two elements per model, with a base where the method takes one and unit Fisher diagonals where it
     * reads them.
     *
     * @param models one two-element tensor per model
     * @param where names the config entry in messages
     * @throws IllegalArgumentException naming {@code where}
     */
    static void tinyMerge(MergeMethod m, List<float[]> models, Parameters p, String where) {
        MergeRequest.Builder probe = MergeRequest.builder().setTensorName(where).setModels(models)
                .optShape(new long[] {1, 2}).optPerModelParameters(p.perModel()).optGlobalParameters(p.global());
        if (m.acceptsBaseModel()) {
            probe.optBase(new float[] {1, 1});
        }
        if (m.auxiliaryInput() == AuxiliaryInput.FISHER_DIAGONAL) {
            probe.optAuxiliary(models.stream().map(x -> new float[] {1, 1}).toList());
        }
        try {
            m.merge(probe.build());
        } catch (IllegalArgumentException e) {
            // no cause: config readers report the innermost message, and this one names the entry
            throw new IllegalArgumentException(e.getMessage().replace("tensor '" + where + "'", where));
        }
    }

    /** What determines this entry's results, grids resolved: part of a merge unit's key. */
    Map<String, Object> keyTree() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        out.put("fixed", fixed);
        out.put("grid", grid);
        out.put("mask_seeds", maskSeeds);
        out.put("samples", samples);
        return out;
    }

    /** A file-name-safe form of {@link #displayName()}. */
    String slug() {
        return displayName().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+$", "");
    }

    /** Every coefficient point: one value per grid key, in the order given, the last key varying fastest. */
    List<Map<String, Double>> points() {
        return org.mergelab.config.Grids.combinations(grid);
    }

    /**
     * A merge's parameters.
     *
     * @param perModel one parameter map per model (theta1's and theta2's in the method study)
     * @param global the merge's global parameters
     */
    record Parameters(List<Map<String, Double>> perModel, Map<String, Double> global) {}

    /** The parameters of the merge at {@code point}: per-model keys for both endpoints, the rest global. */
    Parameters parameters(Map<String, Double> point) {
        MergeMethod m = MergeMethods.byName(method);
        Map<String, Double> all = new LinkedHashMap<>(fixed);
        all.putAll(point);
        Map<String, Double> one = new LinkedHashMap<>();
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, Double> second = new LinkedHashMap<>();
        Map<String, Double> global = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : all.entrySet()) {
            if (e.getKey().equals(ALPHA)) {
                first.put("weight", 1 - e.getValue());
                second.put("weight", e.getValue());
            } else if (m.perModelParameters().contains(e.getKey())) {
                one.put(e.getKey(), e.getValue());
            } else {
                global.put(e.getKey(), e.getValue());
            }
        }
        first.putAll(one);
        second.putAll(one);
        return new Parameters(List.of(first, second), global);
    }

    /** The fixed parameters as {@code key=value;...} (empty when none): the {@code params} column of merges.csv. */
    String paramsLabel() {
        return label(fixed);
    }

    /** A coefficient point as {@code key=value;...}: the {@code coefficient} column of merges.csv. */
    static String label(Map<String, Double> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + "=" + number(v)));
        return String.join(";", parts);
    }

    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }

    /** The name that identifies this entry in tables: the method, with its fixed parameters when it has any. */
    String displayName() {
        return fixed.isEmpty() ? method : method + " (" + paramsLabel() + ")";
    }
}
