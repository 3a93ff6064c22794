package org.mergelab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The figures of the longer sequences (PROTOCOL.md, "Beyond two tasks") from the probe rows of every step: per
 * sequence, BatchNorm policy, regime and strategy, the accuracy matrix A and the advantage matrix A_adv (mean over
 * seeds per cell), and after every step ACC, BWT and forgetting on both ({@link SequenceMetrics}), with base
 * knowledge apart (its change from theta0, and its forgetting), each per seed first, then mean and SE. Finding 3 at
 * length: per task-specific sequence, BatchNorm policy and strategy, incremental minus parallel on the accuracy of
 * the first task's cue after each step, per seed, then mean and SE.
 */
public final class SequenceStudy {

    private SequenceStudy() {}

    /** Task-specific: every cue of the sequence is different. */
    public static final String TASK_SPECIFIC = "task-specific";

    /** Shared: one cue every time. */
    public static final String SHARED = "shared";

    /**
     * The figures after one step.
     *
     * @param step k, from 1
     * @param acc ACC on A (accuracy on the cues of tasks 1..k)
     * @param bwt BWT on A (undefined at step 1)
     * @param forgetting forgetting on A (undefined at step 1)
     * @param advAcc ACC on A_adv (cue advantage over base)
     * @param advBwt BWT on A_adv
     * @param advForgetting forgetting on A_adv
     * @param baseAccuracy A[k][0], the base probe's accuracy
     * @param baseChange A[k][0] − A[0][0], base accuracy against theta0's
     * @param baseForgetting max over earlier steps (theta0 included) of base accuracy, minus A[k][0]
     */
    public record StepFigures(int step, Statistic acc, Statistic bwt, Statistic forgetting, Statistic advAcc, Statistic advBwt,
            Statistic advForgetting, Statistic baseAccuracy, Statistic baseChange, Statistic baseForgetting) {}

    /**
     * One sequence, BatchNorm policy, regime and strategy.
     *
     * @param sequence the sequence's name
     * @param kind {@link #TASK_SPECIFIC} or {@link #SHARED}
     * @param cues the cues of T1..TK
     * @param bnPolicy the BatchNorm policy
     * @param regime the regime
     * @param strategy the strategy's name
     * @param seeds the seeds, in order
     * @param accuracy A as the mean over seeds, K + 1 rows (theta0 first) of K + 1 columns (base first), null where
     *     undefined (a task not yet trained)
     * @param advantage A_adv likewise (column 0 is null)
     * @param steps the figures after each step 1..K
     */
    public record Table(String sequence, String kind, List<String> cues, BatchNormPolicy bnPolicy, Regime regime,
            String strategy, List<Long> seeds, List<List<Double>> accuracy, List<List<Double>> advantage,
            List<StepFigures> steps) {

        /** The figures after the last step. */
        public StepFigures last() {
            return steps.getLast();
        }
    }

    /**
     * Incremental minus parallel on the first task's cue, after one step.
     *
     * @param step k, from 1 (0 by construction at step 1, where both regimes test the same model)
     * @param difference per seed, then mean and SE
     */
    public record LengthStep(int step, Statistic difference) {}

    /**
     * Finding 3 at length for one task-specific sequence, BatchNorm policy and strategy.
     *
     * @param sequence the sequence's name
     * @param bnPolicy the BatchNorm policy
     * @param strategy the strategy's name
     * @param cue the first task's cue, whose probe accuracy is compared
     * @param steps the difference after each step
     * @param trend the last step's difference minus the second step's, per seed, then mean and SE (positive: the
     *     incremental chain's lead grows with K); undefined when the sequence has fewer than 3 steps
     * @param verdict {@code grows} or {@code shrinks} when the trend's mean is more than 2 standard errors from 0,
     *     {@code no clear change} within them, {@code insufficient seeds} without a standard error, {@code n/a} when
     *     the trend is undefined
     */
    public record LengthFinding(String sequence, BatchNormPolicy bnPolicy, String strategy, String cue, List<LengthStep> steps,
            Statistic trend, String verdict) {}

    /**
     * Everything.
     *
     * @param tables per sequence, BatchNorm policy, regime and strategy, in the config's order
     * @param incrementalMinusParallel finding 3 at length, when both regimes ran
     */
    public record Result(List<Table> tables, List<LengthFinding> incrementalMinusParallel) {}

