package org.mergelab.work;

import java.time.Duration;

/**
 * What a {@link UnitScheduler} reports while it runs a plan, e.g. to drive a progress bar and write one log line
 * per unit ({@code done seed0/theta1 accuracy 0.912 in 12.3 s, worker w2}). Every method has an empty default.
 * Calls come from the scheduler's thread, except {@link #progress}, which comes from wherever the unit reports.
 */
public interface SchedulerListener {

    /** Reports nothing. */
    SchedulerListener SILENT = new SchedulerListener() {};

    /** The plan has {@code units} units, of which {@code alreadyDone} were done before this worker started. */
    default void planned(String workerId, int units, int alreadyDone) {}

    /** This worker claimed {@code unit} and starts running it. */
    default void started(WorkUnit<?> unit, String workerId) {}

    /** {@code unit}, run by this worker, reported the fraction done (0 to 1). */
    default void progress(WorkUnit<?> unit, double fraction) {}

    /** This worker ran {@code unit} to the end and it published its output. */
    default void finished(WorkUnit<?> unit, String summary, Duration took, String workerId) {}

    /** Another worker finished {@code unit} (seen when this one found its output). */
    default void doneElsewhere(WorkUnit<?> unit) {}

    /** This worker took over {@code unit} from {@code previous}, whose claim had gone stale; it runs it next. */
    default void tookOver(WorkUnit<?> unit, ClaimInfo previous) {}

    /** Another worker took {@code unit} over while this one ran it; its result was discarded. */
    default void lost(WorkUnit<?> unit, String reason) {}

    /** {@code unit} threw {@code error}; its claim is released and the scheduler stops with the error. */
    default void failed(WorkUnit<?> unit, Throwable error) {}

    /**
     * Nothing can be run now: {@code claimedElsewhere} ready units are held by other workers and
     * {@code awaitingDependencies} wait for units not done yet; the scheduler sleeps {@code pollInterval}.
     */
    default void waiting(int claimedElsewhere, int awaitingDependencies, Duration pollInterval) {}
}
