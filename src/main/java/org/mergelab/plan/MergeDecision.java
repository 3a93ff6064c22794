package org.mergelab.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.eval.Statistic;

/**
 * The decision of {@code plan-merge} from measured accuracies alone (no engine): each merge's figures per seed, the
 * merges that satisfy every rule on the selection subset, the best of them by the policy's preference, and its
 * figures on the test subset; or, when none satisfies the rules, which rule binds.
 *
 * <p>Figures (PROTOCOL.md, "Any merge method on the same probes"), per seed and subset, then the mean over seeds:
 * {@code P accuracy} is a probe's top-1 accuracy; {@code P retention} is the cue advantage
 * acc(P) - acc(reference) over the advantage of the candidate with the largest mean advantage on P on the selection
 * subset (its owner), on the same seed and subset, undefined where the owner's advantage is below
 * {@link #MIN_ADVANTAGE}; {@code mean_retention} is the mean of the retention figures of the probes with a retention
 * rule (undefined where one is). A rule holds when the mean over seeds of its figure is at least its threshold; an
 * undefined figure fails. Ties in the preference go to the earlier point of the search.
 */
public final class MergeDecision {

    /** Below this advantage an endpoint never learned the cue, and retention is undefined (PROTOCOL.md). */
    public static final double MIN_ADVANTAGE = 0.02;

    /** The selection subset's name. */
    public static final String SELECTION = "selection";
    /** The test subset's name. */
    public static final String TEST = "test";

    private MergeDecision() {}

    /**
     * Accuracies of one model on both subsets.
     *
     * @param selection probe to per-seed accuracy on the selection subset, seeds in the policy's order
     * @param test probe to per-seed accuracy on the test subset
     */
    public record Accuracies(Map<String, double[]> selection, Map<String, double[]> test) {

        /** Copies. */
        public Accuracies {
            selection = Collections.unmodifiableMap(new LinkedHashMap<>(selection));
            test = Collections.unmodifiableMap(new LinkedHashMap<>(test));
        }

        Map<String, double[]> of(String subset) {
            return subset.equals(SELECTION) ? selection : test;
        }
    }

    /**
     * A merge's figures.
     *
     * @param point the search point
     * @param selection figure name to its statistic over seeds, on the selection subset
     * @param test the same on the test subset
     */
    public record Evaluated(SearchSpace.Point point, Map<String, Statistic> selection, Map<String, Statistic> test) {

        /** The mean over seeds of a figure on a subset, or null when undefined. */
        public Double mean(String subset, String figure) {
            Statistic s = (subset.equals(SELECTION) ? selection : test).get(figure);
            return s == null ? null : s.mean();
        }
    }

    /**
     * A rule that no merge satisfied, or that the chosen merge failed on the test subset.
     *
     * @param rule the rule
     * @param subset where it failed
     * @param value the figure of the merge closest to satisfying every rule (or of the chosen merge, on test), null
     *     when undefined
     * @param best the best value any merge reached on that subset, null when none is defined
     * @param bestPoint the merge that reached it
     */
    public record Binding(MergePolicy.Rule rule, String subset, Double value, Double best, String bestPoint) {

        /** One sentence for people. */
        public String describe() {
            return "rule '" + rule.describe() + "' binds on the " + subset + " subset: "
                    + (value == null ? "undefined" : String.format(java.util.Locale.ROOT, "%.4f", value))
                    + " reached by the closest merge; the best any merge reached is "
                    + (best == null ? "undefined" : String.format(java.util.Locale.ROOT, "%.4f (%s)", best, bestPoint));
        }
    }

    /**
     * The outcome.
     *
     * @param owners cue probe to the index of the candidate its retention is measured against
     * @param candidates each candidate's figures
     * @param evaluated every merge's figures, in search order
     * @param satisfying the merges that satisfy every rule on the selection subset, best first
     * @param chosen the best of them, or null
     * @param runnerUp the second best, or null
     * @param confirmed true when the chosen merge satisfies every rule on the test subset too
     * @param binding the rules that bind (empty when the decision is confirmed)
     */
    public record Outcome(Map<String, Integer> owners, List<Evaluated> candidates, List<Evaluated> evaluated,
            List<Evaluated> satisfying, Evaluated chosen, Evaluated runnerUp, boolean confirmed,
            List<Binding> binding) {

        /** True when a merge satisfies every rule on selection and on test. */
        public boolean decided() {
            return chosen != null && confirmed;
        }
    }

