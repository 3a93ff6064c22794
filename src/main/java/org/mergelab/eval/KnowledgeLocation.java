package org.mergelab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * "Where knowledge lives" (PROTOCOL.md) from {@link SwapRow}s: for each layer group g, the retention of theta1's
 * cue (the protocol's first) when theta1 takes g from theta2, and of theta2's cue (the second) when theta2 takes g
 * from theta1: adv_c(swap) / adv_c(endpoint), adv_c = acc(c) − acc(base), per seed then mean ± SE; undefined where
 * the endpoint's advantage is below 0.02. A large drop means the cue lives (partly) in g.
 */
public final class KnowledgeLocation {

    private KnowledgeLocation() {}

    /**
     * One layer group in one regime.
     *
     * @param protocol the protocol
     * @param regime the regime
     * @param group the layer group swapped in
     * @param firstCue the first cue (theta1's)
     * @param firstRetention its retention when theta1 takes the group from theta2
     * @param secondCue the second cue (theta2's)
     * @param secondRetention its retention when theta2 takes the group from theta1
     */
    public record GroupRetention(String protocol, Regime regime, String group, String firstCue, Statistic firstRetention,
            String secondCue, Statistic secondRetention) {}

    /** Every group of every regime, in the order of the rows. */
    public static List<GroupRetention> compute(List<SwapRow> rows, ProtocolDefinition protocol) {
        Map<List<Object>, Double> accuracy = new LinkedHashMap<>();
        Set<Long> seeds = new TreeSet<>();
        Set<Regime> regimes = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        for (SwapRow r : rows) {
            if (!r.protocol().equals(protocol.name())) {
                continue;
            }
            accuracy.put(List.of(r.seed(), r.regime(), r.model(), r.group(), r.probe()), r.accuracy());
            seeds.add(r.seed());
            regimes.add(r.regime());
            if (!r.group().equals(SwapRow.NONE)) {
                groups.add(r.group());
            }
        }
        List<GroupRetention> out = new ArrayList<>();
        for (Regime regime : regimes) {
            for (String group : groups) {
                List<Double> first = new ArrayList<>();
                List<Double> second = new ArrayList<>();
                for (long seed : seeds) {
                    first.add(retention(accuracy, seed, regime, "theta1", group, protocol.firstCue()));
                    second.add(retention(accuracy, seed, regime, "theta2", group, protocol.secondCue()));
                }
                out.add(new GroupRetention(protocol.name(), regime, group, protocol.firstCue(), Statistic.of(first),
                        protocol.secondCue(), Statistic.of(second)));
            }
        }
        return out;
    }

    private static Double retention(Map<List<Object>, Double> accuracy, long seed, Regime regime, String model, String group,
            String cue) {
        Double endpoint = advantage(accuracy, seed, regime, model, SwapRow.NONE, cue);
        Double swapped = advantage(accuracy, seed, regime, model, group, cue);
        if (endpoint == null || swapped == null || endpoint < MethodStudy.MIN_ADVANTAGE) {
            return null;
        }
        return swapped / endpoint;
    }

    private static Double advantage(Map<List<Object>, Double> accuracy, long seed, Regime regime, String model,
            String group, String cue) {
        Double withCue = accuracy.get(List.of(seed, regime, model, group, cue));
        Double base = accuracy.get(List.of(seed, regime, model, group, "base"));
        return withCue == null || base == null ? null : withCue - base;
    }
}
