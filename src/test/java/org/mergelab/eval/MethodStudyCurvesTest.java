package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MethodStudy} on {@link SyntheticMethodStudy}'s hand-built rows: every expected value is computed by hand. */
class MethodStudyCurvesTest {

    private static final double EPS = 1e-12;

    private static final List<MethodStudy.Curve> CURVES = MethodStudy.curves(SyntheticMethodStudy.rows(),
            SyntheticMethodStudy.pretrained(), SyntheticMethodStudy.protocols());

    private static MethodStudy.Curve curve(String method, Regime regime, String protocol, String cue) {
        return CURVES.stream().filter(c -> c.method().equals(method) && c.regime() == regime && c.protocol().equals(protocol)
                && c.cue().equals(cue)).findFirst().orElseThrow();
    }

    private static List<Double> means(MethodStudy.Curve c) {
        return c.values().stream().map(Statistic::mean).toList();
    }

    @Test
    void curvesGiveEveryPointsRetentionOnTheTestSubsetMeanOverSeeds() {
        MethodStudy.Curve color = curve("linear", Regime.INCREMENTAL, "task-specific", "color");
        assertThat(color.points()).containsExactly("alpha=0", "alpha=0.5", "alpha=1");
        assertThat(color.values().get(0).mean()).isCloseTo(1.0, within(EPS));
        // test subset, not the selection subset's 0.50/0.55/0.60: (62+s-50)/20
        assertThat(color.values().get(1).perSeed()).satisfiesExactly(
                v -> assertThat(v).isCloseTo(0.60, within(EPS)), v -> assertThat(v).isCloseTo(0.65, within(EPS)),
                v -> assertThat(v).isCloseTo(0.70, within(EPS)));
        assertThat(color.values().get(1).mean()).isCloseTo(0.65, within(EPS));
        assertThat(color.values().get(1).se()).isCloseTo(0.05 / Math.sqrt(3), within(EPS));
        assertThat(color.values().get(2).mean()).isCloseTo(0.0, within(EPS));
        assertThat(means(curve("linear", Regime.INCREMENTAL, "task-specific", "noise")))
                .satisfiesExactly(v -> assertThat(v).isCloseTo(0.0, within(EPS)), v -> assertThat(v).isCloseTo(0.5, within(EPS)),
                        v -> assertThat(v).isCloseTo(1.0, within(EPS)));
        assertThat(curve("linear", Regime.PARALLEL, "task-specific", "color").values().get(1).mean()).isCloseTo(0.45, within(EPS));
    }

    @Test
    void baseCurveIsMergedBaseMinusPretrainedBaseInTheSelectionProtocol() {
        MethodStudy.Curve base = curve("fisher", Regime.INCREMENTAL, "task-specific", MethodStudy.BASE);
        assertThat(base.points()).containsExactly("");
        assertThat(base.values().getFirst().perSeed()).satisfiesExactly(
                v -> assertThat(v).isCloseTo(-0.05, within(EPS)), v -> assertThat(v).isCloseTo(-0.06, within(EPS)),
                v -> assertThat(v).isCloseTo(-0.07, within(EPS)));
        assertThat(CURVES).noneMatch(c -> c.protocol().equals("shared") && c.cue().equals(MethodStudy.BASE));
    }

    @Test
    void masksAreAveragedWithinASeedAndUndefinedRetentionsStayUndefined() {
        assertThat(curve("dare_ties", Regime.INCREMENTAL, "task-specific", "color").values().getFirst().mean())
                .isCloseTo(0.6, within(EPS));
        // the shared endpoint's advantage is 0.01 < MIN_ADVANTAGE
        assertThat(curve("linear", Regime.INCREMENTAL, "shared", "color").values()).allSatisfy(s -> assertThat(s.mean()).isNull());
        // one curve per method x regime x BN policy x (each protocol's cues, then base)
        assertThat(CURVES).hasSize(3 * 2 * 4);
        assertThat(CURVES.stream().filter(c -> c.method().equals("linear") && c.regime() == Regime.INCREMENTAL)
                .map(c -> c.protocol() + "/" + c.cue()).toList())
                .containsExactly("task-specific/color", "task-specific/noise", "shared/color", "task-specific/base");
    }

    @Test
    void theReportedRowIsTheCurveAtTheChosenPoint() {
        MethodStudy.Result r = MethodStudy.compute(SyntheticMethodStudy.rows(), SyntheticMethodStudy.pretrained(),
                SyntheticMethodStudy.protocols());
        MethodStudy.Row linear = r.rows().stream().filter(x -> x.method().equals("linear") && x.regime() == Regime.INCREMENTAL)
                .findFirst().orElseThrow();
        assertThat(linear.coefficient()).isEqualTo("alpha=0.5");
        assertThat(linear.selectionScore()).isCloseTo(0.5, within(EPS));
        int at = curve("linear", Regime.INCREMENTAL, "task-specific", "color").points().indexOf(linear.coefficient());
        assertThat(linear.retention().get("task-specific").get("color"))
                .isEqualTo(curve("linear", Regime.INCREMENTAL, "task-specific", "color").values().get(at));
        assertThat(linear.baseRetention()).isEqualTo(curve("linear", Regime.INCREMENTAL, "task-specific", MethodStudy.BASE)
                .values().get(at));
        MethodStudy.RegimeDifference d = r.incrementalMinusParallel().stream().filter(x -> x.method().equals("linear"))
                .findFirst().orElseThrow();
        assertThat(d.difference().mean()).isCloseTo(0.05, within(EPS));
    }
}
