package org.mergelab.work;

/** What a running {@link WorkUnit} reports to, and learns from, the scheduler that runs it. */
public interface UnitProgress {

    /** Reports the fraction of the unit done so far, from 0 to 1. */
    void fraction(double done);

    /**
     * True once the unit's claim was taken over by another worker (this one stalled past the heartbeat timeout):
     * the unit should stop and not publish its output.
     */
    boolean lost();
}
