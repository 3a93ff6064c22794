package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodStudyTest {

    private static final List<ProtocolDefinition> PROTOCOLS = List.of(ProtocolDefinition.TASK_SPECIFIC,
            ProtocolDefinition.SHARED);

    /** base, color and noise accuracies (per mille) of one model on one subset. */
    private static void model(List<MergeRow> rows, long seed, String protocol, Regime regime, String method,
            String coefficient, long mergeSeed, String subset, int base, int color, int noise) {
        for (String probe : List.of("base", "color", "noise")) {
            int c = probe.equals("base") ? base : probe.equals("color") ? color : noise;
            rows.add(new MergeRow(seed, protocol, regime, BatchNormPolicy.INTERPOLATE, method, "", coefficient, mergeSeed,
                    subset, probe, c, 1000, null, null));
        }
    }

    /**
     * Two seeds; endpoints: theta1 colour advantage 0.2, theta2 noise advantage 0.1 (task-specific), theta1 and theta2
     * colour advantage 0.2 (shared). On the selection subset ties at density 0.5 keeps advantages (0.1, 0.08), so
     * retentions (0.5, 0.8) and balanced 0.5; at density 1 (0.18, 0.002), balanced 0.02: 0.5 is chosen. On the test
     * subset at 0.5 the colour advantage is 0.12 + seed/1000 (+ bonus), the noise 0.06.
     */
    private static List<MergeRow> rows(Regime regime, int bonus) {
        List<MergeRow> rows = new ArrayList<>();
        for (long s = 0; s < 2; s++) {
            for (String subset : List.of(MergeRow.SELECTION, MergeRow.TEST)) {
                model(rows, s, "task-specific", regime, MergeRow.ENDPOINT, "theta1", 0, subset, 500, 700, 500);
                model(rows, s, "task-specific", regime, MergeRow.ENDPOINT, "theta2", 0, subset, 500, 500, 600);
                model(rows, s, "shared", regime, MergeRow.ENDPOINT, "theta1", 0, subset, 500, 700, 500);
                model(rows, s, "shared", regime, MergeRow.ENDPOINT, "theta2", 0, subset, 500, 700, 500);
            }
            model(rows, s, "task-specific", regime, "ties", "density=0.5", 0, MergeRow.SELECTION, 500, 600, 580);
            model(rows, s, "task-specific", regime, "ties", "density=1", 0, MergeRow.SELECTION, 500, 680, 502);
            model(rows, s, "shared", regime, "ties", "density=0.5", 0, MergeRow.SELECTION, 500, 690, 500);
            model(rows, s, "shared", regime, "ties", "density=1", 0, MergeRow.SELECTION, 500, 690, 500);
            model(rows, s, "task-specific", regime, "ties", "density=0.5", 0, MergeRow.TEST, 480, 600 + (int) s + bonus,
                    540);
            model(rows, s, "task-specific", regime, "ties", "density=1", 0, MergeRow.TEST, 500, 690, 500);
            model(rows, s, "shared", regime, "ties", "density=0.5", 0, MergeRow.TEST, 500, 650, 500);
            model(rows, s, "shared", regime, "ties", "density=1", 0, MergeRow.TEST, 500, 690, 500);
        }
        return rows;
    }

    @Test
    void theCoefficientIsChosenOnTheSelectionSubsetAndReportedOnTheTestSubset() {
        List<ProbeAccuracy> pretrained = List.of(new ProbeAccuracy(0, "base", 520, 1000),
                new ProbeAccuracy(1, "base", 510, 1000));
        MethodStudy.Result r = MethodStudy.compute(rows(Regime.INCREMENTAL, 0), pretrained, PROTOCOLS);
        assertThat(r.selectionProtocol()).isEqualTo("task-specific");
        MethodStudy.Row row = r.rows().getFirst();
        assertThat(row.coefficient()).isEqualTo("density=0.5");
        assertThat(row.selectionScore()).isCloseTo(0.5, within(1e-12)); // min(0.1 / 0.2, 0.08 / 0.1)
        // test subset: colour (0.12 + s/1000) / 0.2, noise 0.06 / 0.1 = 0.6, shared colour 0.15 / 0.2
        assertThat(row.retention().get("task-specific").get("color").mean()).isCloseTo(0.1205 / 0.2, within(1e-12));
        assertThat(row.retention().get("task-specific").get("noise").mean()).isCloseTo(0.6, within(1e-12));
        assertThat(row.retention().get("shared").get("color").mean()).isCloseTo(0.75, within(1e-12));
        assertThat(row.balancedRetention().mean()).isCloseTo(0.6, within(1e-12)); // min(0.6025, 0.6)
        // base retention: 0.48 - pretrained (0.52, 0.51)
        assertThat(row.baseRetention().mean()).isCloseTo(-0.035, within(1e-12));
    }

    @Test
    void thePredictorIsRankedAgainstTheMeasuredRetentionAtTheChosenCoefficient() {
        List<MergeRow> rows = new ArrayList<>();
        for (MergeRow r : rows(Regime.INCREMENTAL, 0)) {
            // predictions twice the measured test retentions of density 0.5 (colour (0.12 + s/1000) / 0.2, noise 0.6,
            // shared colour 0.75): the same ranks, so rho = 1; at density 1 a prediction that would rank otherwise
            Double first = null;
            Double second = null;
            if (r.coefficient().equals("density=0.5") && r.protocol().equals("task-specific")) {
                first = 2 * (0.12 + r.seed() / 1000.0) / 0.2;
                second = 1.2;
            } else if (r.coefficient().equals("density=0.5")) {
                first = 1.5;
                second = 1.5;
            } else if (r.coefficient().equals("density=1")) {
                first = -5.0;
                second = 9.0;
            }
            rows.add(new MergeRow(r.seed(), r.protocol(), r.regime(), r.bnPolicy(), r.method(), r.params(),
                    r.coefficient(), r.mergeSeed(), r.subset(), r.probe(), r.correct(), r.total(), first, second));
        }
        MethodStudy.Predictor p = MethodStudy.compute(rows, List.of(), PROTOCOLS).predictor().getFirst();
        assertThat(p.n()).isEqualTo(6); // 2 seeds x (colour, noise, shared colour)
        assertThat(p.points()).extracting(MethodStudy.PredictorPoint::cue)
                .containsExactly("color", "color", "noise", "noise", "color", "color");
        double[] measured = {0.6, 0.605, 0.6, 0.6, 0.75, 0.75};
        double[] predicted = {1.2, 1.21, 1.2, 1.2, 1.5, 1.5};
        for (int i = 0; i < 6; i++) {
            assertThat(p.points().get(i).measured()).isCloseTo(measured[i], within(1e-12));
            assertThat(p.points().get(i).predicted()).isCloseTo(predicted[i], within(1e-12));
        }
        // the density-1 predictions, which would rank otherwise, are not used; equal values may differ in their last
        // bit, so the ranks of the tied values are not asserted, only a near-perfect correlation
        assertThat(p.spearman()).isEqualTo(RankCorrelation.spearman(p.points().stream()
                .mapToDouble(MethodStudy.PredictorPoint::predicted).toArray(), p.points().stream()
                .mapToDouble(MethodStudy.PredictorPoint::measured).toArray()).rho());
        assertThat(p.spearman()).isGreaterThan(0.8);
    }

    @Test
    void masksAreAveragedWithinASeedAndIncrementalMinusParallelIsPerSeed() {
        List<MergeRow> rows = new ArrayList<>(rows(Regime.INCREMENTAL, 40));
        rows.addAll(rows(Regime.PARALLEL, 0));
        // a second mask on the incremental selection subset at density 1: accuracies averaged over the masks give
        // advantages (0.19, 0.051), retentions (0.95, 0.51), balanced 0.51, above density 0.5's 0.5
        for (long s = 0; s < 2; s++) {
            model(rows, s, "task-specific", Regime.INCREMENTAL, "ties", "density=1", 1, MergeRow.SELECTION, 500, 700, 600);
            model(rows, s, "task-specific", Regime.INCREMENTAL, "ties", "density=1", 1, MergeRow.TEST, 500, 690, 500);
        }
        MethodStudy.Result r = MethodStudy.compute(rows, List.of(), PROTOCOLS);
        MethodStudy.Row inc = r.rows().stream().filter(x -> x.regime() == Regime.INCREMENTAL).findFirst().orElseThrow();
        assertThat(inc.coefficient()).isEqualTo("density=1");
        assertThat(inc.selectionScore()).isCloseTo(0.51, within(1e-12));
        // incremental at density 1 on test: colour 0.19 / 0.2 = 0.95, noise 0 -> balanced 0; parallel at 0.5: 0.6
        MethodStudy.RegimeDifference d = r.incrementalMinusParallel().getFirst();
        assertThat(d.difference().mean()).isCloseTo(-0.6, within(1e-12));
        assertThat(d.difference().perSeed()).hasSize(2);
    }
}
