package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.config.Seeds;
import org.mergelab.data.Split;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cue;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Splits;
import org.mergelab.eval.BatchNormCalibration;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.PathRow;
import org.mergelab.eval.Probes;
import org.mergelab.eval.Regime;
import org.mergelab.eval.ResultRow;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * The merge-and-probe sweep of one protocol, regime and BatchNorm policy of a seed: theta(alpha) =
 * (1 - alpha) theta1 + alpha theta2 at every alpha of the grid (BatchNorm statistics recalibrated under
 * {@link BatchNormPolicy#RECALIBRATE}), probed at each. Its output is a {@link UnitResults} file of
 * {@link PathRow}s: the {@link ResultRow}s of {@code results.csv} with each probe's summed loss.
 *
 * @param name readable name, e.g. {@code seed0/task-specific/incremental/interpolate}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param protocol the protocol's name
 * @param regime how theta2 was trained
 * @param bnPolicy what happens to BatchNorm statistics
 * @param first the unit of theta1
 * @param second the unit of theta2
 * @param firstCue the cue of T1
 * @param secondCue the cue of T2
 * @param evalImages images through the network, calibration included (for estimates)
 */
public record InterpolationUnit(String name, String key, Path output, long seed, String protocol, Regime regime,
        BatchNormPolicy bnPolicy, TrainingUnit first, TrainingUnit second, String firstCue, String secondCue, long evalImages)
        implements ExperimentUnit {

    /** Requires every part. */
    public InterpolationUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(bnPolicy, "bnPolicy");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(firstCue, "firstCue");
        Objects.requireNonNull(secondCue, "secondCue");
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
        ExperimentConfig config = context.config();
        Checkpoint theta1 = context.checkpoint(first);
        Checkpoint theta2 = context.checkpoint(second);
        String firstName = first.output().toString();
        String secondName = second.output().toString();
        TensorLayout.requireSame(TensorLayout.of(firstName, theta1.tensors()), TensorLayout.of(secondName, theta2.tensors()),
                TensorLayout.DTypes.SAME);
        List<Batch> calibration = calibrationBatches(context, bnPolicy, seed, protocol, regime, firstCue, secondCue);
        List<PathRow> rows = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        try (Network network = CheckpointModels.open(theta1, firstName)) {
            int i = 0;
            for (double alpha : config.alphas()) {
                if (progress.lost()) {
                    return "abandoned: another worker took this unit over";
                }
                NamedTensors merged = Interpolation.interpolate(theta1.tensors(), firstName, theta2.tensors(), secondName, alpha);
                network.load(merged);
                if (!calibration.isEmpty()) {
                    BatchNormCalibration.recalibrate(network, calibration);
                }
                Map<String, Probes.Count> counts = Probes.evaluate(network, context.probes());
                for (Map.Entry<String, Probes.Count> e : counts.entrySet()) {
                    rows.add(new PathRow(seed, protocol, regime, bnPolicy, alpha, e.getKey(), e.getValue().correct(),
                            e.getValue().total(), e.getValue().lossSum(), theta1.id(), theta2.id()));
                }
                if (Math.abs(alpha - 0.5) < 1e-9) {
                    counts.forEach((k, v) -> line.append(String.format("%s %.3f ", k, v.accuracy())));
                }
                progress.fraction(++i / (double) config.alphas().size());
            }
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        UnitResults.write(this, rows);
        return line.isEmpty() ? config.alphas().size() + " alphas" : "at alpha 0.5: " + line.toString().strip();
    }

    /** The rows of {@code results.csv} in the published result. */
    List<ResultRow> rows() {
        return pathRows().stream().map(PathRow::resultRow).toList();
    }

    /** The published result, losses included. */
    List<PathRow> pathRows() {
        return UnitResults.read(this, PathRow.class);
    }

    /**
     * The calibration batches of a merge between the endpoints under {@code bnPolicy}: none under
     * {@link BatchNormPolicy#INTERPOLATE}, {@link #calibrationBatches(UnitContext, long, String, Regime, String, String)}
     * under {@link BatchNormPolicy#RECALIBRATE}.
     */
    static List<Batch> calibrationBatches(UnitContext context, BatchNormPolicy bnPolicy, long seed, String protocol,
            Regime regime, String firstCue, String secondCue) {
        return switch (bnPolicy) {
            case INTERPOLATE -> List.of();
            case RECALIBRATE -> calibrationBatches(context, seed, protocol, regime, firstCue, secondCue);
        };
    }

    /**
     * The calibration sample of PROTOCOL.md: {@code calibration_images} training images drawn from the two tasks
     * being merged (half from T1's split with its cue, half from T2's split with its cue; seeded), mixed in a
     * seeded order, in batches of the fine-tuning batch size.
     */
    static List<Batch> calibrationBatches(UnitContext context, long seed, String protocol, Regime regime, String firstCue,
            String secondCue) {
        return calibrationBatches(context, Seeds.derive(seed, "calibration/" + protocol + "/" + regime.yamlName()), seed,
                List.of(new TaskSpec("t1", Split.A, firstCue), new TaskSpec("t2", Split.B, secondCue)));
    }

    /**
     * A calibration sample of {@code calibration_images} training images drawn from the tasks being merged, in equal
     * shares (the first {@code total mod k} tasks one more), each from its task's part of the training set with its
     * cue, mixed in an order seeded from {@code sampleSeed}, in batches of the fine-tuning batch size.
     *
     * @param sampleSeed draws the images and their order
     * @param seed the run's seed (it draws the halves and pieces of the training set)
     * @param tasks the tasks merged, in order
     */
    static List<Batch> calibrationBatches(UnitContext context, long sampleSeed, long seed, List<TaskSpec> tasks) {
        ExperimentConfig config = context.config();
        DataContext data = context.data();
        ImageDataset train = data.train();
        int total = config.calibrationImages();
        long splitSeed = Seeds.derive(seed, "split");
        byte[] pixels = new byte[total * ImageDataset.IMAGE_BYTES];
        int[] labels = new int[total];
        int k = 0;
        for (int task = 0; task < tasks.size(); task++) {
            TaskSpec spec = tasks.get(task);
            int[] ids = spec.ids(train.size(), splitSeed);
            int count = total / tasks.size() + (task < total % tasks.size() ? 1 : 0);
            if (count > ids.length) {
                throw new IllegalArgumentException("calibration_images: " + total + " needs " + count
                        + " images of task " + spec.name() + "'s part of the training set, which has " + ids.length);
            }
            Cue cue = Cues.byName(spec.cue(), train.numClasses(), config.cueSeed(), config.cues());
            int[] chosen = Splits.subset(ids.length, count, Seeds.derive(sampleSeed, task));
            for (int c : chosen) {
                int id = ids[c];
                System.arraycopy(train.pixels(), train.imageOffset(id), pixels, k * ImageDataset.IMAGE_BYTES, ImageDataset.IMAGE_BYTES);
                labels[k] = train.labels()[id];
                cue.apply(pixels, k * ImageDataset.IMAGE_BYTES, labels[k]);
                k++;
            }
        }
        ImageDataset sample = new ImageDataset(train.name() + "/calibration", train.numClasses(), train.classNames(), pixels, labels);
        BatchStream stream = BatchStream.builder()
                .setDataset(sample)
                .setBatchSize(config.finetune().batchSize())
                .optShuffle(true)
                .setSeed(sampleSeed)
                .optNormalization(data.normalization())
                .build();
        List<Batch> batches = new ArrayList<>();
        stream.epoch(0).forEach(batches::add);
        return batches;
    }
}
