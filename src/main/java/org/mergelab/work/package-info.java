/**
 * Units of work and the workers that run them: generic, knowing nothing of experiments.
 *
 * <p>A {@link org.mergelab.work.WorkUnit} has a name, a key (hex SHA-256 of its inputs), dependencies, and a
 * {@code run} that publishes its output atomically, so outputs form a cache keyed by unit. A
 * {@link org.mergelab.work.UnitScheduler} runs a plan of units until all are done, in plan order as far as
 * dependencies allow. Several schedulers (threads, local processes, or cluster nodes on a shared filesystem)
 * cooperate through a {@link org.mergelab.work.ClaimDirectory}: exclusive-create claim files per unit and
 * generation, kept alive by a heartbeat, taken over when their holder has been silent for the heartbeat timeout.
 * {@link org.mergelab.work.SchedulerListener} hears what happens (progress bars, per-worker logs).
 *
 * <p>The filesystem guarantees this relies on, and measured costs, are in {@code docs/workers.md}.
 */
package org.mergelab.work;
