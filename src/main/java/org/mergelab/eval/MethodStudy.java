package org.mergelab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The figures of the method study (PROTOCOL.md, "Any merge method on the same probes") from {@link MergeRow}s:
 * retention of each cue under each merge, balanced retention, the coefficient chosen on the selection subset, and
 * the reported figures on the test subset at that coefficient.
 *
 * <ul>
 *   <li>Retention of cue c: adv_c(merge) / adv_c(the endpoint that learned c, same BatchNorm policy and subset),
 *       adv_c = acc(c) − acc(base); the first cue of a protocol is theta1's, the second theta2's (a protocol with
 *       one cue twice: theta1's). Undefined when the endpoint's advantage is below {@link #MIN_ADVANTAGE}.
 *       Accuracies of a seeded method are averaged over its masks within a training seed first.
 *   <li>Balanced retention: min(R_first, R_second) in the selection protocol: the first protocol whose two cues
 *       differ (task-specific); without one, the first protocol's R_first.
 *   <li>Selection: per method (with its fixed parameters) × regime × BatchNorm policy, the coefficient point with the
 *       largest mean over seeds of the balanced retention on the selection subset (the first such point on ties;
 *       none when it is undefined at every point).
 *   <li>Reported on the test subset at the chosen point, per seed then mean ± SE: every protocol's cue retentions,
 *       the selection protocol's balanced retention, and base retention = acc(base) − acc_pretrained(base), in
 *       points, in the selection protocol.
 * </ul>
 */
public final class MethodStudy {

    /** Below this endpoint advantage a retention is undefined (PROTOCOL.md). */
    public static final double MIN_ADVANTAGE = 0.02;

    private MethodStudy() {}

    /**
     * One method (with its fixed parameters) in one regime and BatchNorm policy, at its selected coefficient.
     *
     * @param method the method's name
     * @param params its fixed parameters
     * @param regime the regime
     * @param bnPolicy the BatchNorm policy
     * @param coefficient the chosen coefficient point, or null when no point had a defined score
     * @param selectionScore the mean over seeds of the balanced retention on the selection subset at that point
     * @param retention protocol name, then cue name, to the retention on the test subset (the shared protocol's cue
     *     under its name, e.g. {@code shared}/{@code color})
     * @param balancedRetention the selection protocol's balanced retention on the test subset
     * @param baseRetention acc(base) − acc_pretrained(base) on the test subset, selection protocol
     */
    public record Row(String method, String params, Regime regime, BatchNormPolicy bnPolicy, String coefficient,
            Double selectionScore, Map<String, Map<String, Statistic>> retention, Statistic balancedRetention,
            Statistic baseRetention) {}

    /**
     * Incremental minus parallel of the balanced retention at each regime's selected coefficient, per seed.
     *
     * @param method the method's name
     * @param params its fixed parameters
     * @param bnPolicy the BatchNorm policy
     * @param difference per-seed incremental − parallel, then mean ± SE
     */
    public record RegimeDifference(String method, String params, BatchNormPolicy bnPolicy, Statistic difference) {}

    /**
     * One (method, protocol, regime, seed, cue) at the method's selected coefficient: the measured retention on the
     * test subset against the one predicted from the weights ({@link MergeRow#predictedFirst()}), both averaged over
     * masks.
     */
    public record PredictorPoint(String method, String params, String protocol, Regime regime, long seed, String cue,
            double measured, double predicted) {}

    /**
     * How well the predicted retention ranks the measured one under one BatchNorm policy: Spearman's rank correlation
     * over every point with both values defined.
     *
     * @param bnPolicy the BatchNorm policy
     * @param spearman the correlation, null when undefined (fewer than 2 points, or one side constant)
     * @param n points used
     * @param points the points
     */
    public record Predictor(BatchNormPolicy bnPolicy, Double spearman, int n, List<PredictorPoint> points) {}

    /**
     * The study.
     *
     * @param selectionProtocol the protocol whose balanced retention chooses the coefficients
     * @param rows one per method × regime × BatchNorm policy
     * @param incrementalMinusParallel per method × BatchNorm policy, when both regimes ran
     * @param predictor per BatchNorm policy, the rank correlation of predicted and measured retention
     */
    public record Result(String selectionProtocol, List<Row> rows, List<RegimeDifference> incrementalMinusParallel,
            List<Predictor> predictor) {}

    /**
     * Computes the study.
     *
     * @param rows every row of {@code merges.csv}
     * @param pretrained theta0's probe accuracies per seed (test subset)
     * @param protocols the protocols, in config order
     */
    public static Result compute(List<MergeRow> rows, List<ProbeAccuracy> pretrained, List<ProtocolDefinition> protocols) {
        ProtocolDefinition selection = selectionProtocol(protocols);
        Set<Long> seeds = new java.util.TreeSet<>();
        rows.forEach(r -> seeds.add(r.seed()));
        Set<Study> studies = studies(rows);
        Index index = new Index(rows);
        List<Row> out = new ArrayList<>();
        Map<Study, Row> byStudy = new LinkedHashMap<>();
        Map<BatchNormPolicy, List<PredictorPoint>> predictorPoints = new LinkedHashMap<>();
        for (Study s : studies) {
            String method = s.method();
            String params = s.params();
            Regime regime = s.regime();
            BatchNormPolicy bn = s.bnPolicy();
            predictorPoints.computeIfAbsent(bn, k -> new ArrayList<>()); // reported even when no point is defined
            String chosen = null;
            double best = Double.NEGATIVE_INFINITY;
            for (String point : index.points(method, params, regime, bn)) {
                Statistic score = Statistic.of(perSeed(seeds, seed -> balanced(index, selection, seed, regime, bn, method,
                        params, point, MergeRow.SELECTION)));
                if (score.mean() != null && score.mean() > best) {
                    best = score.mean();
                    chosen = point;
                }
            }
            Map<String, Map<String, Statistic>> retention = new LinkedHashMap<>();
            Statistic balanced = Statistic.of(List.of());
            Statistic base = Statistic.of(List.of());
            if (chosen != null) {
                String point = chosen;
                for (ProtocolDefinition p : protocols) {
                    Map<String, Statistic> cues = new LinkedHashMap<>();
                    for (String cue : new LinkedHashSet<>(List.of(p.firstCue(), p.secondCue()))) {
                        cues.put(cue, Statistic.of(perSeed(seeds, seed -> retention(index, p, cue, seed, regime, bn, method,
                                params, point, MergeRow.TEST))));
                    }
                    retention.put(p.name(), cues);
                }
                balanced = Statistic.of(perSeed(seeds, seed -> balanced(index, selection, seed, regime, bn, method, params,
                        point, MergeRow.TEST)));
                base = Statistic.of(perSeed(seeds, seed -> baseRetention(index, pretrained, selection, seed, regime, bn,
                        method, params, point)));
            }
            if (chosen != null) {
                for (ProtocolDefinition p : protocols) {
                    for (String cue : new LinkedHashSet<>(List.of(p.firstCue(), p.secondCue()))) {
                        for (long seed : seeds) {
                            Double measured = retention(index, p, cue, seed, regime, bn, method, params, chosen, MergeRow.TEST);
                            Double predicted = index.predicted(seed, p.name(), regime, bn, method, params, chosen,
                                    cue.equals(p.firstCue()));
                            if (measured != null && predicted != null) {
                                predictorPoints.computeIfAbsent(bn, k -> new ArrayList<>()).add(new PredictorPoint(method,
                                        params, p.name(), regime, seed, cue, measured, predicted));
                            }
                        }
                    }
                }
            }
            Row row = new Row(method, params, regime, bn, chosen, chosen == null ? null : best, retention, balanced, base);
            out.add(row);
            byStudy.put(s, row);
        }
        List<RegimeDifference> differences = new ArrayList<>();
        for (Study s : studies) {
            if (s.regime() != Regime.INCREMENTAL) {
                continue;
            }
            Row inc = byStudy.get(s);
            Row par = byStudy.get(new Study(s.method(), s.params(), Regime.PARALLEL, s.bnPolicy()));
            if (par == null) {
                continue;
            }
            List<Double> diff = new ArrayList<>();
            for (int i = 0; i < seeds.size(); i++) {
                Double a = inc.balancedRetention().perSeed().size() > i ? inc.balancedRetention().perSeed().get(i) : null;
                Double b = par.balancedRetention().perSeed().size() > i ? par.balancedRetention().perSeed().get(i) : null;
                diff.add(a == null || b == null ? null : a - b);
            }
            differences.add(new RegimeDifference(inc.method(), inc.params(), inc.bnPolicy(), Statistic.of(diff)));
        }
        List<Predictor> predictor = new ArrayList<>();
        predictorPoints.forEach((bn, points) -> {
            RankCorrelation rho = RankCorrelation.spearman(points.stream().mapToDouble(PredictorPoint::predicted).toArray(),
                    points.stream().mapToDouble(PredictorPoint::measured).toArray());
            predictor.add(new Predictor(bn, Double.isNaN(rho.rho()) ? null : rho.rho(), rho.n(), points));
        });
        return new Result(selection.name(), out, differences, predictor);
    }

    /**
     * One method's curve over its coefficient points on the test subset: for each point, the per-seed figure then
     * mean ± SE over seeds (seeded methods averaged over their masks within a seed first).
     *
     * @param method the method's name
     * @param params its fixed parameters
     * @param regime the regime
     * @param bnPolicy the BatchNorm policy
     * @param protocol the protocol
     * @param cue the cue whose retention this is, or {@link #BASE} for base retention (acc(base) −
     *     acc_pretrained(base), in points) in the selection protocol
     * @param points the coefficient points, in grid order ({@code key=value;...}, empty for a method without a grid)
     * @param values one statistic per point
     */
    public record Curve(String method, String params, Regime regime, BatchNormPolicy bnPolicy, String protocol, String cue,
            List<String> points, List<Statistic> values) {}

    /** The {@link Curve#cue()} of base-retention curves. */
    public static final String BASE = "base";

    /**
     * Every method's retention of every cue of every protocol, and its base retention, over its coefficient points
     * on the test subset: the figures {@link #compute} reports at the chosen point, at every point.
     *
     * @param rows every row of {@code merges.csv}
     * @param pretrained theta0's probe accuracies per seed (test subset)
     * @param protocols the protocols, in config order
     * @return per method × regime × BatchNorm policy (in order of first appearance), each protocol's cues, then base
     */
    public static List<Curve> curves(List<MergeRow> rows, List<ProbeAccuracy> pretrained, List<ProtocolDefinition> protocols) {
        ProtocolDefinition selection = selectionProtocol(protocols);
        Set<Long> seeds = new java.util.TreeSet<>();
        rows.forEach(r -> seeds.add(r.seed()));
        Set<Study> studies = studies(rows);
        Index index = new Index(rows);
        List<Curve> out = new ArrayList<>();
        for (Study s : studies) {
            String method = s.method();
            String params = s.params();
            Regime regime = s.regime();
            BatchNormPolicy bn = s.bnPolicy();
            List<String> points = index.points(method, params, regime, bn);
            for (ProtocolDefinition p : protocols) {
                for (String cue : new LinkedHashSet<>(List.of(p.firstCue(), p.secondCue()))) {
                    List<Statistic> values = new ArrayList<>();
                    for (String point : points) {
                        values.add(Statistic.of(perSeed(seeds, seed -> retention(index, p, cue, seed, regime, bn, method,
                                params, point, MergeRow.TEST))));
                    }
                    out.add(new Curve(method, params, regime, bn, p.name(), cue, points, values));
                }
            }
            List<Statistic> base = new ArrayList<>();
            for (String point : points) {
                base.add(Statistic.of(perSeed(seeds, seed -> baseRetention(index, pretrained, selection, seed, regime, bn,
                        method, params, point))));
            }
            out.add(new Curve(method, params, regime, bn, selection.name(), BASE, points, base));
        }
        return out;
    }

    /** One method with its fixed parameters in one regime and BatchNorm policy. */
    private record Study(String method, String params, Regime regime, BatchNormPolicy bnPolicy) {}

    /** The study of every merge, in order of first appearance. */
    private static Set<Study> studies(List<MergeRow> rows) {
        Set<Study> studies = new LinkedHashSet<>();
        for (MergeRow r : rows) {
            if (!r.method().equals(MergeRow.ENDPOINT)) {
                studies.add(new Study(r.method(), r.params(), r.regime(), r.bnPolicy()));
            }
        }
        return studies;
    }

    /** The first protocol whose two cues differ (task-specific), else the first. */
    private static ProtocolDefinition selectionProtocol(List<ProtocolDefinition> protocols) {
        return protocols.stream().filter(p -> !p.firstCue().equals(p.secondCue())).findFirst().orElse(protocols.getFirst());
    }

    /** acc(base) of the merge − acc_pretrained(base), test subset, or null when either is missing. */
    private static Double baseRetention(Index index, List<ProbeAccuracy> pretrained, ProtocolDefinition selection, long seed,
            Regime regime, BatchNormPolicy bn, String method, String params, String point) {
        Double merged = index.accuracy(seed, selection.name(), regime, bn, method, params, point, MergeRow.TEST, "base");
        Double theta0 = pretrainedBase(pretrained, seed);
        return merged == null || theta0 == null ? null : merged - theta0;
    }

    private interface PerSeed {
        Double value(long seed);
    }

    private static List<Double> perSeed(Set<Long> seeds, PerSeed f) {
        List<Double> out = new ArrayList<>();
        for (long seed : seeds) {
            out.add(f.value(seed));
        }
        return out;
    }

    private static Double pretrainedBase(List<ProbeAccuracy> pretrained, long seed) {
        for (ProbeAccuracy p : pretrained) {
            if (p.seed() == seed && p.probe().equals("base")) {
                return p.accuracy();
            }
        }
        return null;
    }

    /** min(R_first, R_second) of a protocol with two cues; R_first of one with one cue. */
    static Double balanced(Index index, ProtocolDefinition p, long seed, Regime regime, BatchNormPolicy bn, String method,
            String params, String point, String subset) {
        Double first = retention(index, p, p.firstCue(), seed, regime, bn, method, params, point, subset);
        if (p.firstCue().equals(p.secondCue())) {
            return first;
        }
        Double second = retention(index, p, p.secondCue(), seed, regime, bn, method, params, point, subset);
        return first == null || second == null ? null : Math.min(first, second);
    }

    /** adv_c(merge) / adv_c(endpoint that learned c), or null when undefined or missing. */
    static Double retention(Index index, ProtocolDefinition p, String cue, long seed, Regime regime, BatchNormPolicy bn,
            String method, String params, String point, String subset) {
        String endpoint = cue.equals(p.firstCue()) ? "theta1" : "theta2";
        Double endpointAdvantage = advantage(index, seed, p.name(), regime, bn, MergeRow.ENDPOINT, "", endpoint, subset, cue);
        Double mergedAdvantage = advantage(index, seed, p.name(), regime, bn, method, params, point, subset, cue);
        if (endpointAdvantage == null || mergedAdvantage == null || endpointAdvantage < MIN_ADVANTAGE) {
            return null;
        }
        return mergedAdvantage / endpointAdvantage;
    }

    private static Double advantage(Index index, long seed, String protocol, Regime regime, BatchNormPolicy bn, String method,
            String params, String point, String subset, String cue) {
        Double withCue = index.accuracy(seed, protocol, regime, bn, method, params, point, subset, cue);
        Double base = index.accuracy(seed, protocol, regime, bn, method, params, point, subset, "base");
        return withCue == null || base == null ? null : withCue - base;
    }

    /** Accuracies by everything but the merge seed, averaged over masks. */
    static final class Index {
        private final Map<List<Object>, double[]> sums = new LinkedHashMap<>();
        private final Map<List<Object>, Set<String>> points = new LinkedHashMap<>();
        private final Map<List<Object>, double[]> predicted = new LinkedHashMap<>();

        Index(List<MergeRow> rows) {
            for (MergeRow r : rows) {
                List<Object> k = List.of(r.seed(), r.protocol(), r.regime(), r.bnPolicy(), r.method(), r.params(),
                        r.coefficient(), r.subset(), r.probe());
                double[] s = sums.computeIfAbsent(k, x -> new double[2]);
                s[0] += r.accuracy();
                s[1] += 1;
                points.computeIfAbsent(List.of(r.method(), r.params(), r.regime(), r.bnPolicy()),
                        x -> new LinkedHashSet<>()).add(r.coefficient());
                if (r.subset().equals(MergeRow.TEST) && r.probe().equals("base")) {
                    double[] p = predicted.computeIfAbsent(List.of(r.seed(), r.protocol(), r.regime(), r.bnPolicy(),
                            r.method(), r.params(), r.coefficient()), x -> new double[4]);
                    if (r.predictedFirst() != null) {
                        p[0] += r.predictedFirst();
                        p[1] += 1;
                    }
                    if (r.predictedSecond() != null) {
                        p[2] += r.predictedSecond();
                        p[3] += 1;
                    }
                }
            }
        }

        Double accuracy(long seed, String protocol, Regime regime, BatchNormPolicy bn, String method, String params,
                String point, String subset, String probe) {
            double[] s = sums.get(List.of(seed, protocol, regime, bn, method, params, point, subset, probe));
            return s == null ? null : s[0] / s[1];
        }

        /** The predicted retention of the first or second cue, averaged over masks; null when undefined. */
        Double predicted(long seed, String protocol, Regime regime, BatchNormPolicy bn, String method, String params,
                String point, boolean first) {
            double[] p = predicted.get(List.of(seed, protocol, regime, bn, method, params, point));
            if (p == null) {
                return null;
            }
            return first ? (p[1] == 0 ? null : p[0] / p[1]) : (p[3] == 0 ? null : p[2] / p[3]);
        }

        List<String> points(String method, String params, Regime regime, BatchNormPolicy bn) {
            return List.copyOf(Objects.requireNonNull(points.get(List.of(method, params, regime, bn))));
        }
    }
}
