package org.mergelab.experiment;

import org.mergelab.work.ClaimInfo;
import org.mergelab.work.SchedulerListener;
import org.mergelab.work.WorkUnit;

/**
 * What a worker reports while the scheduler runs an experiment's units: a line in the shared {@code log.txt} per unit
 * begun, finished, taken over or abandoned (each naming the worker), and the progress receiver's events.
 */
final class UnitEvents implements SchedulerListener {
    private final ExperimentDirectory directory;
    private final ExperimentProgress progress;
    private final String worker;
    private final int count;
    private final double heartbeatTimeoutSeconds;
    private int index;

    UnitEvents(ExperimentDirectory directory, ExperimentProgress progress, String worker, int count, double heartbeatTimeoutSeconds) {
        this.directory = directory;
        this.progress = progress;
        this.worker = worker;
        this.count = count;
        this.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds;
    }

    @Override
    public void started(WorkUnit<?> unit, String workerId) {
        index++;
        directory.log("begin " + unit.name() + " [worker " + worker + "]");
        progress.unitStarted((ExperimentUnit) unit, index, Math.max(index, count));
    }

    @Override
    public void progress(WorkUnit<?> unit, double fraction) {
        progress.unitProgress((ExperimentUnit) unit, fraction);
    }

    @Override
    public void finished(WorkUnit<?> unit, String summary, java.time.Duration took, String workerId) {
        double seconds = took.toNanos() / 1e9;
        directory.log(String.format("done %s in %.1f s: %s [worker %s]", unit.name(), seconds, summary, worker));
        progress.unitFinished((ExperimentUnit) unit, index, Math.max(index, count), seconds, summary);
    }

    @Override
    public void tookOver(WorkUnit<?> unit, ClaimInfo previous) {
        directory.log("take over " + unit.name() + " [worker " + worker + "] from " + previous.describe()
                + ", whose claim had no heartbeat for " + heartbeatTimeoutSeconds + " s");
    }

    @Override
    public void lost(WorkUnit<?> unit, String reason) {
        directory.log("abandoned " + unit.name() + " [worker " + worker + "]: another worker took its claim over");
    }
}
