package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mergelab.eval.Regime;
import org.mergelab.eval.Statistic;
import org.mergelab.merge.WeightForensics;

/**
 * Weight forensics of a run (PROTOCOL.md, "weight forensics"), from its unit checkpoints: for every protocol and
 * regime, the task vectors τ1 = θ1 − θ0 and τ2 = θ2 − θ0 of each seed compared per layer group and for the whole
 * model ({@link WeightForensics}: norms, cosine, sign-conflict rate, each model's share of the entries TIES keeps at
 * density 0.2), then given per seed and as mean ± SE over seeds.
 */
final class ExperimentForensics {

    private ExperimentForensics() {}

    /**
     * One layer group (or the whole model) of one protocol and regime, over seeds.
     *
     * @param protocol the protocol
     * @param regime the regime
     * @param group the layer group, or {@code all}
     * @param normFirst |τ1|
     * @param normSecond |τ2|
     * @param cosine cos(τ1, τ2)
     * @param signConflictRate the sign-conflict rate
     * @param tiesShareFirst θ1's share of the entries TIES keeps at density 0.2
     */
    record GroupFigures(String protocol, Regime regime, String group, Statistic normFirst, Statistic normSecond,
            Statistic cosine, Statistic signConflictRate, Statistic tiesShareFirst) {}

    /** The figures of every protocol and regime of {@code units}, in plan order. */
    static List<GroupFigures> compute(List<ExperimentUnit> units) {
        Map<List<Object>, Map<String, List<WeightForensics.Figures>>> byPath = new LinkedHashMap<>();
        for (ExperimentUnit u : units) {
            if (!(u instanceof InterpolationUnit m) || byPath.containsKey(List.of(m.protocol(), m.regime(), m.seed()))) {
                continue; // one per protocol, regime and seed, whatever the BN policies
            }
            List<Object> key = List.of(m.protocol(), m.regime(), m.seed());
            TrainingUnit theta0 = m.first().parent();
            WeightForensics f;
            try {
                f = WeightForensics.builder().setBase(theta0.output()).setA(m.first().output()).setB(m.second().output())
                        .compute();
            } catch (IOException e) {
                throw new UncheckedIOException("forensics of " + m.name() + ": " + e.getMessage(), e);
            }
            Map<String, List<WeightForensics.Figures>> groups = new LinkedHashMap<>();
            f.groups().forEach(g -> groups.computeIfAbsent(g.name(), k -> new ArrayList<>()).add(g));
            groups.computeIfAbsent(f.total().name(), k -> new ArrayList<>()).add(f.total());
            byPath.put(key, groups);
        }
        Map<List<Object>, Map<String, List<WeightForensics.Figures>>> bySeeds = new LinkedHashMap<>();
        byPath.forEach((k, groups) -> {
            Map<String, List<WeightForensics.Figures>> merged = bySeeds.computeIfAbsent(List.of(k.get(0), k.get(1)),
                    x -> new LinkedHashMap<>());
            groups.forEach((name, figures) -> merged.computeIfAbsent(name, x -> new ArrayList<>()).addAll(figures));
        });
        List<GroupFigures> out = new ArrayList<>();
        bySeeds.forEach((k, groups) -> groups.forEach((name, figures) -> out.add(new GroupFigures((String) k.get(0),
                (Regime) k.get(1), name,
                of(figures, WeightForensics.Figures::normA), of(figures, WeightForensics.Figures::normB),
                of(figures, WeightForensics.Figures::cosine), of(figures, WeightForensics.Figures::signConflictRate),
                of(figures, g -> g.ties().isEmpty() ? Double.NaN : g.ties().getFirst().shareA())))));
        return out;
    }

    private static Statistic of(List<WeightForensics.Figures> figures,
            java.util.function.ToDoubleFunction<WeightForensics.Figures> value) {
        return Statistic.of(figures.stream().map(g -> {
            double v = value.applyAsDouble(g);
            return Double.isNaN(v) ? null : v;
        }).toList());
    }
}
