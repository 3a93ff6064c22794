package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.Regime;
import org.mergelab.eval.SequenceStudy;
import org.mergelab.eval.Statistic;

class SequenceTablesTest {

    @TempDir
    Path dir;

    /** A two-step task-specific table whose advantage matrix and last-step forgetting are given. */
    private static SequenceStudy.Table table(Regime regime, String strategy, double forgetting, Double... advantages) {
        List<List<Double>> adv = List.of(
                Arrays.asList(null, null, null),
                Arrays.asList(null, advantages[0], null),
                Arrays.asList(null, advantages[1], advantages[2]));
        Statistic s = Statistic.ofValues(0.5, 0.5, 0.5);
        Statistic f = Statistic.ofValues(forgetting, forgetting, forgetting);
        List<SequenceStudy.StepFigures> steps = List.of(
                new SequenceStudy.StepFigures(1, s, Statistic.of(Arrays.asList(null, null, null)), s, s, s, s, s, s, s),
                new SequenceStudy.StepFigures(2, s, s, s, s, s, f, s, s, s));
        return new SequenceStudy.Table("ts", SequenceStudy.TASK_SPECIFIC, List.of("color", "noise"), BatchNormPolicy.INTERPOLATE,
                regime, strategy, List.of(0L, 1L, 2L), adv, adv, steps);
    }

    @Test
    void heatmapsShowEveryDefinedCellShadedByItsSignAndLeaveTheRestEmpty() {
        String html = SequenceTables.heatmaps(List.of(table(Regime.INCREMENTAL, "none", 0.1, 0.4, -0.2, 0.3)));
        assertThat(html).contains("<caption>incremental · none</caption>")
                .contains("<th>T1 colour</th>").contains("<th>T2 noise</th>")
                .contains("<td class=\"num\" style=\"background:rgba(0,114,178,0.55)\">+0.40</td>") // the largest magnitude
                .contains("<td class=\"num\" style=\"background:rgba(213,94,0,0.28)\">-0.20</td>") // half of it, below 0
                .contains("<td class=\"empty\"></td>"); // task 2 after step 1
        assertThat(html.split("<tr><th>step ", -1)).hasSize(3);
    }

    @Test
    void theLeastForgettingStrategyIsNamedPerRegime() {
        List<SequenceStudy.Table> tables = new ArrayList<>();
        tables.add(table(Regime.INCREMENTAL, "none", 0.30, 0.4, 0.1, 0.3));
        tables.add(table(Regime.INCREMENTAL, "trajectory_uniform", 0.05, 0.4, 0.3, 0.2));
        tables.add(table(Regime.PARALLEL, "none", 0.20, 0.4, 0.1, 0.3));
        tables.add(table(Regime.PARALLEL, "magmax", 0.25, 0.4, 0.1, 0.3));
        assertThat(SequenceTables.leastForgetting(tables)).contains("incremental: <strong>trajectory_uniform</strong> (0.050 ± 0.000)")
                .contains("parallel: <strong>none</strong> (0.200 ± 0.000)");
    }

    @Test
    void theReportOfARunWithSequencesHasTheSectionItsPlotsAndFindingThreeAtLength() throws Exception {
        Path run = new SyntheticRun().name("synthetic-sequences").writeWithSequences(dir.resolve("run"));
        String html = Files.readString(RunReport.write(run));
        assertThat(html).contains("<h2>Longer sequences</h2>")
                .contains("Sequence task-specific (colour → noise → stripes → frame), task-specific, BN interpolate")
                .contains("Sequence shared (colour → colour → colour → colour), shared, BN interpolate")
                .contains("colour (every task)")
                .contains("Finding 3 at length");
        for (String plot : List.of("sequence_task-specific_acc_bn-interpolate", "sequence_task-specific_bwt_bn-interpolate",
                "sequence_shared_acc_bn-interpolate")) {
            assertThat(run.resolve("plots").resolve(plot + ".svg")).exists();
            assertThat(html).contains("id=\"" + plot + "\"");
        }
        // the synthetic incremental chain forgets 0.06 per later step, the parallel fan-out 0.14: the chain's lead on the
        // first cue grows with every step, so the trend from step 2 to step 4 is about 2 x (0.14 - 0.06) = +0.16
        assertThat(html).containsPattern("\\+0\\.1[5-7]\\d ± 0\\.0\\d\\d \\(grows\\)");
    }
}
