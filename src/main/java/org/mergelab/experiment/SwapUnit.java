package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.eval.Probes;
import org.mergelab.eval.Regime;
import org.mergelab.eval.SwapRow;
import org.mergelab.merge.LayerGroups;
import org.mergelab.merge.LayerSwap;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * "Where knowledge lives" (PROTOCOL.md) for one seed, protocol and regime: for each layer group g (stem, layer1,
 * ..., fc), theta1 with g taken from theta2 and theta2 with g taken from theta1, BatchNorm statistics travelling
 * with their group and no recalibration, probed on the test subset, with both endpoints as they are. Its output is a
 * {@link UnitResults} file of {@link SwapRow}s.
 *
 * @param name readable name, e.g. {@code seed0/task-specific/incremental/swaps}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param protocol the protocol
 * @param regime how theta2 was trained
 * @param first the unit of theta1
 * @param second the unit of theta2
 * @param evalImages images through the network, for estimates
 */
public record SwapUnit(String name, String key, Path output, long seed, String protocol, Regime regime, TrainingUnit first,
        TrainingUnit second, long evalImages) implements ExperimentUnit {

    /** Requires every part. */
    public SwapUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public List<TrainingUnit> dependencies() {
        return List.of(first, second);
    }

    @Override
    public boolean isDone() {
        return key.equals(UnitResults.keyOf(output));
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        NamedTensors theta1 = context.checkpoint(first).tensors();
        NamedTensors theta2 = context.checkpoint(second).tensors();
        List<String> groups = LayerGroups.of(theta1.names()).names();
        List<SwapRow> rows = new ArrayList<>();
        try (Network network = CheckpointModels.open(context.checkpoint(first), first.output().toString())) {
            for (String model : List.of("theta1", "theta2")) {
                NamedTensors own = model.equals("theta1") ? theta1 : theta2;
                NamedTensors other = model.equals("theta1") ? theta2 : theta1;
                List<String> swaps = new ArrayList<>();
                swaps.add(SwapRow.NONE);
                swaps.addAll(groups);
                for (String group : swaps) {
                    if (progress.lost()) {
                        return "abandoned: another worker took this unit over";
                    }
                    network.load(group.equals(SwapRow.NONE) ? own : LayerSwap.swapGroups(own, other, List.of(group)));
                    Map<String, Probes.Count> counts = Probes.evaluate(network, context.probes());
                    counts.forEach((probe, c) -> rows.add(new SwapRow(seed, protocol, regime, model, group, probe,
                            c.correct(), c.total())));
                }
            }
        }
        UnitResults.write(this, rows);
        return groups.size() + " groups";
    }

    /** The rows in the published result. */
    List<SwapRow> rows() {
        return UnitResults.read(this, SwapRow.class);
    }
}