    /** The figure a rule bounds: {@code color retention}, {@code base accuracy}. */
    public static String figure(MergePolicy.Rule rule) {
        return rule.probe() + " " + rule.bound().key();
    }

    /** The figure the preference maximises. */
    public static String preferred(MergePolicy policy) {
        return policy.maximize().equals(MergePolicy.MEAN_RETENTION) ? MergePolicy.MEAN_RETENTION
                : policy.maximize() + " accuracy";
    }

    /**
     * Decides.
     *
     * @param policy the rules, preference and probes
     * @param candidates each candidate's accuracies
     * @param merges each search point with its accuracies, in search order
     * @throws IllegalArgumentException when no candidate learned a cue that a retention figure needs
     */
    public static Outcome decide(MergePolicy policy, List<Accuracies> candidates,
            List<Map.Entry<SearchSpace.Point, Accuracies>> merges) {
        String reference = policy.referenceProbe();
        Map<String, Integer> owners = owners(policy, candidates);
        for (Map.Entry<String, Integer> o : owners.entrySet()) {
            double bestAdvantage = mean(advantages(candidates.get(o.getValue()).selection(), o.getKey(), reference));
            if (policy.retentionProbes().contains(o.getKey()) && !(bestAdvantage >= MIN_ADVANTAGE)) {
                throw new IllegalArgumentException("probe '" + o.getKey() + "': no candidate learned its cue (the"
                        + " largest advantage over '" + reference + "' on the selection subset is "
                        + String.format(java.util.Locale.ROOT, "%.4f", bestAdvantage) + ", below "
                        + MIN_ADVANTAGE + "), so its retention is undefined; bound its accuracy instead");
            }
        }
        List<Evaluated> candidateFigures = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            SearchSpace.Point self = new SearchSpace.Point("candidate " + i, Map.of(), List.of(), Map.of(), false);
            candidateFigures.add(evaluate(policy, self, candidates.get(i), candidates, owners));
        }
        List<Evaluated> evaluated = new ArrayList<>();
        for (Map.Entry<SearchSpace.Point, Accuracies> m : merges) {
            evaluated.add(evaluate(policy, m.getKey(), m.getValue(), candidates, owners));
        }
        String preferred = preferred(policy);
        List<Evaluated> satisfying = new ArrayList<>();
        for (Evaluated e : evaluated) {
            if (failed(policy, e, SELECTION).isEmpty() && e.mean(SELECTION, preferred) != null) {
                satisfying.add(e);
            }
        }
        // stable: equal preference keeps search order
        satisfying.sort((a, b) -> Double.compare(b.mean(SELECTION, preferred), a.mean(SELECTION, preferred)));
        if (satisfying.isEmpty()) {
            return new Outcome(owners, candidateFigures, evaluated, List.of(), null, null, false,
                    bindingOnSelection(policy, evaluated));
        }
        Evaluated chosen = satisfying.getFirst();
        Evaluated runnerUp = satisfying.size() > 1 ? satisfying.get(1) : null;
        List<Binding> onTest = new ArrayList<>();
        for (MergePolicy.Rule r : failed(policy, chosen, TEST)) {
            Best best = best(evaluated, r, TEST);
            onTest.add(new Binding(r, TEST, chosen.mean(TEST, figure(r)), best.value, best.point));
        }
        return new Outcome(owners, candidateFigures, evaluated, List.copyOf(satisfying), chosen, runnerUp,
                onTest.isEmpty(), onTest);
    }

    /**
     * Each cue probe's owner: the candidate with the largest mean advantage over the reference probe on the selection
     * subset (the first of equals); empty when the policy has no reference probe.
     */
    public static Map<String, Integer> owners(MergePolicy policy, List<Accuracies> candidates) {
        String reference = policy.referenceProbe();
        Map<String, Integer> owners = new LinkedHashMap<>();
        if (reference == null) {
            return owners;
        }
        for (Map.Entry<String, String> p : policy.probes().entrySet()) {
            if (p.getValue() == null) {
                continue;
            }
            int best = 0;
            double bestAdvantage = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                double a = mean(advantages(candidates.get(i).selection(), p.getKey(), reference));
                if (a > bestAdvantage) {
                    bestAdvantage = a;
                    best = i;
                }
            }
            owners.put(p.getKey(), best);
        }
        return owners;
    }

    /** The rules a merge fails on a subset (an undefined figure fails). */
    public static List<MergePolicy.Rule> failed(MergePolicy policy, Evaluated e, String subset) {
        List<MergePolicy.Rule> out = new ArrayList<>();
        for (MergePolicy.Rule r : policy.mustKeep()) {
            Double v = e.mean(subset, figure(r));
            if (v == null || v < r.threshold()) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<Binding> bindingOnSelection(MergePolicy policy, List<Evaluated> evaluated) {
        // the merge closest to satisfying every rule: fewest failed rules, then the smallest relative shortfall
        Evaluated closest = null;
        double closestScore = Double.POSITIVE_INFINITY;
        for (Evaluated e : evaluated) {
            double score = 0;
            for (MergePolicy.Rule r : failed(policy, e, SELECTION)) {
                Double v = e.mean(SELECTION, figure(r));
                score += 1000 + (v == null ? 1000 : (r.threshold() - v) / Math.max(Math.abs(r.threshold()), 1e-9));
            }
            if (score < closestScore) {
                closestScore = score;
                closest = e;
            }
        }
        List<Binding> out = new ArrayList<>();
        List<MergePolicy.Rule> rules = closest == null ? policy.mustKeep() : failed(policy, closest, SELECTION);
        for (MergePolicy.Rule r : rules) {
            Best best = best(evaluated, r, SELECTION);
            out.add(new Binding(r, SELECTION, closest == null ? null : closest.mean(SELECTION, figure(r)), best.value,
                    best.point));
        }
        if (out.isEmpty() && !evaluated.isEmpty()) {
            // every rule holds somewhere but the preferred figure is undefined everywhere
            throw new IllegalArgumentException("the preferred figure '" + preferred(policy)
                    + "' is undefined for every merge that satisfies the rules");
        }
        return out;
    }

    private record Best(Double value, String point) {}

    private static Best best(List<Evaluated> evaluated, MergePolicy.Rule r, String subset) {
        Double best = null;
        String point = null;
        for (Evaluated e : evaluated) {
            Double v = e.mean(subset, figure(r));
            if (v != null && (best == null || v > best)) {
                best = v;
                point = e.point().describe();
            }
        }
        return new Best(best, point);
    }

    private static Evaluated evaluate(MergePolicy policy, SearchSpace.Point point, Accuracies merged,
            List<Accuracies> candidates, Map<String, Integer> owners) {
        Map<String, Statistic> selection = figures(policy, merged, candidates, owners, SELECTION);
        Map<String, Statistic> test = figures(policy, merged, candidates, owners, TEST);
        return new Evaluated(point, selection, test);
    }

    private static Map<String, Statistic> figures(MergePolicy policy, Accuracies merged, List<Accuracies> candidates,
            Map<String, Integer> owners, String subset) {
        Map<String, Statistic> out = new LinkedHashMap<>();
        Map<String, double[]> acc = merged.of(subset);
        int seeds = policy.seeds().size();
        for (String probe : policy.probes().keySet()) {
            double[] a = Objects.requireNonNull(acc.get(probe), () -> "no accuracy of probe " + probe);
            if (a.length != seeds) {
                throw new IllegalArgumentException("probe " + probe + ": " + a.length + " seeds' accuracies, expected "
                        + seeds);
            }
            out.put(probe + " accuracy", Statistic.of(boxed(a)));
        }
        String reference = policy.referenceProbe();
        List<List<Double>> retentionRows = new ArrayList<>();
        for (Map.Entry<String, Integer> o : owners.entrySet()) {
            String probe = o.getKey();
            double[] own = advantages(candidates.get(o.getValue()).of(subset), probe, reference);
            double[] mine = advantages(acc, probe, reference);
            List<Double> r = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                r.add(own[s] >= MIN_ADVANTAGE ? mine[s] / own[s] : null);
            }
            out.put(probe + " retention", Statistic.of(r));
            if (policy.retentionProbes().contains(probe)) {
                retentionRows.add(r);
            }
        }
        if (!retentionRows.isEmpty()) {
            List<Double> meanRetention = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                double sum = 0;
                boolean defined = true;
                for (List<Double> row : retentionRows) {
                    defined &= row.get(s) != null;
                    sum += defined ? row.get(s) : 0;
                }
                meanRetention.add(defined ? sum / retentionRows.size() : null);
            }
            out.put(MergePolicy.MEAN_RETENTION, Statistic.of(meanRetention));
        }
        return out;
    }

    private static double[] advantages(Map<String, double[]> acc, String probe, String reference) {
        double[] a = acc.get(probe);
        double[] b = acc.get(reference);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
