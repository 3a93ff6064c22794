package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.config.Seeds;
import org.mergelab.data.Batch;
import org.mergelab.eval.BatchNormCalibration;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.eval.Regime;
import org.mergelab.eval.SequenceRow;
import org.mergelab.merge.InMemoryMerge;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * The model under test after step k of a sequence (PROTOCOL.md, "Beyond two tasks"), probed: the strategy's merge
 * of theta_1..theta_k through the merge library (theta0 as the base for methods that take one; {@code none}: theta_k
 * itself), BatchNorm statistics recalibrated under {@link BatchNormPolicy#RECALIBRATE} on images of tasks 1..k, then
 * the base probe and the probe of every cue so far on the test subset. Its key holds nothing of later steps, so a
 * sequence that grows by one cue reuses every earlier unit. Its output is a {@link UnitResults} file of
 * {@link SequenceRow}s.
 *
 * @param name readable name, e.g. {@code seed0/sequence/task-specific/incremental/interpolate/ties/step3}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param sequence the sequence's name
 * @param regime the incremental chain or the parallel fan-out
 * @param bnPolicy what happens to BatchNorm statistics
 * @param strategy what is tested
 * @param base the unit of theta0
 * @param models the units of theta_1..theta_k, in step order
 * @param evalImages images through the network, for estimates
 */
public record SequenceUnit(String name, String key, Path output, long seed, String sequence, Regime regime,
        BatchNormPolicy bnPolicy, SequenceStrategy strategy, TrainingUnit base, List<TrainingUnit> models, long evalImages)
        implements ExperimentUnit {

    /** Requires every part. */
    public SequenceUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(base, "base");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a sequence unit needs at least one model");
        }
    }

    /** The step k, from 1. */
    public int step() {
        return models.size();
    }

    /** The probes: base, then each cue of tasks 1..k once, in the order first trained. */
    List<String> probes() {
        return probesOf(models);
    }

    /** The probes after the steps that trained {@code models}: base, then each of their cues once, in order. */
    static List<String> probesOf(List<TrainingUnit> models) {
        LinkedHashSet<String> names = new LinkedHashSet<>(List.of("base"));
        models.forEach(m -> names.add(m.task().cue()));
        return List.copyOf(names);
    }

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public List<ExperimentUnit> dependencies() {
        List<ExperimentUnit> out = new ArrayList<>();
        out.add(base);
        out.addAll(models);
        return out;
    }

    @Override
    public boolean isDone() {
        return key.equals(UnitResults.keyOf(output));
    }

    /**
     * The seed of the calibration sample after step k: the same for both regimes (and every strategy), so that at a
     * step where they test the same model (step 1) they test it with the same BatchNorm statistics, and elsewhere
     * only the model differs.
     */
    static long calibrationSeed(long seed, int step) {
        return Seeds.derive(seed, "calibration/sequence/step" + step);
    }

    /** The seed of a merge that draws random numbers (dare): the {@code random_seed} of an equivalent recipe. */
    long mergeSeed() {
        return Seeds.derive(seed, "sequence-merge/" + step());
    }

    /** The model under test, as {@code mergelab merge} of the step checkpoints would make it (bit for bit). */
    NamedTensors tested(UnitContext context) {
        Checkpoint last = context.checkpoint(models.getLast());
        if (strategy.isNone()) {
            return last.tensors();
        }
        MergeMethod method = MergeMethods.byName(strategy.method());
        MergeSpec.Parameters p = strategy.parameters(models.size());
        NamedTensors theta0 = method.acceptsBaseModel() ? context.checkpoint(base).tensors() : null;
        List<NamedTensors> inputs = models.stream().map(m -> context.checkpoint(m).tensors()).toList();
        return InMemoryMerge.merge(method, inputs, theta0, null, p.perModel(), p.global(), mergeSeed());
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        Checkpoint last = context.checkpoint(models.getLast());
        List<Batch> calibration = switch (bnPolicy) {
            case INTERPOLATE -> List.of();
            case RECALIBRATE -> InterpolationUnit.calibrationBatches(context, calibrationSeed(seed, step()), seed,
                    models.stream().map(TrainingUnit::task).toList());
        };
        List<SequenceRow> rows = new ArrayList<>();
        ProbeSet set = context.sequenceProbes();
        try (Network network = CheckpointModels.open(last, models.getLast().output().toString())) {
            network.load(tested(context));
            if (!calibration.isEmpty()) {
                BatchNormCalibration.recalibrate(network, calibration);
            }
            List<String> probes = probes();
            for (int i = 0; i < probes.size(); i++) {
                if (progress.lost()) {
                    return "abandoned: another worker took this unit over";
                }
                Probes.Count count = Probes.evaluate(network, set.batches(probes.get(i)));
                rows.add(new SequenceRow(seed, sequence, regime, bnPolicy, strategy.displayName(), step(), probes.get(i),
                        count.correct(), count.total()));
                progress.fraction((i + 1.0) / probes.size());
            }
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        UnitResults.write(this, rows);
        return rows.stream().map(r -> r.probe() + String.format(" %.3f", r.accuracy())).reduce((a, b) -> a + ", " + b)
                .orElse("");
    }

    /** The rows in the published result. */
    List<SequenceRow> rows() {
        return UnitResults.read(this, SequenceRow.class);
    }
}
