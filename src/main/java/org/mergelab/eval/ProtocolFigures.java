package org.mergelab.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes every figure of merit of PROTOCOL.md from result rows. Every derived figure is computed
 * per seed first, then averaged over seeds; its standard error is over those per-seed values.
 */
public final class ProtocolFigures {

    /** An endpoint whose cue advantage is below this never learned the cue: retention undefined. */
    public static final double MIN_ENDPOINT_ADVANTAGE = 0.02;

    /** Finding 2: task-specific midpoint retention, averaged over cues and regimes, is below this. */
    public static final double TASK_SPECIFIC_MIDPOINT_BOUND = 0.75;

    private static final double EPS = 1e-9;

    private final List<ResultRow> rows;
    private final List<Long> seeds;
    private final List<Double> alphas;
    private final Map<String, ProtocolDefinition> protocols;
    /** key(protocol, regime, bn, probe) -> seed -> alpha index -> accuracy. */
    private final Map<String, Map<Long, double[]>> table = new LinkedHashMap<>();
    private final Map<Long, Map<String, Double>> pretrained = new TreeMap<>();
    private final List<String> probes;
    private final List<BatchNormPolicy> bnPolicies;
    private final List<Regime> regimes;

    private ProtocolFigures(List<ResultRow> rows, List<ProbeAccuracy> pretrainedRows, List<ProtocolDefinition> defs) {
        this.rows = rows;
        this.seeds = List.copyOf(new TreeSet<>(rows.stream().map(ResultRow::seed).toList()));
        this.alphas = List.copyOf(new TreeSet<>(rows.stream().map(ResultRow::alpha).toList()));
        this.protocols = new LinkedHashMap<>();
        for (ProtocolDefinition d : defs) {
            protocols.put(d.name(), d);
        }
        this.probes = distinct(rows.stream().map(ResultRow::probe).toList());
        this.bnPolicies = distinct(rows.stream().map(ResultRow::bnPolicy).toList());
        this.regimes = distinct(rows.stream().map(ResultRow::regime).toList());
        for (ResultRow r : rows) {
            if (!protocols.containsKey(r.protocol())) {
                throw new IllegalArgumentException("result row of unknown protocol '" + r.protocol() + "'");
            }
            double[] values = table.computeIfAbsent(key(r.protocol(), r.regime(), r.bnPolicy(), r.probe()), k -> new TreeMap<>())
                    .computeIfAbsent(r.seed(), s -> nanArray(alphas.size()));
            values[alphaIndex(r.alpha())] = r.accuracy();
        }
        for (ProbeAccuracy p : pretrainedRows) {
            pretrained.computeIfAbsent(p.seed(), s -> new TreeMap<>()).put(p.probe(), p.accuracy());
        }
    }

