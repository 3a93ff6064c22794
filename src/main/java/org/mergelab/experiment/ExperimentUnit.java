package org.mergelab.experiment;

import java.nio.file.Path;
import java.util.List;
import org.mergelab.work.WorkUnit;

/**
 * A unit of work of an experiment: its {@link #key()} is the SHA-256 of everything that determines its result
 * (the keys of the units it reads included), its output is published atomically under a fixed name, and a unit
 * whose output exists with the same key is reused, by this process or by any other worker of the output
 * directory. Each kind is one class with its own {@code run}; the {@link ExperimentPlan} says which units an
 * experiment needs, and a {@link org.mergelab.work.UnitScheduler} runs them.
 */
public sealed interface ExperimentUnit extends WorkUnit<UnitContext> permits TrainingUnit, ProbeUnit, InterpolationUnit,
        StatisticUnit, EndpointUnit, MergeUnit, SwapUnit, SequenceUnit {

    /** The file the unit publishes. */
    Path output();

    /** The run's seed. */
    long seed();

    /** Training images through the network: a cost measure for estimates. */
    long trainImages();

    /** Images through the network in inference: a cost measure for estimates. */
    long evalImages();

    @Override
    List<? extends ExperimentUnit> dependencies();
}
