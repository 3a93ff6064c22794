package org.mergelab.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;

/**
 * The decision from hand-made accuracies, where the right answer is known by construction: which merges satisfy
 * the rules, the preference among them, the binding rule when none does, and a chosen merge that fails on test.
 */
class MergeDecisionTest {

    static final String POLICY = """
            base: theta0.safetensors
            candidates: [a.safetensors, b.safetensors]
            data: builtin
            probes:
              color: {cue: color}
              noise: {cue: noise}
              base: {}
            must_keep:
              - {probe: color, retention: 0.8}
              - {probe: base, accuracy: 0.5}
            prefer: {maximize: mean_retention}
            search: {methods: [linear], budget: 20}
            seeds: [0, 1, 2]
            """;

    static MergePolicy policy(String yaml) {
        JsonNode tree = ConfigReader.parse(yaml, JsonNode.class, "policy.yaml");
        return MergePolicy.parse(tree, Path.of("/tmp/policy.yaml"));
    }

    /** Accuracies equal on all three seeds and both subsets: color, noise, base. */
    static MergeDecision.Accuracies acc(double color, double noise, double base) {
        return accSplit(color, noise, base, color, noise, base);
    }

    static MergeDecision.Accuracies accSplit(double color, double noise, double base, double tColor, double tNoise,
            double tBase) {
        Map<String, double[]> sel = new LinkedHashMap<>();
        sel.put("color", new double[] {color, color, color});
        sel.put("noise", new double[] {noise, noise, noise});
        sel.put("base", new double[] {base, base, base});
        Map<String, double[]> test = new LinkedHashMap<>();
        test.put("color", new double[] {tColor, tColor, tColor});
        test.put("noise", new double[] {tNoise, tNoise, tNoise});
        test.put("base", new double[] {tBase, tBase, tBase});
        return new MergeDecision.Accuracies(sel, test);
    }

    static SearchSpace.Point point(String name, double alpha) {
        return new SearchSpace.Point(name, Map.of("alpha", alpha), List.of(), Map.of(), false);
    }

    /** Candidate a learned colour (advantage 0.4), b noise (advantage 0.3); base accuracy 0.6 for both. */
    static List<MergeDecision.Accuracies> candidates() {
        return List.of(acc(1.0, 0.6, 0.6), acc(0.6, 0.9, 0.6));
    }

    @Test
    void theOnlyMergeThatSatisfiesEveryRuleIsChosen() {
        MergePolicy p = policy(POLICY);
        List<Map.Entry<SearchSpace.Point, MergeDecision.Accuracies>> merges = new ArrayList<>();
        merges.add(Map.entry(point("keeps colour, loses base", 0.1), acc(0.95, 0.6, 0.45)));   // base 0.45 < 0.5
        merges.add(Map.entry(point("keeps both", 0.2), acc(0.85, 0.8, 0.52)));                 // colour 0.33/0.4 = 0.825
        merges.add(Map.entry(point("loses colour", 0.3), acc(0.8, 0.85, 0.6)));                // colour 0.2/0.4 = 0.5
        MergeDecision.Outcome o = MergeDecision.decide(p, candidates(), merges);
        assertThat(o.owners()).containsEntry("color", 0).containsEntry("noise", 1);
        assertThat(o.satisfying()).extracting(e -> e.point().method()).containsExactly("keeps both");
        assertThat(o.chosen().point().method()).isEqualTo("keeps both");
        assertThat(o.runnerUp()).isNull();
        assertThat(o.decided()).isTrue();
        assertThat(o.chosen().mean(MergeDecision.SELECTION, "color retention")).isCloseTo(0.825, within(1e-9));
        // mean_retention averages the probes with a retention rule: colour only
        assertThat(o.chosen().mean(MergeDecision.SELECTION, "mean_retention")).isCloseTo(0.825, within(1e-9));
        assertThat(o.chosen().selection().get("color retention").se()).isCloseTo(0.0, within(1e-12));
        // the candidates' own figures: the owner keeps all of its cue
        assertThat(o.candidates().getFirst().mean(MergeDecision.TEST, "color retention")).isEqualTo(1.0);
    }

