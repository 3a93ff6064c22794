package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeLocationTest {

    private static void add(List<SwapRow> rows, long seed, String model, String group, int base, int color, int noise) {
        rows.add(new SwapRow(seed, "task-specific", Regime.INCREMENTAL, model, group, "base", base, 1000));
        rows.add(new SwapRow(seed, "task-specific", Regime.INCREMENTAL, model, group, "color", color, 1000));
        rows.add(new SwapRow(seed, "task-specific", Regime.INCREMENTAL, model, group, "noise", noise, 1000));
    }

    @Test
    void retentionOfEachEndpointsCueWithOneGroupFromTheOther() {
        List<SwapRow> rows = new ArrayList<>();
        for (long s = 0; s < 3; s++) {
            // theta1: colour advantage 0.2; with layer1 from theta2 it falls to 0.05 + s/1000; with fc it keeps 0.2
            add(rows, s, "theta1", SwapRow.NONE, 600, 800, 600);
            add(rows, s, "theta1", "layer1", 600, 650 + (int) s, 600);
            add(rows, s, "theta1", "fc", 590, 790, 590);
            // theta2: noise advantage 0.1; layer1 from theta1 halves it; fc removes it
            add(rows, s, "theta2", SwapRow.NONE, 600, 600, 700);
            add(rows, s, "theta2", "layer1", 600, 600, 650);
            add(rows, s, "theta2", "fc", 600, 600, 600);
        }
        List<KnowledgeLocation.GroupRetention> out = KnowledgeLocation.compute(rows, ProtocolDefinition.TASK_SPECIFIC);
        assertThat(out).extracting(KnowledgeLocation.GroupRetention::group).containsExactly("layer1", "fc");
        KnowledgeLocation.GroupRetention layer1 = out.get(0);
        // (0.05 + s/1000) / 0.2, mean over s = 0..2: (0.051) / 0.2
        assertThat(layer1.firstRetention().mean()).isCloseTo(0.051 / 0.2, within(1e-12));
        assertThat(layer1.secondRetention().mean()).isCloseTo(0.5, within(1e-12));
        assertThat(out.get(1).firstRetention().mean()).isCloseTo(1.0, within(1e-12));
        assertThat(out.get(1).secondRetention().mean()).isCloseTo(0.0, within(1e-12));
        assertThat(layer1.firstRetention().se()).isNotNull();
    }

    @Test
    void anEndpointWithoutItsCueLeavesTheRetentionUndefined() {
        List<SwapRow> rows = new ArrayList<>();
        add(rows, 0, "theta1", SwapRow.NONE, 600, 610, 600);
        add(rows, 0, "theta1", "stem", 600, 605, 600);
        add(rows, 0, "theta2", SwapRow.NONE, 600, 600, 700);
        add(rows, 0, "theta2", "stem", 600, 600, 690);
        KnowledgeLocation.GroupRetention stem = KnowledgeLocation.compute(rows, ProtocolDefinition.TASK_SPECIFIC).get(0);
        assertThat(stem.firstRetention().mean()).isNull();
        assertThat(stem.secondRetention().mean()).isCloseTo(0.9, within(1e-12));
    }
}
