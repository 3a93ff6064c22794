package org.mergelab.plan;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mergelab.config.ConfigException;
import org.mergelab.config.Grids;
import org.mergelab.merge.AuxiliaryInput;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.merge.MergeRequest;

/**
 * The (method, coefficient) points a policy's search evaluates, each with the parameters of an N-model merge.
 *
 * <p>Default grids are the method study's ({@code examples/methods-fashion-mnist.yaml}): {@code linear} over
 * {@code alpha} = 0, 0.1, ..., 1 (weights 1 - alpha and alpha) with two candidates, equal weights with more;
 * {@code slerp} over {@code t} = 0, 0.1, ..., 1 (two candidates only); {@code task_arithmetic} at lambda 0.5, 1, 1.5;
 * {@code ties} at density 0.2 and 0.5 with lambda 1; {@code dare_ties} at density 0.3; every other method at its own
 * defaults (one point). A policy entry with parameters replaces the default: a number is fixed, a list is a grid
 * (every combination, the last key varying fastest). A per-model key applies to every candidate; the policy's
 * {@code weights} give the per-model {@code weight} of the methods that take one, unless the point sets
 * {@code alpha} or {@code weight}.
 */
public final class SearchSpace {

    private SearchSpace() {}

    /** linear's coefficient in a policy: the weight of the second candidate (two candidates only). */
    public static final String ALPHA = "alpha";

    private static final List<Double> UNIT_GRID = List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

    /**
     * One point of the search.
     *
     * @param method the registry name
     * @param point the parameter values of this point as the policy writes them (fixed and grid, {@code alpha}
     *     included), in the entry's order
     * @param perModel one parameter map per candidate, as the merge takes them
     * @param global the merge's global parameters
     * @param seeded true when the method draws random numbers (evaluated with one mask per policy seed)
     */
    public record Point(String method, Map<String, Double> point, List<Map<String, Double>> perModel,
            Map<String, Double> global, boolean seeded) {

        /** Copies. */
        public Point {
            point = Collections.unmodifiableMap(new LinkedHashMap<>(point));
            List<Map<String, Double>> pm = new ArrayList<>();
            perModel.forEach(m -> pm.add(Collections.unmodifiableMap(new LinkedHashMap<>(m))));
            perModel = List.copyOf(pm);
            global = Collections.unmodifiableMap(new LinkedHashMap<>(global));
        }

        /** {@code density=0.2;lambda=1}, or empty at the method's defaults. */
        public String coefficient() {
            List<String> parts = new ArrayList<>();
            point.forEach((k, v) -> parts.add(k + "=" + number(v)));
            return String.join(";", parts);
        }

        /** {@code ties (density=0.2;lambda=1)}, or the method alone. */
        public String describe() {
            String c = coefficient();
            return c.isEmpty() ? method : method + " (" + c + ")";
        }
    }

    /**
     * Every point of a policy's search, in entry order.
     *
     * @throws ConfigException naming the entry, the key and the value; or when the points exceed the budget
     */
    public static List<Point> of(MergePolicy policy) {
        int n = policy.candidates().size();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < policy.methods().size(); i++) {
            MergePolicy.MethodEntry entry = policy.methods().get(i);
            String where = policy.file() + ": search.methods[" + i + "] (" + entry.method() + ")";
            MergeMethod method;
            try {
                method = MergeMethods.byName(entry.method());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(policy.file() + ": search.methods[" + i + "]: " + e.getMessage());
            }
            if (method.recipeBaseIsFirstModel() && n != 2) {
                throw new ConfigException(where + ": " + method.name() + " merges exactly two models and the policy has "
                        + n + " candidates");
            }
            Map<String, List<Double>> grid = entry.explicit() ? entry.parameters() : defaultGrid(method.name(), n);
            if (grid.containsKey(ALPHA)) {
                if (!method.name().equals("linear") || n != 2) {
                    throw new ConfigException(where + ": 'alpha' is the coefficient of linear with two candidates");
                }
                if (grid.containsKey("weight")) {
                    throw new ConfigException(where + ": give 'alpha' or 'weight', not both");
                }
                for (double a : grid.get(ALPHA)) {
                    if (!(a >= 0 && a <= 1)) {
                        throw new ConfigException(where + ".alpha: " + a + " is outside [0, 1]");
                    }
                }
            }
            for (Map<String, Double> values : Grids.combinations(grid)) {
                Point p = point(method, values, policy.weights(), n);
                try {
                    MergeMethods.checkParameters(method, p.perModel(), p.global(), where);
                    tinyMerge(method, p, n, where);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
                points.add(p);
            }
        }
        if (points.size() > policy.budget()) {
            Map<String, Integer> perMethod = new LinkedHashMap<>();
            points.forEach(p -> perMethod.merge(p.method(), 1, Integer::sum));
            throw new ConfigException(policy.file() + ": search.budget: the methods' grids hold " + points.size()
                    + " (method, coefficient) points " + perMethod + ", above the budget of " + policy.budget()
                    + "; raise the budget or give shorter grids");
        }
        return points;
    }

