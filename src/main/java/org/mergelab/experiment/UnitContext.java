package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.eval.ProbeSet;

/**
 * What the units of one experiment share while a worker runs them: the config, the output directory, the
 * dataset and probe images (loaded once, when a unit first needs them) and the checkpoints already read or
 * trained by this worker (so that a merge unit does not read again what the previous unit wrote).
 */
public final class UnitContext {

    private final ExperimentConfig config;
    private final Path directory;
    private final ExperimentProgress progress;
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private DataContext data;
    private ProbeSet probes;
    private ProbeSet selectionProbes;
    private ProbeSet sequenceProbes;

    UnitContext(ExperimentConfig config, Path directory, ExperimentProgress progress, DataContext data) {
        this.config = Objects.requireNonNull(config, "config");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.progress = progress == null ? ExperimentProgress.SILENT : progress;
        this.data = data;
    }

    /** The experiment. */
    public ExperimentConfig config() {
        return config;
    }

    /** The output directory. */
    public Path directory() {
        return directory;
    }

    /** Progress receiver. */
    ExperimentProgress progress() {
        return progress;
    }

    /** The dataset, loaded on first use. */
    public DataContext data() {
        if (data == null) {
            data = DataContext.load(config.dataset());
        }
        return data;
    }

    /** The probe images of the experiment (the test set or its seeded subset, with every probe's cue), built on first use. */
    public ProbeSet probes() {
        if (probes == null) {
            int[] ids = data().testIds(config.testSize(), config.testSubsetSeed(), "test_size");
            probes = ProbeSet.build(data().test(), ids, config.probes(), config.cueSeed(), config.cues(), data().normalization());
        }
        return probes;
    }

    /**
     * The probe images of the selection subset (PROTOCOL.md, "selection"): {@code selection_size} test images drawn
     * (seeded from {@code test_subset_seed}) from those outside the reported test subset, built on first use.
     */
    public ProbeSet selectionProbes() {
        if (selectionProbes == null) {
            int[] ids = data().selectionIds(config.testSize(), config.testSubsetSeed(), config.selectionSize());
            selectionProbes = ProbeSet.build(data().test(), ids, config.probes(), config.cueSeed(), config.cues(),
                    data().normalization());
        }
        return selectionProbes;
    }

    /**
     * The probe images of the sequences (the test set or its subset, as {@link #probes()}): base and every cue of every
     * sequence, built on first use. A probe's images do not depend on which other probes the set holds.
     */
    public ProbeSet sequenceProbes() {
        if (sequenceProbes == null) {
            java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(List.of("base"));
            config.sequences().values().forEach(names::addAll);
            int[] ids = data().testIds(config.testSize(), config.testSubsetSeed(), "test_size");
            sequenceProbes = ProbeSet.build(data().test(), ids, List.copyOf(names), config.cueSeed(), config.cues(),
                    data().normalization());
        }
        return sequenceProbes;
    }

    /**
     * The checkpoint a training unit made: from memory when this worker trained or read it, else read from its file.
     *
     * @throws IllegalStateException naming the file when it holds another unit's checkpoint
     */
    Checkpoint checkpoint(TrainingUnit unit) {
        Checkpoint c = checkpoints.get(unit.key());
        if (c == null) {
            c = CheckpointModels.read(unit.output());
            if (!unit.key().equals(c.lineage().extra().get(TrainingUnit.UNIT_KEY))) {
                throw new IllegalStateException(unit.output() + ": holds another unit's checkpoint (unit key differs)");
            }
            checkpoints.put(unit.key(), c);
        }
        return c;
    }

    /** Keeps a checkpoint this worker just made. */
    void remember(TrainingUnit unit, Checkpoint checkpoint) {
        checkpoints.put(unit.key(), checkpoint);
    }
}
