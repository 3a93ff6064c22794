package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.data.Batch;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.Regime;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * The two endpoints of one protocol, regime and BatchNorm policy of a seed, probed as the method study probes a merge
 * (PROTOCOL.md, "Any merge method on the same probes"): BatchNorm statistics recalibrated under
 * {@link BatchNormPolicy#RECALIBRATE}, each endpoint probed on the selection subset and on the test subset. Every
 * {@link MergeUnit} of the same protocol, regime and policy measures its retention against these rows, so they are
 * computed once rather than once per method. Its output is a {@link UnitResults} file of {@link MergeRow}s with
 * method {@link MergeRow#ENDPOINT}.
 *
 * @param name readable name, e.g. {@code seed0/task-specific/incremental/interpolate/endpoints}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param protocol the protocol
 * @param regime how theta2 was trained
 * @param bnPolicy what happens to BatchNorm statistics
 * @param base the unit of theta0 (the reference of the predicted retention)
 * @param first the unit of theta1
 * @param second the unit of theta2
 * @param firstCue the cue of T1
 * @param secondCue the cue of T2
 * @param evalImages images through the network, for estimates
 */
public record EndpointUnit(String name, String key, Path output, long seed, String protocol, Regime regime,
        BatchNormPolicy bnPolicy, TrainingUnit base, TrainingUnit first, TrainingUnit second, String firstCue,
        String secondCue, long evalImages) implements ExperimentUnit {

    /** Requires every part. */
    public EndpointUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public List<ExperimentUnit> dependencies() {
        return List.of(base, first, second);
    }

    @Override
    public boolean isDone() {
        return key.equals(UnitResults.keyOf(output));
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        Checkpoint theta1 = context.checkpoint(first);
        Checkpoint theta2 = context.checkpoint(second);
        List<Batch> calibration = InterpolationUnit.calibrationBatches(context, bnPolicy, seed, protocol, regime, firstCue,
                secondCue);
        List<MergeRow> rows = new ArrayList<>();
        try (Network network = CheckpointModels.open(theta1, first.output().toString())) {
            MergeUnit.probe(context, network, theta1.tensors(), calibration, seed, protocol, regime, bnPolicy, base,
                    first, second, MergeRow.ENDPOINT, "", "theta1", 0, rows);
            progress.fraction(0.5);
            if (progress.lost()) {
                return "abandoned: another worker took this unit over";
            }
            MergeUnit.probe(context, network, theta2.tensors(), calibration, seed, protocol, regime, bnPolicy, base,
                    first, second, MergeRow.ENDPOINT, "", "theta2", 0, rows);
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        UnitResults.write(this, rows);
        return "theta1 and theta2";
    }

    /** The rows in the published result. */
    List<MergeRow> rows() {
        return UnitResults.read(this, MergeRow.class);
    }
}