    /** The method study's grid of a method (see the class Javadoc). */
    static Map<String, List<Double>> defaultGrid(String method, int candidates) {
        Map<String, List<Double>> g = new LinkedHashMap<>();
        switch (method) {
            case "linear" -> {
                if (candidates == 2) {
                    g.put(ALPHA, UNIT_GRID);
                }
            }
            case "slerp" -> g.put("t", UNIT_GRID);
            case "task_arithmetic" -> g.put("lambda", List.of(0.5, 1.0, 1.5));
            case "ties" -> {
                g.put("density", List.of(0.2, 0.5));
                g.put("lambda", List.of(1.0));
            }
            case "dare_ties" -> g.put("density", List.of(0.3));
            default -> { }
        }
        return g;
    }

    private static Point point(MergeMethod method, Map<String, Double> values, List<Double> weights, int n) {
        List<Map<String, Double>> perModel = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perModel.add(new LinkedHashMap<>());
        }
        Map<String, Double> global = new LinkedHashMap<>();
        boolean weightSet = false;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getKey().equals(ALPHA)) {
                perModel.get(0).put("weight", 1 - e.getValue());
                perModel.get(1).put("weight", e.getValue());
                weightSet = true;
            } else if (method.perModelParameters().contains(e.getKey())) {
                perModel.forEach(m -> m.put(e.getKey(), e.getValue()));
                weightSet |= e.getKey().equals("weight");
            } else {
                global.put(e.getKey(), e.getValue());
            }
        }
        if (!weightSet && !weights.isEmpty() && method.perModelParameters().contains("weight")) {
            for (int i = 0; i < n; i++) {
                perModel.get(i).put("weight", weights.get(i));
            }
        }
        if (perModel.stream().allMatch(Map::isEmpty)) {
            perModel = List.of();
        }
        return new Point(method.name(), values, perModel, global, method.drawsRandomNumbers());
    }

    /** A merge of N two-element models checks what the parameter check cannot (model counts, combinations). */
    private static void tinyMerge(MergeMethod method, Point p, int n, String where) {
        if (method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM) {
            return; // a Gram merge needs 2-D weights; its parameters were checked above
        }
        List<float[]> models = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            models.add(new float[] {1 + i, 2 - 0.5f * i});
        }
        MergeRequest.Builder b = MergeRequest.builder().setTensorName(where).setModels(models)
                .optShape(new long[] {1, 2}).optPerModelParameters(p.perModel()).optGlobalParameters(p.global());
        if (method.acceptsBaseModel()) {
            b.optBase(new float[] {1, 1});
        }
        if (method.auxiliaryInput() == AuxiliaryInput.FISHER_DIAGONAL) {
            List<float[]> aux = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                aux.add(new float[] {1, 1});
            }
            b.optAuxiliary(aux);
        }
        try {
            method.merge(b.build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("tensor '" + where + "'", where));
        }
    }

    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }
}