    @Test
    void withTwoSatisfyingMergesThePreferenceDecides() {
        String yaml = POLICY.replace("must_keep:\n  - {probe: color, retention: 0.8}\n  - {probe: base, accuracy: 0.5}",
                "must_keep:\n  - {probe: base, accuracy: 0.5}\n  - {probe: color, retention: 0.5}\n"
                        + "  - {probe: noise, retention: 0.5}");
        List<Map.Entry<SearchSpace.Point, MergeDecision.Accuracies>> merges = List.of(
                Map.entry(point("more colour", 0.3), acc(0.92, 0.78, 0.6)),    // R 0.8 and 0.6: mean 0.7
                Map.entry(point("more noise", 0.7), acc(0.82, 0.87, 0.6)));    // R 0.55 and 0.9: mean 0.725
        MergeDecision.Outcome byMean = MergeDecision.decide(policy(yaml), candidates(), merges);
        assertThat(byMean.satisfying()).hasSize(2);
        assertThat(byMean.chosen().point().method()).isEqualTo("more noise");
        assertThat(byMean.runnerUp().point().method()).isEqualTo("more colour");

        MergeDecision.Outcome byColour = MergeDecision.decide(policy(yaml.replace("maximize: mean_retention",
                "maximize: color")), candidates(), merges);
        assertThat(byColour.chosen().point().method()).isEqualTo("more colour");
        assertThat(byColour.runnerUp().point().method()).isEqualTo("more noise");
    }

    @Test
    void whenNoMergeSatisfiesTheRulesTheBindingRuleAndTheBestValueReachedAreNamed() {
        List<Map.Entry<SearchSpace.Point, MergeDecision.Accuracies>> merges = List.of(
                Map.entry(point("m1", 0.2), acc(0.9, 0.8, 0.55)),    // colour 0.35/0.4 = 0.875 holds, base holds? 0.55
                Map.entry(point("m2", 0.5), acc(0.75, 0.85, 0.55)));
        MergePolicy strict = policy(POLICY.replace("{probe: base, accuracy: 0.5}", "{probe: base, accuracy: 0.7}"));
        MergeDecision.Outcome o = MergeDecision.decide(strict, candidates(), merges);
        assertThat(o.decided()).isFalse();
        assertThat(o.chosen()).isNull();
        assertThat(o.binding()).hasSize(1);
        MergeDecision.Binding b = o.binding().getFirst();
        assertThat(b.rule().describe()).isEqualTo("base accuracy >= 0.7");
        assertThat(b.subset()).isEqualTo(MergeDecision.SELECTION);
        assertThat(b.best()).isCloseTo(0.55, within(1e-12));
        assertThat(b.value()).isCloseTo(0.55, within(1e-12));
        assertThat(b.describe()).contains("base accuracy >= 0.7", "0.5500");
    }

    @Test
    void aChoiceThatFailsOnTheTestSubsetIsNoDecisionAndNamesTheRule() {
        List<Map.Entry<SearchSpace.Point, MergeDecision.Accuracies>> merges = List.of(
                Map.entry(point("flattered by selection", 0.2), accSplit(0.95, 0.7, 0.6, 0.7, 0.7, 0.6)));
        List<MergeDecision.Accuracies> cands = List.of(accSplit(1.0, 0.6, 0.6, 1.0, 0.6, 0.6),
                accSplit(0.6, 0.9, 0.6, 0.6, 0.9, 0.6));
        MergeDecision.Outcome o = MergeDecision.decide(policy(POLICY), cands, merges);
        assertThat(o.chosen()).isNotNull();
        assertThat(o.confirmed()).isFalse();
        assertThat(o.decided()).isFalse();
        assertThat(o.binding()).singleElement().satisfies(b -> {
            assertThat(b.subset()).isEqualTo(MergeDecision.TEST);
            assertThat(b.rule().probe()).isEqualTo("color");
            assertThat(b.value()).isCloseTo(0.25, within(1e-9)); // (0.7 - 0.6) / (1.0 - 0.6)
        });
    }

    @Test
    void aCueNoCandidateLearnedCannotCarryARetentionRule() {
        List<MergeDecision.Accuracies> none = List.of(acc(0.61, 0.6, 0.6), acc(0.6, 0.9, 0.6));
        assertThatThrownBy(() -> MergeDecision.decide(policy(POLICY), none, List.of()))
                .hasMessageContaining("probe 'color': no candidate learned its cue").hasMessageContaining("0.0100");
    }

