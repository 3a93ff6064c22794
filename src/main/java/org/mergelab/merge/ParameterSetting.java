package org.mergelab.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One recipe parameter's value as a function of the tensor: its name and its layer position t in [0, 1] (see
 * {@link LayerPositions}). The rules are mergekit's ({@code config.evaluate_setting}):
 *
 * <ul>
 *   <li>a scalar ({@code 0.5}, {@code true}, {@code inverse_density}) holds for every tensor;
 *   <li>a list of numbers (booleans count as 0 and 1) is a gradient, interpolated linearly at s = t·(k − 1) for k
 *       entries: (1 − f)·v[i] + f·v[min(i + 1, k − 1)] with i = int(s), f = s − i;
 *   <li>any other list of scalars (names) takes entry int(t·(k − 1));
 *   <li>a list of {@code {filter: TEXT, value: V}} entries takes the first entry whose filter is absent, {@code *},
 *       or a substring of the tensor's name, and evaluates its V (a scalar or a list of scalars) at t; when none
 *       matches, the setting gives nothing and the next level decides (a model's own setting, then the top-level
 *       one, then the method's default).
 * </ul>
 *
 * A single {@code {filter, value}} mapping that is not in a list is an error, as in mergekit.
 */
sealed interface ParameterSetting {

    /** The value for tensor {@code tensorName} at layer position {@code t}, or empty where no filter matches. */
    OptionalDouble at(String tensorName, double t);

    /** True when some value depends on the layer position (a list somewhere inside). */
    boolean dependsOnLayer();

    /** The setting as the recipe wrote it, values as numbers (for the lineage). */
    JsonNode toJson();

    /** The same value everywhere. */
    record Scalar(double value) implements ParameterSetting {
        @Override
        public OptionalDouble at(String tensorName, double t) {
            return OptionalDouble.of(value);
        }

        @Override
        public boolean dependsOnLayer() {
            return false;
        }

        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.numberNode(value);
        }
    }

    /** Numbers interpolated linearly over the layers. */
    record Gradient(double[] values) implements ParameterSetting {
        @Override
        public OptionalDouble at(String tensorName, double t) {
            double scaled = t * (values.length - 1);
            int i0 = (int) scaled;
            int i1 = Math.min(values.length - 1, i0 + 1);
            double fraction = scaled - i0;
            return OptionalDouble.of((1 - fraction) * values[i0] + fraction * values[i1]);
        }

        @Override
        public boolean dependsOnLayer() {
            return values.length > 1;
        }

        @Override
        public JsonNode toJson() {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (double v : values) {
                out.add(v);
            }
            return out;
        }
    }

    /** Named values taken in steps over the layers. */
    record Steps(double[] values) implements ParameterSetting {
        @Override
        public OptionalDouble at(String tensorName, double t) {
            return OptionalDouble.of(values[(int) (t * (values.length - 1))]);
        }

        @Override
        public boolean dependsOnLayer() {
            return values.length > 1;
        }

        @Override
        public JsonNode toJson() {
            return new Gradient(values).toJson();
        }
    }

    /** The first condition whose filter matches the tensor's name. */
    record Filtered(List<Condition> conditions) implements ParameterSetting {
        public Filtered {
            conditions = List.copyOf(conditions);
        }

        @Override
        public OptionalDouble at(String tensorName, double t) {
            for (Condition c : conditions) {
                if (c.filter() == null || c.filter().equals("*") || tensorName.contains(c.filter())) {
                    return c.value().at(tensorName, t);
                }
            }
            return OptionalDouble.empty();
        }

        @Override
        public boolean dependsOnLayer() {
            return conditions.stream().anyMatch(c -> c.value().dependsOnLayer());
        }

        @Override
        public JsonNode toJson() {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (Condition c : conditions) {
                ObjectNode entry = out.addObject();
                if (c.filter() != null) {
                    entry.put("filter", c.filter());
                }
                entry.set("value", c.value().toJson());
            }
            return out;
        }
    }

    /** One entry of a {@link Filtered} setting; {@code filter} null matches every tensor. */
    record Condition(String filter, ParameterSetting value) {}

    /**
     * Reads a recipe value for {@code parameter}; {@code where} (e.g. "of model 'a'") goes into every error,
     * which also names the key and the value.
     */
    static ParameterSetting parse(JsonNode node, MergeParameter parameter, String where) {
        String key = "parameter '" + parameter.key() + "' " + where;
        if (node.isObject()) {
            throw new IllegalArgumentException(key + " is a mapping, found " + node + "; a filter is a list of"
                    + " {filter: TEXT, value: V} entries, e.g. [{filter: mlp, value: 0.5}, {value: 1}]");
        }
        if (!node.isArray()) {
            return new Scalar(scalar(node, parameter, key, where));
        }
        if (node.isEmpty()) {
            throw new IllegalArgumentException(key + " is an empty list");
        }
        boolean numbers = true;
        boolean scalars = true;
        for (JsonNode e : node) {
            numbers &= e.isNumber() || e.isBoolean();
            scalars &= e.isValueNode() && !e.isNull();
        }
        if (scalars) {
            double[] values = new double[node.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = scalar(node.get(i), parameter, key, where);
            }
            return numbers ? new Gradient(values) : new Steps(values);
        }
        List<Condition> conditions = new ArrayList<>();
        for (JsonNode e : node) {
            if (!e.isObject() || !e.has("value")) {
                throw new IllegalArgumentException(key + " mixes " + e + " into a list that is neither all scalars"
                        + " (a gradient) nor all {filter, value} entries");
            }
            for (String k : (Iterable<String>) e::fieldNames) {
                if (!k.equals("filter") && !k.equals("value")) {
                    throw new IllegalArgumentException(key + ": unsupported key '" + k + "' in " + e
                            + "; a filter entry has 'filter' and 'value'");
                }
            }
            JsonNode filter = e.get("filter");
            if (filter != null && !filter.isNull() && !filter.isTextual()) {
                throw new IllegalArgumentException(key + ": filter " + filter + " must be text");
            }
            JsonNode value = e.get("value");
            if (value.isObject() || (value.isArray() && !allScalars(value))) {
                throw new IllegalArgumentException(key + ": the value " + value + " of a filter entry must be a"
                        + " scalar or a list of scalars");
            }
            conditions.add(new Condition(filter == null || filter.isNull() ? null : filter.asText(),
                    parse(value, parameter, where)));
        }
        return new Filtered(conditions);
    }

    private static boolean allScalars(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isValueNode() || e.isNull()) {
                return false;
            }
        }
        return true;
    }

    /** One scalar, checked against the parameter's range. */
    private static double scalar(JsonNode value, MergeParameter parameter, String key, String where) {
        double number;
        if (value.isBoolean()) {
            number = value.booleanValue() ? 1.0 : 0.0;
        } else if (value.isNumber()) {
            number = value.doubleValue();
        } else if (value.isTextual() && parameter.valueNamed(value.asText()).isPresent()) {
            number = parameter.valueNamed(value.asText()).getAsDouble();
        } else {
            throw new IllegalArgumentException(key + " must be " + parameter.range() + ", found " + value);
        }
        parameter.check(number, where);
        return number;
    }
}
