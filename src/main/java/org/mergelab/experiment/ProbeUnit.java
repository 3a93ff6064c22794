package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.Probes;
import org.mergelab.model.Network;
import org.mergelab.work.UnitProgress;

/**
 * The probe accuracies of one trained checkpoint (the pre-trained model of a seed: the reference of base
 * retention). Its output is a {@link UnitResults} file of {@link Row}s.
 *
 * @param name readable name, e.g. {@code seed0/theta0-probes}
 * @param key the unit key
 * @param output the result file
 * @param seed the run's seed
 * @param checkpoint the unit that made the checkpoint
 * @param evalImages images through the network (for estimates)
 */
public record ProbeUnit(String name, String key, Path output, long seed, TrainingUnit checkpoint, long evalImages)
        implements ExperimentUnit {

    /** Requires every part. */
    public ProbeUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /**
     * One probe's accuracy in the result file.
     *
     * @param seed the run's seed
     * @param probe the probe
     * @param correct correctly classified images
     * @param total images
     * @param checkpoint the probed checkpoint's id
     */
    @JsonPropertyOrder({"seed", "probe", "correct", "total", "checkpoint"})
    record Row(long seed, String probe, long correct, long total, String checkpoint) {}

    @Override
    public long trainImages() {
        return 0;
    }

    @Override
    public List<TrainingUnit> dependencies() {
        return List.of(checkpoint);
    }

    @Override
    public boolean isDone() {
        return key.equals(UnitResults.keyOf(output));
    }

    @Override
    public String run(UnitContext context, UnitProgress progress) {
        Checkpoint c = context.checkpoint(checkpoint);
        Map<String, Probes.Count> counts;
        try (Network network = CheckpointModels.open(c, checkpoint.output().toString())) {
            counts = Probes.evaluate(network, context.probes());
        }
        List<Row> rows = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Probes.Count> e : counts.entrySet()) {
            rows.add(new Row(seed, e.getKey(), e.getValue().correct(), e.getValue().total(), c.id()));
            line.append(String.format("%s %.4f ", e.getKey(), e.getValue().accuracy()));
        }
        if (progress.lost()) {
            return "abandoned: another worker took this unit over";
        }
        UnitResults.write(this, rows);
        return line.toString().strip();
    }

    /** The accuracies in the published result. */
    List<ProbeAccuracy> accuracies() {
        return UnitResults.read(this, Row.class).stream()
                .map(r -> new ProbeAccuracy(r.seed(), r.probe(), r.correct(), r.total()))
                .toList();
    }
}
