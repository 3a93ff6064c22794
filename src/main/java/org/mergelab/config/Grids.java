package org.mergelab.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parameter grids as configs write them: a list of values per key, expanded into every combination. */
public final class Grids {

    private Grids() {}

    /**
     * Every combination of a grid: one value per key, keys in the grid's order, the last key varying fastest. An
     * empty grid has one combination, the empty one.
     */
    public static List<Map<String, Double>> combinations(Map<String, List<Double>> grid) {
        List<Map<String, Double>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Double>> e : grid.entrySet()) {
            List<Map<String, Double>> next = new ArrayList<>();
            for (Map<String, Double> p : points) {
                for (double v : e.getValue()) {
                    Map<String, Double> q = new LinkedHashMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points.stream().map(Collections::unmodifiableMap).toList();
    }
}
