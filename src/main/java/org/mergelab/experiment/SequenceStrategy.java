package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.merge.AuxiliaryInput;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;

/**
 * One entry of an experiment's {@code strategies:} list (PROTOCOL.md, "Beyond two tasks"): what the model under test
 * is after step k of a sequence. {@code none} is theta_k itself; any other name is a method of the merge library,
 * merging theta_1..theta_k in step order (theta0 as the base for methods that take one), with fixed parameters:
 *
 * <pre>  strategies: [none, trajectory_uniform, {method: trajectory_ema, beta: 0.5}, {method: task_arithmetic, lambda: 1.0},
 *                {method: ties, density: 0.2}, magmax]</pre>
 *
 * A per-model key (weight, density, ...) applies to every model. Methods that need statistics (fisher, regmean)
 * are not sequence strategies. {@code trajectory_ema} starts at theta_1.
 *
 * @param method {@code none} or the method's registry name
 * @param fixed parameter key to its value, in the order given
 */
public record SequenceStrategy(String method, Map<String, Double> fixed) {

    /** The strategy that tests theta_k itself. */
    public static final String NONE = "none";

    /** Copies. */
    public SequenceStrategy {
        Objects.requireNonNull(method, "method");
        fixed = Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
    }

    /**
     * Reads an entry: a name, or a mapping with {@code method} and numbers.
     *
     * @throws IllegalArgumentException naming the entry, the key and the value
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static SequenceStrategy fromYaml(Object entry) {
        if (entry instanceof String name) {
            return new SequenceStrategy(name, Map.of());
        }
        if (!(entry instanceof Map<?, ?> map) || !(map.get("method") instanceof String method)) {
            throw new IllegalArgumentException("strategies: each entry is a name or {method: NAME, KEY: NUMBER, ...}, found "
                    + entry);
        }
        Map<String, Double> fixed = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("method")) {
                continue;
            }
            if (!(e.getValue() instanceof Number n)) {
                throw new IllegalArgumentException("strategies[" + method + "]." + key + ": expected a number, found "
                        + e.getValue());
            }
            fixed.put(key, n.doubleValue());
        }
        return new SequenceStrategy(method, fixed);
    }

    /** The entry as written back to {@code experiment.yaml}. */
    @JsonValue
    Object toYaml() {
        if (fixed.isEmpty()) {
            return method;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        out.putAll(fixed);
        return out;
    }

    /** True for {@code none}: theta_k itself. */
    boolean isNone() {
        return method.equals(NONE);
    }

    /**
     * Checks the entry against its method: it exists, merges any number of models from one, reads no statistics,
     * takes every key, every value in range.
     *
     * @param index the entry's position, for messages
     * @throws IllegalArgumentException naming {@code strategies[index]}, the key and the value
     */
    SequenceStrategy check(int index) {
        String where = "strategies[" + index + "] (" + method + ")";
        if (isNone()) {
            if (!fixed.isEmpty()) {
                throw new IllegalArgumentException(where + ": none takes no parameters, found " + fixed.keySet());
            }
            return this;
        }
        MergeMethod m;
        try {
            m = MergeMethods.byName(method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("strategies[" + index + "]: " + e.getMessage() + ", or none");
        }
        if (m.auxiliaryInput() != AuxiliaryInput.NONE) {
            throw new IllegalArgumentException(where + ": reads statistics of each model, which sequences do not estimate");
        }
        for (int models : new int[] {1, 3}) {
            MergeSpec.Parameters p = parameters(models);
            MergeMethods.checkParameters(m, p.perModel(), p.global(), where);
            List<float[]> tiny = new ArrayList<>();
            for (int i = 0; i < models; i++) {
                tiny.add(new float[] {1 + i, 2 - i});
            }
            MergeSpec.tinyMerge(m, tiny, p, where);
        }
        return this;
    }

    /** The parameters of a merge of {@code models} models. */
    MergeSpec.Parameters parameters(int models) {
        MergeMethod m = MergeMethods.byName(method);
        Map<String, Double> one = new LinkedHashMap<>();
        Map<String, Double> global = new LinkedHashMap<>();
        fixed.forEach((k, v) -> (m.perModelParameters().contains(k) ? one : global).put(k, v));
        List<Map<String, Double>> perModel = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            perModel.add(one);
        }
        return new MergeSpec.Parameters(perModel, global);
    }

    /** What determines this strategy's results: part of a sequence unit's key. */
    Map<String, Object> keyTree() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        out.put("fixed", fixed);
        return out;
    }

    /** The name in tables and files: the method, with its parameters when it has any, e.g. {@code ties (density=0.2)}. */
    String displayName() {
        return fixed.isEmpty() ? method : method + " (" + MergeSpec.label(fixed) + ")";
    }

    /** A file-name-safe form of {@link #displayName()}. */
    String slug() {
        return displayName().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+$", "");
    }
}
