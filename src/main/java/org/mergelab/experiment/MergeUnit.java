package org.mergelab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.config.Seeds;
import org.mergelab.data.Batch;
import org.mergelab.eval.BatchNormCalibration;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.eval.Regime;
import org.mergelab.merge.InMemoryMerge;
import org.mergelab.merge.LayerGroups;
import org.mergelab.merge.PredictedRetention;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * One merge method of the study ({@link MergeSpec}) on one protocol, regime and BatchNorm policy of a seed
 * (PROTOCOL.md, "Any merge method on the same probes"): theta1 and theta2 merged through the merge library (theta0
 * as the base for methods that take one; each endpoint's statistic for fisher and regmean) at every coefficient
 * point and mask seed, BatchNorm statistics recalibrated under {@link BatchNormPolicy#RECALIBRATE}, each merge
 * probed on the selection subset and on the test subset. The endpoints' rows, which every method's retention is
 * measured against, come from one {@link EndpointUnit} per protocol, regime and BatchNorm policy. Its output is a
 * {@link UnitResults} file of {@link MergeRow}s.
 *
 * @param name readable name, e.g. {@code seed0/task-specific/incremental/interpolate/ties}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param protocol the protocol
 * @param regime how theta2 was trained
 * @param bnPolicy what happens to BatchNorm statistics
 * @param spec the method, its parameters and grid
 * @param base the unit of theta0
 * @param first the unit of theta1
 * @param second the unit of theta2
 * @param statistics theta1's and theta2's statistic units, or empty for methods that read none
 * @param firstCue the cue of T1
 * @param secondCue the cue of T2
 * @param evalImages images through the network, for estimates
 */
public record MergeUnit(String name, String key, java.nio.file.Path output, long seed, String protocol, Regime regime,
        BatchNormPolicy bnPolicy, MergeSpec spec, TrainingUnit base, TrainingUnit first, TrainingUnit second,
        List<StatisticUnit> statistics, String firstCue, String secondCue, long evalImages) implements ExperimentUnit {

    /** Requires every part. */
    public MergeUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        statistics = List.copyOf(statistics);
    }

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public List<ExperimentUnit> dependencies() {
        List<ExperimentUnit> out = new ArrayList<>(List.of(base, first, second));
        out.addAll(statistics);
        return out;
    }

    @Override
    public boolean isDone() {
        return key.equals(UnitResults.keyOf(output));
    }

    /** The seed of mask {@code mask} of this unit's training seed: the {@code random_seed} of an equivalent recipe. */
    long mergeSeed(int mask) {
        return Seeds.derive(Seeds.derive(seed, "merge-mask"), mask);
    }

    /**
     * theta1 and theta2 merged at {@code point} with mask seed {@code mask}, as {@code mergelab merge} merges the
     * checkpoint files (bit for bit).
     */
    NamedTensors merged(UnitContext context, Map<String, Double> point, int mask) {
        return merged(context, point, mask, auxiliary());
    }

    /** The endpoints' statistics (Fisher, Gram), read from their files, or null for methods that read none. */
    private List<NamedTensors> auxiliary() {
        return statistics.isEmpty() ? null : statistics.stream().map(StatisticUnit::tensors).toList();
    }

    private NamedTensors merged(UnitContext context, Map<String, Double> point, int mask, List<NamedTensors> auxiliary) {
        MergeMethod method = MergeMethods.byName(spec.method());
        MergeSpec.Parameters p = spec.parameters(point);
        NamedTensors theta0 = method.acceptsBaseModel() ? context.checkpoint(base).tensors() : null;
        return InMemoryMerge.merge(method, List.of(context.checkpoint(first).tensors(), context.checkpoint(second).tensors()),
                theta0, auxiliary, p.perModel(), p.global(), mergeSeed(mask));
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        Checkpoint theta1 = context.checkpoint(first);
        List<Batch> calibration = InterpolationUnit.calibrationBatches(context, bnPolicy, seed, protocol, regime, firstCue,
                secondCue);
        List<MergeRow> rows = new ArrayList<>();
        List<Map<String, Double>> points = spec.points();
        List<NamedTensors> auxiliary = auxiliary(); // read once for every point and mask
        int total = points.size() * spec.maskSeeds();
        int done = 0;
        try (Network network = CheckpointModels.open(theta1, first.output().toString())) {
            for (Map<String, Double> point : points) {
                for (int mask = 0; mask < spec.maskSeeds(); mask++) {
                    if (progress.lost()) {
                        return "abandoned: another worker took this unit over";
                    }
                    probe(context, network, merged(context, point, mask, auxiliary), calibration, seed, protocol, regime,
                            bnPolicy, base, first, second, spec.method(), spec.paramsLabel(), MergeSpec.label(point),
                            mergeSeed(mask), rows);
                    progress.fraction(++done / (double) total);
                }
            }
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        UnitResults.write(this, rows);
        return points.size() + " coefficient(s) x " + spec.maskSeeds() + " mask(s)";
    }

    /**
     * Probes {@code tensors} (BatchNorm statistics recalibrated on {@code calibration} when it is not empty) on the
     * selection and test subsets, and adds one row per subset and probe, with the predicted retentions towards theta1
     * and theta2.
     */
    static void probe(UnitContext context, Network network, NamedTensors tensors, List<Batch> calibration, long seed,
            String protocol, Regime regime, BatchNormPolicy bnPolicy, TrainingUnit base, TrainingUnit first,
            TrainingUnit second, String method, String params, String coefficient, long mergeSeed, List<MergeRow> rows) {
        NamedTensors theta0 = context.checkpoint(base).tensors();
        NamedTensors theta1 = context.checkpoint(first).tensors();
        NamedTensors theta2 = context.checkpoint(second).tensors();
        Double predictedFirst = predicted(tensors, theta0, theta1);
        Double predictedSecond = predicted(tensors, first.equals(second.parent()) ? theta1 : theta0, theta2);
        network.load(tensors);
        if (!calibration.isEmpty()) {
            BatchNormCalibration.recalibrate(network, calibration);
        }
        for (String subset : List.of(MergeRow.SELECTION, MergeRow.TEST)) {
            ProbeSet probes = subset.equals(MergeRow.TEST) ? context.probes() : context.selectionProbes();
            Map<String, Probes.Count> counts = Probes.evaluate(network, probes);
            counts.forEach((probe, count) -> rows.add(new MergeRow(seed, protocol, regime, bnPolicy, method, params,
                    coefficient, mergeSeed, subset, probe, count.correct(), count.total(), predictedFirst,
                    predictedSecond)));
        }
    }

    /**
     * The projection retention ⟨merged − init, own − init⟩ / |own − init|² over the trained tensors (BatchNorm running
     * statistics left out), in float64; null when own = init.
     */
    static Double predicted(NamedTensors merged, NamedTensors init, NamedTensors own) {
        double dot = 0.0;
        double norm = 0.0;
        for (String name : own.names()) {
            if (LayerGroups.isRunningStatistic(name)) {
                continue;
            }
            float[] m = merged.get(name).toFloats();
            float[] i = init.get(name).toFloats();
            float[] o = own.get(name).toFloats();
            for (int j = 0; j < o.length; j++) {
                double tau = (double) o[j] - i[j];
                dot += ((double) m[j] - i[j]) * tau;
                norm += tau * tau;
            }
        }
        double r = PredictedRetention.projection(dot, norm);
        return Double.isNaN(r) ? null : r;
    }

    /** The rows in the published result. */
    List<MergeRow> rows() {
        return UnitResults.read(this, MergeRow.class);
    }
}