    /**
     * Computes the figures.
     *
     * @param rows every step's probe rows
     * @param pretrained theta0's probe rows (its base accuracy is A[0][0])
     * @param sequences name to the cues of T1..TK, in the config's order
     * @throws IllegalArgumentException when a step's row, or theta0's base row, is missing
     */
    public static Result compute(List<SequenceRow> rows, List<ProbeAccuracy> pretrained, Map<String, List<String>> sequences) {
        Map<Long, Double> theta0Base = new TreeMap<>();
        for (ProbeAccuracy p : pretrained) {
            if (p.probe().equals("base")) {
                theta0Base.put(p.seed(), p.accuracy());
            }
        }
        // (sequence, bn, regime, strategy) -> seed -> "step/probe" -> accuracy
        Map<List<Object>, Map<Long, Map<String, Double>>> grouped = new LinkedHashMap<>();
        for (SequenceRow r : rows) {
            grouped.computeIfAbsent(List.of(r.sequence(), r.bnPolicy(), r.regime(), r.strategy()), k -> new TreeMap<>())
                    .computeIfAbsent(r.seed(), k -> new LinkedHashMap<>()).put(r.step() + "/" + r.probe(), r.accuracy());
        }
        List<Table> tables = new ArrayList<>();
        Map<List<Object>, Map<Long, double[][]>> matrices = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> sequence : sequences.entrySet()) {
            List<String> cues = sequence.getValue();
            for (Map.Entry<List<Object>, Map<Long, Map<String, Double>>> g : grouped.entrySet()) {
                if (!g.getKey().get(0).equals(sequence.getKey())) {
                    continue;
                }
                Map<Long, double[][]> perSeed = new TreeMap<>();
                for (Map.Entry<Long, Map<String, Double>> seed : g.getValue().entrySet()) {
                    Double base0 = theta0Base.get(seed.getKey());
                    if (base0 == null) {
                        throw new IllegalArgumentException("sequences: no base row of theta0 for seed " + seed.getKey());
                    }
                    perSeed.put(seed.getKey(), matrix(cues, base0, seed.getValue(), g.getKey(), seed.getKey()));
                }
                matrices.put(g.getKey(), perSeed);
                tables.add(table(sequence.getKey(), cues, g.getKey(), perSeed));
            }
        }
        return new Result(tables, lengthFindings(sequences, matrices));
    }

    /** A (K + 1) x (K + 1) for one seed: row 0 theta0 (base only), row k the model under test after step k. */
    private static double[][] matrix(List<String> cues, double base0, Map<String, Double> cells, List<Object> group, long seed) {
        int steps = cues.size();
        double[][] a = new double[steps + 1][steps + 1];
        for (double[] row : a) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        a[0][0] = base0;
        for (int k = 1; k <= steps; k++) {
            a[k][0] = cell(cells, k, "base", group, seed);
            for (int j = 1; j <= k; j++) {
                a[k][j] = cell(cells, k, cues.get(j - 1), group, seed);
            }
        }
        return a;
    }

    private static double cell(Map<String, Double> cells, int step, String probe, List<Object> group, long seed) {
        Double v = cells.get(step + "/" + probe);
        if (v == null) {
            throw new IllegalArgumentException("sequences: no row for seed " + seed + ", " + group + ", step " + step
                    + ", probe " + probe);
        }
        return v;
    }

    private static Table table(String sequence, List<String> cues, List<Object> group, Map<Long, double[][]> perSeed) {
        int steps = cues.size();
        List<double[][]> a = new ArrayList<>(perSeed.values());
        List<double[][]> adv = a.stream().map(SequenceMetrics::advantage).toList();
        List<StepFigures> figures = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            int step = k;
            List<SequenceMetrics.Figures> onA = a.stream().map(m -> SequenceMetrics.of(m, step)).toList();
            List<SequenceMetrics.Figures> onAdv = adv.stream().map(m -> SequenceMetrics.of(m, step)).toList();
            figures.add(new StepFigures(k, stat(onA, SequenceMetrics.Figures::acc), stat(onA, SequenceMetrics.Figures::bwt),
                    stat(onA, SequenceMetrics.Figures::forgetting), stat(onAdv, SequenceMetrics.Figures::acc),
                    stat(onAdv, SequenceMetrics.Figures::bwt), stat(onAdv, SequenceMetrics.Figures::forgetting),
                    stat(a, m -> m[step][0]), stat(a, m -> SequenceMetrics.baseChange(m, step)),
                    stat(a, m -> SequenceMetrics.baseForgetting(m, step))));
        }
        String kind = new LinkedHashSet<>(cues).size() == 1 ? SHARED : TASK_SPECIFIC;
        return new Table(sequence, kind, cues, (BatchNormPolicy) group.get(1), (Regime) group.get(2), (String) group.get(3),
                List.copyOf(perSeed.keySet()), mean(a, false), mean(adv, true), figures);
    }

    private static <T> Statistic stat(List<T> perSeed, ToDoubleFunction<T> value) {
        List<Double> values = new ArrayList<>();
        for (T t : perSeed) {
            values.add(value.applyAsDouble(t));
        }
        return Statistic.of(values);
    }

    /** The mean over seeds of every defined cell, null elsewhere (and in column 0 of an advantage matrix). */
    private static List<List<Double>> mean(List<double[][]> matrices, boolean advantage) {
        int n = matrices.getFirst().length;
        List<List<Double>> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<Double> row = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                boolean defined = j <= k && (k > 0 || j == 0) && !(advantage && j == 0);
                if (!defined) {
                    row.add(null);
                    continue;
                }
                double sum = 0;
                for (double[][] m : matrices) {
                    sum += m[k][j];
                }
                row.add(sum / matrices.size());
            }
            out.add(java.util.Collections.unmodifiableList(row));
        }
        return List.copyOf(out);
    }

    /** grows, shrinks, no clear change (within 2 SE of 0), insufficient seeds (no SE) or n/a (undefined). */
    static String verdict(Statistic trend) {
        if (trend.mean() == null) {
            return "n/a";
        }
        if (trend.se() == null) {
            return "insufficient seeds";
        }
        if (trend.mean() - 2 * trend.se() > 0) {
            return "grows";
        }
        return trend.mean() + 2 * trend.se() < 0 ? "shrinks" : "no clear change";
    }

    private static List<LengthFinding> lengthFindings(Map<String, List<String>> sequences,
            Map<List<Object>, Map<Long, double[][]>> matrices) {
        List<LengthFinding> out = new ArrayList<>();
        for (Map.Entry<List<Object>, Map<Long, double[][]>> inc : matrices.entrySet()) {
            List<Object> g = inc.getKey();
            List<String> cues = sequences.get((String) g.get(0));
            if (g.get(2) != Regime.INCREMENTAL || new LinkedHashSet<>(cues).size() == 1) {
                continue;
            }
            Map<Long, double[][]> par = matrices.get(List.of(g.get(0), g.get(1), Regime.PARALLEL, g.get(3)));
            if (par == null) {
                continue;
            }
            List<LengthStep> steps = new ArrayList<>();
            for (int k = 1; k <= cues.size(); k++) {
                List<Double> perSeed = new ArrayList<>();
                for (Map.Entry<Long, double[][]> seed : inc.getValue().entrySet()) {
                    double[][] p = par.get(seed.getKey());
                    perSeed.add(p == null ? null : seed.getValue()[k][1] - p[k][1]);
                }
                steps.add(new LengthStep(k, Statistic.of(perSeed)));
            }
            List<Double> trendPerSeed = new ArrayList<>();
            if (cues.size() >= 3) {
                List<Double> second = steps.get(1).difference().perSeed();
                List<Double> last = steps.getLast().difference().perSeed();
                for (int i = 0; i < second.size(); i++) {
                    trendPerSeed.add(second.get(i) == null || last.get(i) == null ? null : last.get(i) - second.get(i));
                }
            }
            Statistic trend = Statistic.of(trendPerSeed);
            out.add(new LengthFinding((String) g.get(0), (BatchNormPolicy) g.get(1), (String) g.get(3), cues.getFirst(),
                    steps, trend, verdict(trend)));
        }
        return out;
    }
}
