package org.mergelab.experiment;

import java.util.List;

/** Receives the progress of an experiment; {@link #SILENT} ignores it. */
public interface ExperimentProgress {

    /** Ignores everything. */
    ExperimentProgress SILENT = new ExperimentProgress() {};

    /** The plan is known; {@code pending} will run. */
    default void planned(List<ExperimentUnit> all, List<ExperimentUnit> pending, double estimatedSeconds) {}

    /** A unit starts. */
    default void unitStarted(ExperimentUnit unit, int index, int count) {}

    /** Part of the running unit is done (0..1). */
    default void unitProgress(ExperimentUnit unit, double fraction) {}

    /** A unit finished; {@code summary} is one line about its result. */
    default void unitFinished(ExperimentUnit unit, int index, int count, double seconds, String summary) {}
}
