package org.mergelab.work;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the units of a plan until every one is done, cooperating with other workers through a
 * {@link ClaimDirectory}: any number of schedulers (threads, processes, cluster nodes) may run the same plan on the
 * same directory, and each unit runs once.
 *
 * <p>Each round it picks the first unit in plan order that is not done, whose dependencies are all done, and that
 * it can claim (taking over stale claims of dead workers); it checks again that the unit is not done (another
 * worker may just have finished it), runs it, and releases the claim. When nothing can be claimed but units
 * remain, it waits {@code pollInterval} and tries again. A unit that throws has its claim released and the
 * exception propagates unchanged: this worker stops, and others (or a later run) may retry the unit. A unit whose
 * claim was taken over while it ran must not publish ({@link UnitProgress#lost()}); the scheduler reports it and
 * goes on.
 *
 * <pre>{@code
 * try (ClaimDirectory claims = ClaimDirectory.open(out.resolve("claims"), "w1", Duration.ofSeconds(60))) {
 *     UnitScheduler.Outcome outcome = UnitScheduler.<Context>builder().setPlan(units).setClaims(claims)
 *             .optListener(listener).build().run(context);
 * }
 * }</pre>
 *
 * @param <C> what units are run with
 */
public final class UnitScheduler<C> {

    private final List<WorkUnit<C>> plan;
    private final ClaimDirectory claims;
    private final SchedulerListener listener;
    private final Duration pollInterval;

    /**
     * What one worker did.
     *
     * @param ran names of the units this worker ran, in order
     * @param reused names of the units already done when it started
     * @param doneByOthers names of the units other workers finished meanwhile
     * @param wallSeconds how long {@link #run} took
     */
    public record Outcome(List<String> ran, List<String> reused, List<String> doneByOthers, double wallSeconds) {

        /** Copies the lists. */
        public Outcome {
            ran = List.copyOf(ran);
            reused = List.copyOf(reused);
            doneByOthers = List.copyOf(doneByOthers);
        }
    }

    private UnitScheduler(Builder<C> builder) {
        this.plan = List.copyOf(builder.plan);
        this.claims = builder.claims;
        this.listener = builder.listener;
        this.pollInterval = builder.pollInterval != null ? builder.pollInterval
                : min(Duration.ofSeconds(1), claims.heartbeatTimeout().dividedBy(4));
    }

    /** A builder; {@code setPlan} and {@code setClaims} are required. */
    public static <C> Builder<C> builder() {
        return new Builder<>();
    }

    /** How long the scheduler waits before looking again when nothing can be claimed. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Runs units until every unit of the plan is done (by this worker or others).
     *
     * @throws RuntimeException whatever a unit threw, after its claim was released
     * @throws IllegalStateException when a unit returned normally, not lost, but is not done
     */
    public Outcome run(C context) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Set<String> done = new HashSet<>();
        List<String> reused = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        List<String> doneByOthers = new ArrayList<>();
        for (WorkUnit<C> unit : plan) {
            if (unit.isDone()) {
                done.add(unit.key());
                reused.add(unit.name());
            }
        }
        listener.planned(claims.workerId(), plan.size(), reused.size());
        while (done.size() < plan.size()) {
            boolean progressed = false;
            int claimedElsewhere = 0;
            int awaitingDependencies = 0;
            for (WorkUnit<C> unit : plan) {
                if (done.contains(unit.key())) {
                    continue;
                }
                if (unit.isDone()) {
                    done.add(unit.key());
                    doneByOthers.add(unit.name());
                    listener.doneElsewhere(unit);
                    progressed = true;
                    continue;
                }
                if (!unit.dependencies().stream().allMatch(d -> done.contains(d.key()))) {
                    awaitingDependencies++;
                    continue;
                }
                Optional<Claim> claim = claims.tryClaim(unit.key());
                if (claim.isEmpty()) {
                    claimedElsewhere++;
                    continue;
                }
                switch (runClaimed(unit, claim.get(), context)) {
                    case RAN -> {
                        ran.add(unit.name());
                        done.add(unit.key());
                    }
                    case DONE_ELSEWHERE -> {
                        doneByOthers.add(unit.name());
                        done.add(unit.key());
                    }
                    case LOST -> { } // the taker finishes it; a later pass sees it done
                }
                progressed = true;
                break;
            }
            if (!progressed) {
                listener.waiting(claimedElsewhere, awaitingDependencies, pollInterval);
                Thread.sleep(pollInterval);
            }
        }
        return new Outcome(ran, reused, doneByOthers, (System.nanoTime() - start) / 1e9);
    }

    private enum Result { RAN, DONE_ELSEWHERE, LOST }

    private Result runClaimed(WorkUnit<C> unit, Claim claim, C context) throws IOException {
        try (claim) {
            if (unit.isDone()) {
                listener.doneElsewhere(unit);
                return Result.DONE_ELSEWHERE;
            }
            claim.tookOverFrom().ifPresent(previous -> listener.tookOver(unit, previous));
            listener.started(unit, claims.workerId());
            long start = System.nanoTime();
            String summary;
            try {
                summary = unit.run(context, new Progress(unit, claim));
            } catch (RuntimeException | Error e) {
                listener.failed(unit, e);
                throw e;
            }
            if (claim.lost()) {
                listener.lost(unit, claim.lostReason().orElse("lost"));
                return Result.LOST;
            }
            if (!unit.isDone()) {
                throw new IllegalStateException("unit " + unit.name() + " returned but its output is not there"
                        + " (isDone() is false after run)");
            }
            listener.finished(unit, summary, Duration.ofNanos(System.nanoTime() - start), claims.workerId());
            return Result.RAN;
        }
    }

    private final class Progress implements UnitProgress {

        private final WorkUnit<C> unit;
        private final Claim claim;

        Progress(WorkUnit<C> unit, Claim claim) {
            this.unit = unit;
            this.claim = claim;
        }

        @Override
        public void fraction(double done) {
            if (!(done >= 0 && done <= 1)) {
                throw new IllegalArgumentException("fraction done of unit " + unit.name() + " must be in [0, 1]: "
                        + done);
            }
            listener.progress(unit, done);
        }

        @Override
        public boolean lost() {
            return claim.lost();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Builds a {@link UnitScheduler}, checking the plan. */
    public static final class Builder<C> {

        private List<? extends WorkUnit<C>> plan;
        private ClaimDirectory claims;
        private SchedulerListener listener = SchedulerListener.SILENT;
        private Duration pollInterval;

        private Builder() {}

        /** The units to run, in the preferred order; every dependency must be in it. Required. */
        public Builder<C> setPlan(List<? extends WorkUnit<C>> plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** Where this worker claims units. Required. */
        public Builder<C> setClaims(ClaimDirectory claims) {
            this.claims = Objects.requireNonNull(claims, "claims");
            return this;
        }

        /** Who hears of planned, started, finished, taken-over and waiting units; default {@code SILENT}. */
        public Builder<C> optListener(SchedulerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How long to wait when nothing can be claimed; default the lesser of 1 s and a quarter of the timeout. */
        public Builder<C> optPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * The scheduler.
         *
         * @throws IllegalArgumentException naming the unit when a name or key repeats, a dependency is not in the
         *     plan, or dependencies form a cycle; or when the poll interval is not positive
         */
        public UnitScheduler<C> build() {
            if (plan == null) {
                throw new IllegalStateException("setPlan is required");
            }
            if (claims == null) {
                throw new IllegalStateException("setClaims is required");
            }
            if (pollInterval != null && (pollInterval.isNegative() || pollInterval.isZero())) {
                throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
            }
            checkPlan(plan);
            return new UnitScheduler<>(this);
        }

        private static <C> void checkPlan(List<? extends WorkUnit<C>> plan) {
            Map<String, WorkUnit<C>> byKey = new LinkedHashMap<>();
            Set<String> names = new HashSet<>();
            for (WorkUnit<C> unit : plan) {
                if (!names.add(unit.name())) {
                    throw new IllegalArgumentException("unit name '" + unit.name() + "' appears twice in the plan");
                }
                WorkUnit<C> same = byKey.putIfAbsent(unit.key(), unit);
                if (same != null) {
                    throw new IllegalArgumentException("units '" + same.name() + "' and '" + unit.name()
                            + "' have the same key " + unit.key());
                }
            }
            for (WorkUnit<C> unit : plan) {
                for (WorkUnit<C> dependency : unit.dependencies()) {
                    if (!byKey.containsKey(dependency.key())) {
                        throw new IllegalArgumentException("unit '" + unit.name() + "' depends on '"
                                + dependency.name() + "', which is not in the plan");
                    }
                }
            }
            Map<String, Integer> state = new HashMap<>();
            for (WorkUnit<C> unit : plan) {
                requireNoCycle(unit, byKey, state, new ArrayList<>());
            }
        }

        /** Depth-first search; state 1 = on the current path, 2 = finished. */
        private static <C> void requireNoCycle(WorkUnit<C> unit, Map<String, WorkUnit<C>> byKey,
                Map<String, Integer> state, List<String> path) {
            Integer s = state.get(unit.key());
            if (s != null && s == 2) {
                return;
            }
            path.add(unit.name());
            if (s != null) {
                throw new IllegalArgumentException("dependencies form a cycle: "
                        + String.join(" -> ", path.subList(path.indexOf(unit.name()), path.size())));
            }
            state.put(unit.key(), 1);
            for (WorkUnit<C> dependency : unit.dependencies()) {
                requireNoCycle(byKey.get(dependency.key()), byKey, state, path);
            }
            state.put(unit.key(), 2);
            path.remove(path.size() - 1);
        }
    }
}