    private static <T> List<T> distinct(List<T> values) {
        List<T> out = new ArrayList<>();
        for (T v : values) {
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static String key(String protocol, Regime regime, BatchNormPolicy bn, String probe) {
        return protocol + "|" + regime + "|" + bn + "|" + probe;
    }

    private int alphaIndex(double alpha) {
        for (int i = 0; i < alphas.size(); i++) {
            if (Math.abs(alphas.get(i) - alpha) < EPS) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Computes the summary.
     *
     * @param rows every merge-and-probe result
     * @param pretrainedRows probe accuracies of each seed's pre-trained model
     * @param protocols the protocols that ran, with their cues
     */
    public static Summary compute(List<ResultRow> rows, List<ProbeAccuracy> pretrainedRows, List<ProtocolDefinition> protocols) {
        return new ProtocolFigures(rows, pretrainedRows, protocols).summary();
    }

    private Summary summary() {
        Map<String, Statistic> pre = new TreeMap<>();
        for (String probe : probes) {
            List<Double> perSeed = new ArrayList<>();
            for (long s : seeds) {
                perSeed.add(pretrained.getOrDefault(s, Map.of()).get(probe));
            }
            if (perSeed.stream().anyMatch(v -> v != null)) {
                pre.put(probe, Statistic.of(perSeed));
            }
        }
        List<Summary.Curve> curves = new ArrayList<>();
        List<Summary.CueFigures> cues = new ArrayList<>();
        List<Summary.BaseRetention> baseRetention = new ArrayList<>();
        List<Summary.RegimeDifference> differences = new ArrayList<>();
        for (ProtocolDefinition protocol : protocols.values()) {
            for (BatchNormPolicy bn : bnPolicies) {
                for (Regime regime : regimes) {
                    if (!table.containsKey(key(protocol.name(), regime, bn, "base"))
                            && probes.stream().noneMatch(p -> table.containsKey(key(protocol.name(), regime, bn, p)))) {
                        continue;
                    }
                    for (String probe : probes) {
                        Map<Long, double[]> bySeed = table.get(key(protocol.name(), regime, bn, probe));
                        if (bySeed != null) {
                            curves.add(new Summary.Curve(protocol.name(), regime, bn, probe, alongAlpha(s -> bySeed.get(s))));
                        }
                    }
                    for (String cue : cueProbes()) {
                        CueFigure f = cueFigure(protocol, regime, bn, cue);
                        if (f != null) {
                            cues.add(f.figures);
                        }
                    }
                    Map<Long, double[]> base = table.get(key(protocol.name(), regime, bn, "base"));
                    if (base != null && !pre.isEmpty() && pre.containsKey("base")) {
                        baseRetention.add(new Summary.BaseRetention(protocol.name(), regime, bn, alongAlpha(s -> {
                            double[] acc = base.get(s);
                            Double p = pretrained.getOrDefault(s, Map.of()).get("base");
                            if (acc == null || p == null) {
                                return null;
                            }
                            double[] d = new double[acc.length];
                            for (int i = 0; i < d.length; i++) {
                                d[i] = acc[i] - p;
                            }
                            return d;
                        })));
                    }
                }
                if (regimes.contains(Regime.INCREMENTAL) && regimes.contains(Regime.PARALLEL)) {
                    for (String probe : probes) {
                        Statistic d = incrementalMinusParallel(protocol.name(), bn, probe);
                        if (d != null) {
                            differences.add(new Summary.RegimeDifference(protocol.name(), bn, probe, d));
                        }
                    }
                }
            }
        }
        List<Summary.Finding> findings = new ArrayList<>();
        for (BatchNormPolicy bn : bnPolicies) {
            findings.add(findingShared(bn));
            findings.add(findingSharedRetained(bn));
            findings.add(findingTaskSpecific(bn));
            findings.add(findingIncremental(bn));
        }
        return new Summary(Summary.FORMAT, Summary.FORMAT_VERSION, seeds, alphas, pre, curves, cues, differences,
                baseRetention, findings);
    }

    /** Probes that show one cue of the true label: every probe but base and the conflict ones. */
    private List<String> cueProbes() {
        return probes.stream().filter(p -> !p.equals("base") && !p.endsWith("-conflict")).toList();
    }

    private interface PerSeedCurve {
        double[] values(long seed);
    }

    private List<Statistic> alongAlpha(PerSeedCurve curve) {
        List<Statistic> out = new ArrayList<>();
        for (int i = 0; i < alphas.size(); i++) {
            List<Double> perSeed = new ArrayList<>();
            for (long s : seeds) {
                double[] v = curve.values(s);
                perSeed.add(v == null || Double.isNaN(v[i]) ? null : v[i]);
            }
            out.add(Statistic.of(perSeed));
        }
        return out;
    }

    private record CueFigure(Summary.CueFigures figures, Map<Long, double[]> retention) {}

    private CueFigure cueFigure(ProtocolDefinition protocol, Regime regime, BatchNormPolicy bn, String cue) {
        Double ref = protocol.referenceAlpha(cue);
        Map<Long, double[]> cueAcc = table.get(key(protocol.name(), regime, bn, cue));
        Map<Long, double[]> baseAcc = table.get(key(protocol.name(), regime, bn, "base"));
        if (ref == null || cueAcc == null || baseAcc == null) {
            return null;
        }
        int refIndex = alphaIndex(ref);
        if (refIndex < 0) {
            return null;
        }
        Map<Long, double[]> advantage = new TreeMap<>();
        Map<Long, double[]> retention = new TreeMap<>();
        List<Double> halfLives = new ArrayList<>();
        int none = 0;
        int undefined = 0;
        for (long s : seeds) {
            double[] c = cueAcc.get(s);
            double[] b = baseAcc.get(s);
            if (c == null || b == null) {
                continue;
            }
            double[] adv = new double[alphas.size()];
            for (int i = 0; i < adv.length; i++) {
                adv[i] = c[i] - b[i];
            }
            advantage.put(s, adv);
            if (!(adv[refIndex] >= MIN_ENDPOINT_ADVANTAGE)) {
                undefined++;
                halfLives.add(null);
                continue;
            }
            double[] r = new double[adv.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = adv[i] / adv[refIndex];
            }
            retention.put(s, r);
            Double h = halfLife(r, ref);
            if (h == null) {
                none++;
            }
            halfLives.add(h);
        }
        Summary.CueFigures f = new Summary.CueFigures(protocol.name(), regime, bn, cue, ref,
                alongAlpha(advantage::get), alongAlpha(retention::get), Statistic.of(halfLives), none, undefined);
        return new CueFigure(f, retention);
    }

    /**
     * The smallest distance |alpha - alpha_c| at which R <= 0.5, interpolating linearly between grid
     * points; null if R never drops that far.
     */
    Double halfLife(double[] retention, double referenceAlpha) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < alphas.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> Double.compare(Math.abs(alphas.get(x) - referenceAlpha), Math.abs(alphas.get(y) - referenceAlpha)));
        double prevD = 0;
        double prevR = Double.NaN;
        for (int k = 0; k < order.size(); k++) {
            int i = order.get(k);
            double d = Math.abs(alphas.get(i) - referenceAlpha);
            double r = retention[i];
            if (r <= 0.5) {
                if (k == 0 || Double.isNaN(prevR)) {
                    return d;
                }
                return prevD + (prevR - 0.5) / (prevR - r) * (d - prevD);
            }
            prevD = d;
            prevR = r;
        }
        return null;
    }

    private Statistic incrementalMinusParallel(String protocol, BatchNormPolicy bn, String probe) {
        Map<Long, double[]> inc = table.get(key(protocol, Regime.INCREMENTAL, bn, probe));
        Map<Long, double[]> par = table.get(key(protocol, Regime.PARALLEL, bn, probe));
        if (inc == null || par == null) {
            return null;
        }
        List<Double> perSeed = new ArrayList<>();
        for (long s : seeds) {
            perSeed.add(meanDifference(inc.get(s), par.get(s)));
        }
        return Statistic.of(perSeed);
    }

    private static Double meanDifference(double[] a, double[] b) {
        if (a == null || b == null) {
            return null;
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] - b[i];
        }
        return sum / a.length;
    }

    // ---- findings ----

    private Summary.Finding findingShared(BatchNormPolicy bn) {
        String name = "shared knowledge is preserved";
        ProtocolDefinition shared = protocols.get("shared");
        if (shared == null) {
            return notEvaluated(1, name, bn, "the run has no shared protocol");
        }
        if (seeds.size() < Statistic.MIN_SEEDS) {
            return insufficient(1, name, bn);
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        boolean held = true;
        int checked = 0;
        int zero = alphaIndex(0.0);
        int one = alphaIndex(1.0);
        if (zero < 0 || one < 0) {
            return notEvaluated(1, name, bn, "the alpha grid lacks an endpoint (0 or 1)");
        }
        for (Regime regime : regimes) {
            Map<Long, double[]> color = table.get(key("shared", regime, bn, "color"));
            if (color == null) {
                continue;
            }
            List<Statistic> curve = alongAlpha(color::get);
            Statistic e0 = curve.get(zero);
            Statistic e1 = curve.get(one);
            double lower = Math.min(e0.mean(), e1.mean());
            double margin = Math.max(e0.se(), e1.se());
            int argmin = 0;
            for (int i = 1; i < curve.size(); i++) {
                if (curve.get(i).mean() < curve.get(argmin).mean()) {
                    argmin = i;
                }
            }
            double min = curve.get(argmin).mean();
            boolean ok = min >= lower - margin;
            held &= ok;
            checked++;
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("min_color_accuracy", min);
            n.put("at_alpha", alphas.get(argmin));
            n.put("endpoint_alpha0", e0.mean());
            n.put("endpoint_alpha1", e1.mean());
            n.put("lower_endpoint", lower);
            n.put("larger_endpoint_se", margin);
            n.put("bound", lower - margin);
            n.put("held", ok);
            numbers.put(regime.yamlName(), n);
            parts.add(String.format("%s: min color accuracy %.3f at alpha %.2f vs bound %.3f (lower endpoint %.3f - SE %.3f) %s",
                    regime, min, alphas.get(argmin), lower - margin, lower, margin, ok ? "held" : "NOT held"));
        }
        if (checked == 0) {
            return notEvaluated(1, name, bn, "the shared protocol has no color probe");
        }
        return new Summary.Finding(1, "1", name, bn, held ? Summary.Finding.HELD : Summary.Finding.NOT_HELD,
                "Shared protocol, color probe: " + String.join("; ", parts) + ".", numbers);
    }

    private Summary.Finding findingTaskSpecific(BatchNormPolicy bn) {
        String name = "task-specific knowledge degrades";
        ProtocolDefinition ts = protocols.get("task-specific");
        ProtocolDefinition shared = protocols.get("shared");
        if (ts == null || shared == null) {
            return notEvaluated(2, name, bn, "the run needs both the task-specific and the shared protocol");
        }
        int mid = alphaIndex(0.5);
        if (mid < 0) {
            return notEvaluated(2, name, bn, "the alpha grid lacks the midpoint 0.5");
        }
        if (seeds.size() < Statistic.MIN_SEEDS) {
            return insufficient(2, name, bn);
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        boolean held = true;
        Map<Long, List<Double>> tsMidpoints = new TreeMap<>();
        int regimesChecked = 0;
        for (Regime regime : regimes) {
            CueFigure tsColor = cueFigure(ts, regime, bn, "color");
            CueFigure shColor = cueFigure(shared, regime, bn, "color");
            if (tsColor == null || shColor == null) {
                continue;
            }
            regimesChecked++;
            List<Double> diff = new ArrayList<>();
            for (long s : seeds) {
                double[] a = shColor.retention.get(s);
                double[] b = tsColor.retention.get(s);
                diff.add(a == null || b == null ? null : a[mid] - b[mid]);
            }
            Statistic d = Statistic.of(diff);
            boolean ok = d.mean() != null && d.se() != null && d.mean() > 2 * d.se();
            held &= ok;
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("retention_color_task_specific", tsColor.figures.retention().get(mid).mean());
            n.put("retention_color_shared", shColor.figures.retention().get(mid).mean());
            n.put("shared_minus_task_specific", d.mean());
            n.put("se_of_difference", d.se());
            n.put("held", ok);
            numbers.put(regime.yamlName(), n);
            parts.add(String.format("%s: midpoint color retention %s task-specific vs %s shared, difference %s (%s 2 SE)",
                    regime, fmt(tsColor.figures.retention().get(mid).mean()), fmt(shColor.figures.retention().get(mid).mean()),
                    d.format(3), ok ? "more than" : "NOT more than"));
            for (String cue : List.of("color", "noise")) {
                CueFigure f = cue.equals("color") ? tsColor : cueFigure(ts, regime, bn, cue);
                if (f == null) {
                    continue;
                }
                for (long s : seeds) {
                    double[] r = f.retention.get(s);
                    if (r != null) {
                        tsMidpoints.computeIfAbsent(s, k -> new ArrayList<>()).add(r[mid]);
                    }
                }
            }
        }
        if (regimesChecked == 0) {
            return notEvaluated(2, name, bn, "the run lacks color probes in both protocols");
        }
        List<Double> perSeed = new ArrayList<>();
        for (long s : seeds) {
            List<Double> v = tsMidpoints.get(s);
            perSeed.add(v == null || v.isEmpty() ? null : v.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
        Statistic avg = Statistic.of(perSeed);
        boolean below = avg.mean() != null && avg.mean() < TASK_SPECIFIC_MIDPOINT_BOUND;
        held &= below;
        numbers.put("task_specific_midpoint_retention_mean", avg.mean());
        numbers.put("task_specific_midpoint_retention_se", avg.se());
        numbers.put("bound", TASK_SPECIFIC_MIDPOINT_BOUND);
        parts.add(String.format("task-specific midpoint retention averaged over cues and regimes %s (%s %.2f)",
                avg.format(3), below ? "below" : "NOT below", TASK_SPECIFIC_MIDPOINT_BOUND));
        return new Summary.Finding(2, "2", name, bn, held ? Summary.Finding.HELD : Summary.Finding.NOT_HELD,
                String.join("; ", parts) + ".", numbers);
    }

    private Summary.Finding findingIncremental(BatchNormPolicy bn) {
        String name = "incremental beats parallel";
        if (!protocols.containsKey("task-specific")) {
            return notEvaluated(3, name, bn, "the run has no task-specific protocol");
        }
        if (!regimes.contains(Regime.INCREMENTAL) || !regimes.contains(Regime.PARALLEL)) {
            return notEvaluated(3, name, bn, "the run needs both regimes");
        }
        if (seeds.size() < Statistic.MIN_SEEDS) {
            return insufficient(3, name, bn);
        }
        Map<Long, double[]> incColor = table.get(key("task-specific", Regime.INCREMENTAL, bn, "color"));
        Map<Long, double[]> parColor = table.get(key("task-specific", Regime.PARALLEL, bn, "color"));
        Map<Long, double[]> incNoise = table.get(key("task-specific", Regime.INCREMENTAL, bn, "noise"));
        Map<Long, double[]> parNoise = table.get(key("task-specific", Regime.PARALLEL, bn, "noise"));
        if (incColor == null || parColor == null || incNoise == null || parNoise == null) {
            return notEvaluated(3, name, bn, "the task-specific protocol lacks the color or noise probe");
        }
        List<Double> color = new ArrayList<>();
        List<Double> noise = new ArrayList<>();
        List<Double> both = new ArrayList<>();
        for (long s : seeds) {
            Double c = meanDifference(incColor.get(s), parColor.get(s));
            Double n = meanDifference(incNoise.get(s), parNoise.get(s));
            color.add(c);
            noise.add(n);
            both.add(c == null || n == null ? null : (c + n) / 2);
        }
        Statistic sc = Statistic.of(color);
        Statistic sn = Statistic.of(noise);
        Statistic sb = Statistic.of(both);
        boolean held = sb.mean() != null && sb.mean() > 0;
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("mean_over_color_and_noise", sb.mean());
        numbers.put("se", sb.se());
        numbers.put("color", sc.mean());
        numbers.put("color_se", sc.se());
        numbers.put("noise", sn.mean());
        numbers.put("noise_se", sn.se());
        String statement = String.format(
                "Task-specific protocol, incremental minus parallel averaged over alpha: color %s, noise %s, mean %s (%s 0).",
                sc.format(3), sn.format(3), sb.format(3), held ? "above" : "NOT above");
        return new Summary.Finding(3, "3", name, bn, held ? Summary.Finding.HELD : Summary.Finding.NOT_HELD, statement, numbers);
    }

    /** The name of finding 1r, the retention form of finding 1. */
    static final String SHARED_RETAINED = "shared cue is retained (retention form)";

    /** Finding 1r holds when the mean retention of the shared cue stays at or above this at every alpha. */
    static final double SHARED_RETAINED_BOUND = 0.9;

    private static String label(int number, String name) {
        return name.equals(SHARED_RETAINED) ? number + "r" : Integer.toString(number);
    }

    /**
     * Finding 1r (PROTOCOL.md): in the shared protocol, per regime, R(alpha) = adv_color(alpha) / min(adv_color(0),
     * adv_color(1)) per seed, the mean over seeds, then its minimum over alpha, is at least 0.9; undefined when any
     * seed's denominator is below 0.02.
     */
    private Summary.Finding findingSharedRetained(BatchNormPolicy bn) {
        String name = SHARED_RETAINED;
        if (protocols.get("shared") == null) {
            return notEvaluated(1, name, bn, "the run has no shared protocol");
        }
        if (seeds.size() < Statistic.MIN_SEEDS) {
            return insufficient(1, name, bn);
        }
        int zero = alphaIndex(0.0);
        int one = alphaIndex(1.0);
        if (zero < 0 || one < 0) {
            return notEvaluated(1, name, bn, "the alpha grid lacks an endpoint (0 or 1)");
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        boolean held = true;
        int checked = 0;
        for (Regime regime : regimes) {
            Map<Long, double[]> color = table.get(key("shared", regime, bn, "color"));
            Map<Long, double[]> base = table.get(key("shared", regime, bn, "base"));
            if (color == null || base == null) {
                continue;
            }
            checked++;
            double[] mean = new double[alphas.size()];
            Long undefinedSeed = null;
            double undefinedDenominator = Double.NaN;
            for (long seed : seeds) {
                double[] c = color.get(seed);
                double[] b = base.get(seed);
                double denominator = Math.min(c[zero] - b[zero], c[one] - b[one]);
                if (!(denominator >= MIN_ENDPOINT_ADVANTAGE)) {
                    undefinedSeed = seed;
                    undefinedDenominator = denominator;
                    break;
                }
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += (c[i] - b[i]) / denominator / seeds.size();
                }
            }
            Map<String, Object> n = new LinkedHashMap<>();
            if (undefinedSeed != null) {
                held = false;
                n.put("undefined_seed", undefinedSeed);
                n.put("denominator", undefinedDenominator);
                numbers.put(regime.yamlName(), n);
                parts.add(String.format("%s: undefined (seed %d's lower endpoint colour advantage is %.3f, below %.2f)",
                        regime, undefinedSeed, undefinedDenominator, MIN_ENDPOINT_ADVANTAGE));
                continue;
            }
            int argmin = 0;
            for (int i = 1; i < mean.length; i++) {
                if (mean[i] < mean[argmin]) {
                    argmin = i;
                }
            }
            boolean ok = mean[argmin] >= SHARED_RETAINED_BOUND;
            held &= ok;
            n.put("min_mean_retention", mean[argmin]);
            n.put("at_alpha", alphas.get(argmin));
            n.put("bound", SHARED_RETAINED_BOUND);
            n.put("mean_retention", java.util.Arrays.stream(mean).boxed().toList());
            n.put("held", ok);
            numbers.put(regime.yamlName(), n);
            parts.add(String.format("%s: min mean retention %.3f at alpha %.2f vs bound %.2f %s", regime, mean[argmin],
                    alphas.get(argmin), SHARED_RETAINED_BOUND, ok ? "held" : "NOT held"));
        }
        if (checked == 0) {
            return notEvaluated(1, name, bn, "the shared protocol lacks the color or base probe");
        }
        boolean undefined = numbers.values().stream().anyMatch(v -> ((Map<?, ?>) v).containsKey("undefined_seed"));
        String status = undefined ? Summary.Finding.NOT_EVALUATED : held ? Summary.Finding.HELD : Summary.Finding.NOT_HELD;
        return new Summary.Finding(1, "1r", name, bn, status, "Shared protocol, colour retention R(alpha) = adv(alpha) /"
                + " min(adv(0), adv(1)): " + String.join("; ", parts) + ".", numbers);
    }

    private Summary.Finding notEvaluated(int number, String name, BatchNormPolicy bn, String why) {
        return new Summary.Finding(number, label(number, name), name, bn, Summary.Finding.NOT_EVALUATED, "Not evaluated: " + why + ".", Map.of());
    }

    private Summary.Finding insufficient(int number, String name, BatchNormPolicy bn) {
        return new Summary.Finding(number, label(number, name), name, bn, Summary.Finding.INSUFFICIENT,
                "Insufficient seeds: " + seeds.size() + " (at least " + Statistic.MIN_SEEDS + " are needed for standard errors).",
                Map.of("seeds", seeds.size()));
    }

    private static String fmt(Double v) {
        return v == null ? "undefined" : String.format("%.3f", v);
    }

    /** The rows this was computed from. */
    List<ResultRow> rows() {
        return rows;
    }
}
