package org.mergelab.work;

import java.util.List;

/**
 * A piece of work whose output is cached under its key, so that any runner (one process, several local workers,
 * workers on a cluster sharing a directory) can reuse it. Modelled on mergekit's {@code graph.py} Task
 * ({@code arguments} and {@code execute}, apart from the executor).
 *
 * <p>A unit must be deterministic: the same key gives the same output, byte for byte. Claims make each unit run
 * once in the normal case, but a holder that stalls past the heartbeat timeout may be taken over while it still
 * runs; publishing atomically and deterministically keeps the result right even then.
 *
 * @param <C> what every unit of a plan is run with (data, engine, options)
 */
public interface WorkUnit<C> {

    /** A readable name, unique in a plan, e.g. {@code seed0/theta1}; used in messages and logs. */
    String name();

    /**
     * Hex SHA-256 identifying everything the output depends on, including the keys of the dependencies. Claim
     * files are named after it, so it may contain only {@code [0-9A-Za-z_-]} (at most 128 characters).
     */
    String key();

    /** The units whose outputs this one reads; each must be in the same plan. */
    List<? extends WorkUnit<C>> dependencies();

    /** Whether the output exists under this key (it is published atomically, so it exists whole or not at all). */
    boolean isDone();

    /**
     * Does the work and publishes the output atomically. When {@link UnitProgress#lost()} becomes true the claim
     * was taken over: the unit should stop and must not publish.
     *
     * @return a one-line summary for the log, e.g. {@code accuracy 0.912}
     */
    String run(C context, UnitProgress progress);
}