    @Test
    void badPoliciesAreRefusedNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> policy(POLICY + "bogus: 1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'bogus'");
        assertThatThrownBy(() -> policy(POLICY.replace("{probe: color, retention: 0.8}",
                "{probe: colour, retention: 0.8}"))).hasMessageContaining("must_keep[0].probe: 'colour'");
        assertThatThrownBy(() -> policy(POLICY.replace("{probe: base, accuracy: 0.5}", "{probe: base, retention: 0.5}")))
                .hasMessageContaining("must_keep[1]: probe 'base' has no cue");
        assertThatThrownBy(() -> policy(POLICY.replace("{probe: base, accuracy: 0.5}", "{probe: base, accuracy: 5}")))
                .hasMessageContaining("must_keep[1].accuracy: 5.0 is outside [0, 1]");
        assertThatThrownBy(() -> policy(POLICY.replace("maximize: mean_retention", "maximize: stripes")))
                .hasMessageContaining("prefer.maximize: 'stripes'");
        assertThatThrownBy(() -> policy(POLICY.replace("candidates: [a.safetensors, b.safetensors]",
                "candidates: [a.safetensors]"))).hasMessageContaining("two or more");
        assertThatThrownBy(() -> policy(POLICY.replace("seeds: [0, 1, 2]", "seeds: [0, 0]")))
                .hasMessageContaining("seeds[1]: 0 is listed twice");
        assertThatThrownBy(() -> policy(POLICY.replace("color: {cue: color}", "color: {cue: colour}")))
                .hasMessageContaining("probes.color.cue: unknown cue 'colour'");
        // search points against the registry and the budget
        assertThatThrownBy(() -> SearchSpace.of(policy(POLICY.replace("methods: [linear]", "methods: [lineer]"))))
                .hasMessageContaining("search.methods[0]: unknown merge method 'lineer'");
        assertThatThrownBy(() -> SearchSpace.of(policy(POLICY.replace("budget: 20", "budget: 5"))))
                .hasMessageContaining("search.budget").hasMessageContaining("11 (method, coefficient) points");
        assertThatThrownBy(() -> SearchSpace.of(policy(POLICY.replace("methods: [linear]",
                "methods: [{method: ties, density: [0.5], lambda: 1, bogus: 2}]"))))
                .hasMessageContaining("search.methods[0] (ties)").hasMessageContaining("bogus");
    }

    @Test
    void aDataSpecsRelativeDirectoryIsThePolicyFilesNeighbour() {
        Path dir = Path.of("/policies/team");
        assertThat(MergePolicy.dataRelativeTo("folder:probe-images", dir)).isEqualTo("folder:/policies/team/probe-images");
        assertThat(MergePolicy.dataRelativeTo("folder:/abs/imgs", dir)).isEqualTo("folder:/abs/imgs");
        assertThat(MergePolicy.dataRelativeTo("cifar10:../c10", dir)).isEqualTo("cifar10:/policies/c10");
        assertThat(MergePolicy.dataRelativeTo("fashion-mnist", dir)).isEqualTo("fashion-mnist");
        assertThat(MergePolicy.dataRelativeTo("builtin:size=480,test-size=200", dir))
                .isEqualTo("builtin:size=480,test-size=200");
    }

    @Test
    void theSearchSpaceExpandsTheMethodStudysGridsForTwoAndForThreeCandidates() {
        List<SearchSpace.Point> two = SearchSpace.of(policy(POLICY.replace("methods: [linear]",
                "methods: [linear, task_arithmetic, ties, dare_ties, magmax]").replace("budget: 20", "budget: 30")));
        assertThat(two).extracting(SearchSpace.Point::describe).startsWith("linear (alpha=0)", "linear (alpha=0.1)")
                .contains("task_arithmetic (lambda=0.5)", "ties (density=0.2;lambda=1)", "ties (density=0.5;lambda=1)",
                        "dare_ties (density=0.3)", "magmax").hasSize(11 + 3 + 2 + 1 + 1);
        SearchSpace.Point alpha = two.get(3);
        assertThat(alpha.perModel()).containsExactly(Map.of("weight", 0.7), Map.of("weight", 0.3));
        assertThat(two.stream().filter(SearchSpace.Point::seeded)).extracting(SearchSpace.Point::method)
                .containsExactly("dare_ties");

        String three = POLICY.replace("candidates: [a.safetensors, b.safetensors]",
                "candidates: [a.safetensors, b.safetensors, c.safetensors]\nweights: [1, 2, 3]");
        List<SearchSpace.Point> linear3 = SearchSpace.of(policy(three));
        assertThat(linear3).singleElement().satisfies(p -> assertThat(p.perModel()).containsExactly(
                Map.of("weight", 1.0), Map.of("weight", 2.0), Map.of("weight", 3.0)));
        assertThatThrownBy(() -> SearchSpace.of(policy(three.replace("methods: [linear]", "methods: [slerp]"))))
                .hasMessageContaining("slerp merges exactly two models");
    }
}
