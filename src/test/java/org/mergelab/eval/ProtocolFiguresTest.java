package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolFiguresTest {

    private static final double[] ALPHAS = {0.0, 0.5, 1.0};

    /** Adds rows for one curve; accuracies in thousandths of 1000 images. */
    private static void curve(List<ResultRow> rows, long seed, String protocol, String regime, String probe, int... permille) {
        for (int i = 0; i < ALPHAS.length; i++) {
            rows.add(new ResultRow(seed, protocol, Regime.of(regime), BatchNormPolicy.INTERPOLATE, ALPHAS[i], probe, permille[i], 1000, "t1", "t2"));
        }
    }

    @Test
    void halfLifeInterpolatesBetweenGridPoints() {
        List<ResultRow> rows = new ArrayList<>();
        curve(rows, 1, "task-specific", "incremental", "base", 500, 500, 500);
        ProtocolFigures f = new ProtocolFiguresAccess(rows).figures;
        // R = 1, 0.75, 0.25 from alpha 0: crosses 0.5 at 0.5 + (0.75-0.5)/(0.75-0.25) * 0.5 = 0.75
        assertThat(f.halfLife(new double[] {1, 0.75, 0.25}, 0.0)).isCloseTo(0.75, within(1e-12));
        // from alpha 1, walking down: R(1)=1, R(0.5)=0.4 -> 0 + (1-0.5)/(1-0.4) * 0.5
        assertThat(f.halfLife(new double[] {0.1, 0.4, 1.0}, 1.0)).isCloseTo(0.5 / 0.6 * 0.5, within(1e-12));
        assertThat(f.halfLife(new double[] {1, 0.9, 0.6}, 0.0)).isNull();
    }

    private static final class ProtocolFiguresAccess {
        final ProtocolFigures figures;

        ProtocolFiguresAccess(List<ResultRow> rows) {
            Summary ignored = ProtocolFigures.compute(rows, List.of(), List.of(ProtocolDefinition.TASK_SPECIFIC));
            assertThat(ignored.seeds()).containsExactly(1L);
            figures = newFigures(rows);
        }
    }

    private static ProtocolFigures newFigures(List<ResultRow> rows) {
        try {
            var c = ProtocolFigures.class.getDeclaredConstructor(List.class, List.class, List.class);
            c.setAccessible(true);
            return c.newInstance(rows, List.of(), List.of(ProtocolDefinition.TASK_SPECIFIC));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Three seeds, both protocols and regimes, with accuracies chosen so every figure is known. */
    private static List<ResultRow> fullRun() {
        List<ResultRow> rows = new ArrayList<>();
        for (long s = 1; s <= 3; s++) {
            int d = (int) s; // a small per-seed offset so standard errors are non-zero
            for (String regime : List.of("incremental", "parallel")) {
                int bonus = regime.equals("incremental") ? 20 : 0;
                curve(rows, s, "task-specific", regime, "base", 700, 700, 700);
                // color advantage 0.3 -> 0.06 + bonus -> 0 : retention at the midpoint (60+bonus+d)/300
                curve(rows, s, "task-specific", regime, "color", 1000, 760 + bonus + d, 700);
                // noise advantage 0 -> 0.1 -> 0.2 : retention at midpoint 0.5
                curve(rows, s, "task-specific", regime, "noise", 700, 800 + bonus, 900);
                curve(rows, s, "shared", regime, "base", 700, 700, 700);
                curve(rows, s, "shared", regime, "color", 1000, 1000 - d, 990);
            }
        }
        return rows;
    }

    @Test
    void findingsHoldOnAConstructedRunWithTheirNumbers() {
        List<ProbeAccuracy> pre = List.of(new ProbeAccuracy(1, "base", 800, 1000), new ProbeAccuracy(2, "base", 800, 1000),
                new ProbeAccuracy(3, "base", 800, 1000));
        Summary s = ProtocolFigures.compute(fullRun(), pre, List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED));
        assertThat(s.findings()).extracting(Summary.Finding::status).containsOnly(Summary.Finding.HELD);

        Summary.CueFigures tsColorInc = s.cues().stream()
                .filter(c -> c.protocol().equals("task-specific") && c.regime() == Regime.INCREMENTAL && c.cue().equals("color"))
                .findFirst().orElseThrow();
        // per seed retention at 0.5 = (80 + s) / 300, mean over s = 1..3 -> 82 / 300
        assertThat(tsColorInc.retention().get(1).mean()).isCloseTo(82.0 / 300, within(1e-9));
        assertThat(tsColorInc.referenceAlpha()).isEqualTo(0.0);

        Summary.RegimeDifference colorDiff = s.incrementalMinusParallel().stream()
                .filter(r -> r.protocol().equals("task-specific") && r.probe().equals("color")).findFirst().orElseThrow();
        // incremental is 0.02 higher at the midpoint only: mean over 3 alphas = 0.02 / 3
        assertThat(colorDiff.difference().mean()).isCloseTo(0.02 / 3, within(1e-12));

        Summary.BaseRetention br = s.baseRetention().get(0);
        assertThat(br.difference().get(0).mean()).isCloseTo(-0.1, within(1e-12));
    }

    @Test
    void aFindingThatFailsIsReportedAsNotHeld() {
        List<ResultRow> rows = new ArrayList<>();
        for (ResultRow r : fullRun()) {
            // make parallel better than incremental on both cues
            if (r.regime() == Regime.PARALLEL && (r.probe().equals("color") || r.probe().equals("noise")) && r.alpha() == 0.5) {
                rows.add(new ResultRow(r.seed(), r.protocol(), r.regime(), r.bnPolicy(), r.alpha(), r.probe(), r.correct() + 100,
                        r.total(), r.theta1(), r.theta2()));
            } else {
                rows.add(r);
            }
        }
        Summary s = ProtocolFigures.compute(rows, List.of(), List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED));
        Summary.Finding f3 = s.findings().stream().filter(f -> f.number() == 3).findFirst().orElseThrow();
        assertThat(f3.status()).isEqualTo(Summary.Finding.NOT_HELD);
        assertThat(f3.statement()).contains("NOT above 0");
    }

    @Test
    void findingOneRChecksTheMeanSharedCueRetentionAgainstTheLowerEndpoint() {
        List<ProtocolDefinition> protocols = List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED);
        Summary.Finding held = ProtocolFigures.compute(fullRun(), List.of(), protocols).findings().stream()
                .filter(f -> "1r".equals(f.label())).findFirst().orElseThrow();
        // adv = 0.3, 0.3 - s/1000, 0.29: denominator 0.29; mean R = 1.0345, (0.3 - 0.002) / 0.29, 1 -> min 1 at alpha 1
        assertThat(held.status()).isEqualTo(Summary.Finding.HELD);
        assertThat(held.number()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> inc = (Map<String, Object>) held.numbers().get("incremental");
        assertThat((double) inc.get("min_mean_retention")).isCloseTo(1.0, within(1e-12));
        assertThat((double) inc.get("at_alpha")).isEqualTo(1.0);

        // the shared colour advantage halves at the midpoint: mean R(0.5) = (0.15 - s/1000) / 0.29 per seed
        List<ResultRow> dipped = new ArrayList<>();
        for (ResultRow r : fullRun()) {
            boolean mid = r.protocol().equals("shared") && r.probe().equals("color") && r.alpha() == 0.5;
            dipped.add(mid ? new ResultRow(r.seed(), r.protocol(), r.regime(), r.bnPolicy(), r.alpha(), r.probe(),
                    r.correct() - 150, r.total(), r.theta1(), r.theta2()) : r);
        }
        Summary.Finding notHeld = ProtocolFigures.compute(dipped, List.of(), protocols).findings().stream()
                .filter(f -> "1r".equals(f.label())).findFirst().orElseThrow();
        assertThat(notHeld.status()).isEqualTo(Summary.Finding.NOT_HELD);
        @SuppressWarnings("unchecked")
        Map<String, Object> par = (Map<String, Object>) notHeld.numbers().get("parallel");
        assertThat((double) par.get("min_mean_retention")).isCloseTo((0.15 - 0.002) / 0.29, within(1e-12));
        assertThat(notHeld.statement()).contains("NOT held");

        // an endpoint without the cue leaves the figure undefined, which is said, not hidden
        List<ResultRow> unlearned = new ArrayList<>();
        for (ResultRow r : fullRun()) {
            boolean end = r.protocol().equals("shared") && r.probe().equals("color") && r.alpha() == 1.0 && r.seed() == 2;
            unlearned.add(end ? new ResultRow(r.seed(), r.protocol(), r.regime(), r.bnPolicy(), r.alpha(), r.probe(),
                    710, r.total(), r.theta1(), r.theta2()) : r);
        }
        Summary.Finding undefined = ProtocolFigures.compute(unlearned, List.of(), protocols).findings().stream()
                .filter(f -> "1r".equals(f.label())).findFirst().orElseThrow();
        assertThat(undefined.status()).isEqualTo(Summary.Finding.NOT_EVALUATED);
        assertThat(undefined.statement()).contains("undefined (seed 2");
    }

    @Test
    void twoSeedsReadInsufficient() {
        List<ResultRow> rows = fullRun().stream().filter(r -> r.seed() < 3).toList();
        Summary s = ProtocolFigures.compute(rows, List.of(), List.of(ProtocolDefinition.TASK_SPECIFIC, ProtocolDefinition.SHARED));
        assertThat(s.findings()).extracting(Summary.Finding::status).containsOnly(Summary.Finding.INSUFFICIENT);
    }
}
