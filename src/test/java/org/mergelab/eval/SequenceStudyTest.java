package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceStudyTest {

    private static final BatchNormPolicy BN = BatchNormPolicy.INTERPOLATE;

    /** Accuracy in hundredths of 100 images. */
    private static SequenceRow row(long seed, String sequence, Regime regime, int step, String probe, int percent) {
        return new SequenceRow(seed, sequence, regime, BN, "none", step, probe, percent, 100);
    }

    private static Map<String, List<String>> sequences() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("ts", List.of("color", "noise", "stripes"));
        s.put("sh", List.of("color", "color", "color"));
        return s;
    }

    /**
     * Seed s (0, 1, 2): base 80 at every step; incremental colour 90, 80, 70 - s after steps 1..3, noise 90 then 85,
     * stripes 90; parallel colour 90, 70, 50 - s, noise 90 then 60, stripes 90. Shared: colour 90, 92, 94 in both regimes.
     * theta0's base accuracy 85.
     */
    private static List<SequenceRow> rows() {
        List<SequenceRow> out = new ArrayList<>();
        for (long s = 0; s < 3; s++) {
            int d = (int) s;
            for (Regime r : Regime.values()) {
                boolean inc = r == Regime.INCREMENTAL;
                for (int k = 1; k <= 3; k++) {
                    out.add(row(s, "ts", r, k, "base", 80));
                    out.add(row(s, "ts", r, k, "color", k == 1 ? 90 : k == 2 ? (inc ? 80 : 70) : (inc ? 70 - d : 50 - d)));
                    if (k >= 2) {
                        out.add(row(s, "ts", r, k, "noise", k == 2 ? 90 : inc ? 85 : 60));
                    }
                    if (k == 3) {
                        out.add(row(s, "ts", r, k, "stripes", 90));
                    }
                    out.add(row(s, "sh", r, k, "base", 80));
                    out.add(row(s, "sh", r, k, "color", 88 + 2 * k));
                }
            }
        }
        return out;
    }

    private static List<ProbeAccuracy> pretrained() {
        return List.of(new ProbeAccuracy(0, "base", 85, 100), new ProbeAccuracy(1, "base", 85, 100),
                new ProbeAccuracy(2, "base", 85, 100));
    }

    @Test
    void theMatricesAndTheFiguresAfterEveryStepArePerSeedThenMean() {
        SequenceStudy.Result r = SequenceStudy.compute(rows(), pretrained(), sequences());
        assertThat(r.tables()).hasSize(4);
        SequenceStudy.Table inc = r.tables().stream().filter(t -> t.sequence().equals("ts") && t.regime() == Regime.INCREMENTAL)
                .findFirst().orElseThrow();
        assertThat(inc.kind()).isEqualTo(SequenceStudy.TASK_SPECIFIC);
        assertThat(inc.accuracy().get(0)).containsExactly(0.85, null, null, null);
        assertThat(inc.accuracy().get(3).get(1)).isCloseTo(0.69, within(1e-12)); // mean of 0.70, 0.69, 0.68
        assertThat(inc.advantage().get(3).get(1)).isCloseTo(-0.11, within(1e-12)); // 0.69 - 0.80
        assertThat(inc.advantage().get(1).get(2)).isNull();
        SequenceStudy.StepFigures last = inc.last();
        // advantage after step 3: colour -0.11 (mean), noise 0.05, stripes 0.10 -> ACC = 0.04 / 3
        assertThat(last.advAcc().mean()).isCloseTo(0.04 / 3, within(1e-12));
        // BWT on advantage: colour (-0.1 - s/100) - 0.10, noise 0.05 - 0.10 -> mean over seeds (-0.21 - 0.05) / 2 = -0.13
        assertThat(last.advBwt().mean()).isCloseTo(-0.13, within(1e-12));
        assertThat(last.advBwt().perSeed()).hasSize(3);
        assertThat(last.baseChange().mean()).isCloseTo(-0.05, within(1e-12)); // 0.80 - 0.85
        assertThat(inc.steps().get(0).advBwt().mean()).isNull();

        SequenceStudy.Table shared = r.tables().stream().filter(t -> t.sequence().equals("sh")).findFirst().orElseThrow();
        assertThat(shared.kind()).isEqualTo(SequenceStudy.SHARED);
        // the shared cue gains 0.02 per step: BWT on accuracy ((0.94 - 0.90) + (0.94 - 0.92)) / 2 = +0.03; forgetting
        // compares with each column's best before step 3, 0.92 for both: ((0.92 - 0.94) + (0.92 - 0.94)) / 2 = -0.02
        assertThat(shared.last().bwt().mean()).isCloseTo(0.03, within(1e-12));
        assertThat(shared.last().forgetting().mean()).isCloseTo(-0.02, within(1e-12));
    }

    @Test
    void findingThreeAtLengthComparesTheRegimesOnTheFirstCueAfterEveryStep() {
        SequenceStudy.Result r = SequenceStudy.compute(rows(), pretrained(), sequences());
        assertThat(r.incrementalMinusParallel()).as("task-specific sequences only").hasSize(1);
        SequenceStudy.LengthFinding f = r.incrementalMinusParallel().get(0);
        assertThat(f.cue()).isEqualTo("color");
        assertThat(f.steps().get(0).difference().mean()).isEqualTo(0.0);
        assertThat(f.steps().get(1).difference().mean()).isCloseTo(0.10, within(1e-12));
        assertThat(f.steps().get(2).difference().mean()).isCloseTo(0.20, within(1e-12));
        assertThat(f.trend().mean()).isCloseTo(0.10, within(1e-12));
        assertThat(f.verdict()).as("the same +0.10 in every seed: SE 0").isEqualTo("grows");
    }

    @Test
    void theVerdictNeedsTwoStandardErrorsAndThreeSeeds() {
        assertThat(SequenceStudy.verdict(Statistic.ofValues(0.05, 0.06, 0.07))).isEqualTo("grows");
        assertThat(SequenceStudy.verdict(Statistic.ofValues(-0.05, -0.06, -0.07))).isEqualTo("shrinks");
        assertThat(SequenceStudy.verdict(Statistic.ofValues(-0.05, 0.02, 0.06))).isEqualTo("no clear change");
        assertThat(SequenceStudy.verdict(Statistic.ofValues(0.05, 0.06))).isEqualTo("insufficient seeds");
        assertThat(SequenceStudy.verdict(Statistic.of(java.util.Arrays.asList((Double) null)))).isEqualTo("n/a");
    }

    @Test
    void aMissingRowIsAnErrorThatNamesIt() {
        List<SequenceRow> rows = new ArrayList<>(rows());
        rows.removeIf(x -> x.seed() == 1 && x.sequence().equals("ts") && x.regime() == Regime.PARALLEL && x.step() == 2
                && x.probe().equals("noise"));
        assertThatThrownBy(() -> SequenceStudy.compute(rows, pretrained(), sequences()))
                .hasMessageContaining("seed 1").hasMessageContaining("step 2").hasMessageContaining("probe noise");
        assertThatThrownBy(() -> SequenceStudy.compute(rows(), pretrained().subList(0, 2), sequences()))
                .hasMessageContaining("no base row of theta0 for seed 2");
    }
}
