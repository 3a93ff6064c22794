package org.mergelab.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.AtomicFiles;

class UnitSchedulerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    final Ledger ledger = new Ledger();

    /** A double diamond: a -> {b, c} -> d -> {e, f, g} -> h, run by 3 workers on one claim directory. */
    @Test
    void threeWorkersRunEveryUnitOnceInDependencyOrder() throws Exception {
        FakeUnit a = unit("a");
        FakeUnit b = unit("b", a);
        FakeUnit c = unit("c", a);
        FakeUnit d = unit("d", b, c);
        FakeUnit e = unit("e", d);
        FakeUnit f = unit("f", d);
        FakeUnit g = unit("g", d);
        FakeUnit h = unit("h", e, f, g);
        List<FakeUnit> plan = List.of(a, b, c, d, e, f, g, h);
        Set<String> names = names(plan);

        List<Recorder> recorders = new ArrayList<>();
        List<UnitScheduler.Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<UnitScheduler.Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                String worker = "w" + i;
                futures.add(pool.submit(() -> {
                    try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), worker, TIMEOUT)) {
                        return UnitScheduler.<Worker>builder().setPlan(plan).setClaims(claims)
                                .optListener(recorder).optPollInterval(Duration.ofMillis(5)).build()
                                .run(new Worker(worker, claims));
                    }
                }));
            }
            for (Future<UnitScheduler.Outcome> future : futures) {
                outcomes.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }

        for (String name : names) {
            assertThat(ledger.runs(name)).as("runs of %s", name).isEqualTo(1);
        }
        List<String> ranByAll = outcomes.stream().flatMap(o -> o.ran().stream()).toList();
        assertThat(ranByAll).containsExactlyInAnyOrderElementsOf(names);
        for (UnitScheduler.Outcome outcome : outcomes) {
            assertThat(outcome.reused()).isEmpty();
            List<String> accounted = new ArrayList<>(outcome.ran());
            accounted.addAll(outcome.doneByOthers());
            assertThat(accounted).containsExactlyInAnyOrderElementsOf(names);
            assertThat(outcome.wallSeconds()).isPositive();
        }
        for (FakeUnit unit : plan) {
            for (FakeUnit dependency : unit.dependencies()) {
                assertThat(ledger.started.get(unit.name())).as("%s starts after %s finished", unit.name(),
                        dependency.name()).isGreaterThan(ledger.finished.get(dependency.name()));
            }
        }
        for (int i = 0; i < 3; i++) {
            String worker = "w" + i;
            List<String> done = recorders.get(i).events.stream().filter(s -> s.startsWith("done ")).toList();
            assertThat(done).hasSize(outcomes.get(i).ran().size()).allMatch(s -> s.endsWith("worker " + worker));
            assertThat(recorders.get(i).events.getFirst()).isEqualTo("planned " + worker + " 8 0");
        }
        assertThat(ledger.ranBy.values()).allMatch(w -> w.matches("w[012]"));
        try (Stream<Path> left = Files.list(dir.resolve("claims"))) {
            assertThat(left).as("every claim released").isEmpty();
        }
    }

    @Test
    void unitThatThrowsReleasesItsClaimAndTheErrorPropagates() throws Exception {
        FakeUnit a = unit("a");
        AtomicBoolean fail = new AtomicBoolean(true);
        IllegalStateException boom = new IllegalStateException("boom");
        FakeUnit bad = new FakeUnit("bad", out(), List.of(a), (worker, progress) -> {
            if (fail.get()) {
                throw boom;
            }
            return true;
        });
        List<FakeUnit> plan = List.of(a, bad);
        Recorder recorder = new Recorder();
        try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), "w1", TIMEOUT)) {
            UnitScheduler<Worker> scheduler = UnitScheduler.<Worker>builder().setPlan(plan).setClaims(claims)
                    .optListener(recorder).build();
            assertThatThrownBy(() -> scheduler.run(new Worker("w1", claims))).isSameAs(boom);
            assertThat(claims.live()).as("claim released").isEmpty();
        }
        assertThat(recorder.events).contains("failed bad boom").noneMatch(s -> s.startsWith("done bad"));
        assertThat(a.isDone()).isTrue();
        assertThat(bad.isDone()).isFalse();

        fail.set(false);
        try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), "w2", TIMEOUT)) {
            UnitScheduler.Outcome outcome = UnitScheduler.<Worker>builder().setPlan(plan).setClaims(claims).build()
                    .run(new Worker("w2", claims));
            assertThat(outcome.reused()).containsExactly("a");
            assertThat(outcome.ran()).containsExactly("bad");
        }
        assertThat(ledger.runs("bad")).isEqualTo(2);
    }

    @Test
    void unitAlreadyDoneIsReused() throws Exception {
        FakeUnit a = unit("a");
        FakeUnit b = unit("b", a);
        AtomicFiles.writeString(a.output(), "a");
        try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), "w1", TIMEOUT)) {
            UnitScheduler.Outcome outcome = UnitScheduler.<Worker>builder().setPlan(List.of(b, a)).setClaims(claims)
                    .build().run(new Worker("w1", claims));
            assertThat(outcome.reused()).containsExactly("a");
            assertThat(outcome.ran()).containsExactly("b");
            assertThat(outcome.doneByOthers()).isEmpty();
        }
        assertThat(ledger.runs("a")).isZero();
    }

    /**
     * Worker "slow" stalls (no heartbeat) in the middle of its unit; worker "fast" takes the unit over after the
     * timeout and finishes it; "slow", resuming, finds its claim lost, does not publish, and counts the unit as
     * done by another.
     */
    @Test
    void unitWhoseClaimIsTakenOverIsDiscardedAndFinishedByTheTaker() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        FakeUnit[] unit = new FakeUnit[1];
        unit[0] = new FakeUnit("x", out(), List.of(), (worker, progress) -> {
            if (!worker.id().equals("slow")) {
                return true;
            }
            worker.claims().suspendHeartbeat();
            awaitTrue(() -> unit[0].isDone());
            worker.claims().resumeHeartbeat();
            awaitTrue(progress::lost);
            return false;
        });
        List<FakeUnit> plan = List.of(unit[0]);
        Recorder slowRecorder = new Recorder();
        Recorder fastRecorder = new Recorder();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ClaimDirectory slowClaims = ClaimDirectory.open(dir.resolve("claims"), "slow", timeout);
                ClaimDirectory fastClaims = ClaimDirectory.open(dir.resolve("claims"), "fast", timeout)) {
            Future<UnitScheduler.Outcome> slow = pool.submit(() -> UnitScheduler.<Worker>builder().setPlan(plan)
                    .setClaims(slowClaims).optListener(slowRecorder).build().run(new Worker("slow", slowClaims)));
            awaitTrue(() -> ledger.runs("x") == 1);
            Future<UnitScheduler.Outcome> fast = pool.submit(() -> UnitScheduler.<Worker>builder().setPlan(plan)
                    .setClaims(fastClaims).optListener(fastRecorder).build().run(new Worker("fast", fastClaims)));
            UnitScheduler.Outcome fastOutcome = fast.get();
            UnitScheduler.Outcome slowOutcome = slow.get();
            assertThat(fastOutcome.ran()).as("fast %s %s, slow %s %s", fastOutcome, fastRecorder.events, slowOutcome,
                    slowRecorder.events).containsExactly("x");
            assertThat(slowOutcome.ran()).isEmpty();
            assertThat(slowOutcome.doneByOthers()).containsExactly("x");
        } finally {
            pool.shutdownNow();
        }
        assertThat(fastRecorder.events).contains("took over x from slow");
        assertThat(slowRecorder.events).anyMatch(s -> s.startsWith("lost x ") && s.contains("took it over")
                || s.startsWith("lost x taken over: "));
        assertThat(ledger.runs("x")).isEqualTo(2);
        assertThat(ledger.ranBy).containsEntry("x", "fast");
    }

    @Test
    void unitThatReturnsWithoutPublishingIsAnError() throws Exception {
        FakeUnit lazy = new FakeUnit("lazy", out(), List.of(), (worker, progress) -> false);
        try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), "w1", TIMEOUT)) {
            UnitScheduler<Worker> scheduler = UnitScheduler.<Worker>builder().setPlan(List.of(lazy)).setClaims(claims)
                    .build();
            assertThatThrownBy(() -> scheduler.run(new Worker("w1", claims)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("unit lazy returned");
            assertThat(claims.live()).isEmpty();
        }
    }

    @Test
    void badPlansAreRejectedNamingTheUnits() throws Exception {
        FakeUnit a = unit("a");
        FakeUnit b = unit("b", a);
        List<WorkUnit<Worker>> cycle = new ArrayList<>();
        FakeUnit x = new FakeUnit("x", out(), cycle, FakeUnit.PUBLISH);
        FakeUnit y = unit("y", x);
        cycle.add(y);
        try (ClaimDirectory claims = ClaimDirectory.open(dir.resolve("claims"), "w1", TIMEOUT)) {
            assertThatThrownBy(() -> UnitScheduler.<Worker>builder().setPlan(List.of(b)).setClaims(claims).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unit 'b' depends on 'a', which is not in the plan");
            assertThatThrownBy(() -> UnitScheduler.<Worker>builder().setPlan(List.of(a, unit("a"))).setClaims(claims)
                    .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' appears twice");
            assertThatThrownBy(() -> UnitScheduler.<Worker>builder().setPlan(List.of(x, y)).setClaims(claims)
                    .build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dependencies form a cycle: x -> y -> x");
            assertThatThrownBy(() -> UnitScheduler.<Worker>builder().setPlan(List.of(a)).setClaims(claims)
                    .optPollInterval(Duration.ZERO).build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT0S");
            assertThat(UnitScheduler.<Worker>builder().setPlan(List.of(a)).setClaims(claims).build().pollInterval())
                    .isEqualTo(Duration.ofSeconds(1));
        }
    }

    private Path out() {
        return dir.resolve("out");
    }

    private FakeUnit unit(String name, FakeUnit... dependencies) {
        return new FakeUnit(name, out(), List.<WorkUnit<Worker>>of(dependencies), FakeUnit.PUBLISH);
    }

    private static Set<String> names(List<FakeUnit> plan) {
        Set<String> names = new HashSet<>();
        plan.forEach(u -> names.add(u.name()));
        return names;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(20).toNanos()) {
                throw new AssertionError("condition not met within 20 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** What one worker runs units with. */
    record Worker(String id, ClaimDirectory claims) {}

    /** Runs and their order, shared by all workers (one logical clock). */
    final class Ledger {
        final AtomicLong clock = new AtomicLong();
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final Map<String, Long> finished = new ConcurrentHashMap<>();
        final Map<String, String> ranBy = new ConcurrentHashMap<>();

        int runs(String name) {
            AtomicInteger count = runs.get(name);
            return count == null ? 0 : count.get();
        }
    }

    /** How a fake unit behaves before publishing; false: do not publish. */
    interface Action {
        boolean act(Worker worker, UnitProgress progress);
    }

    /** A unit that checks its dependencies' outputs, waits a little, and writes its name under its key. */
    final class FakeUnit implements WorkUnit<Worker> {

        static final Action PUBLISH = (worker, progress) -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        };

        private final String name;
        private final Path out;
        private final List<WorkUnit<Worker>> dependencies;
        private final Action action;

        FakeUnit(String name, Path out, List<WorkUnit<Worker>> dependencies, Action action) {
            this.name = name;
            this.out = out;
            this.dependencies = dependencies;
            this.action = action;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String key() {
            return Keys.of(name);
        }

        @Override
        public List<FakeUnit> dependencies() {
            return dependencies.stream().map(FakeUnit.class::cast).toList();
        }

        Path output() {
            return out.resolve(key());
        }

        @Override
        public boolean isDone() {
            return Files.exists(output());
        }

        @Override
        public String run(Worker worker, UnitProgress progress) {
            for (WorkUnit<Worker> dependency : dependencies) {
                if (!dependency.isDone()) {
                    throw new AssertionError(name + " runs before " + dependency.name() + " is done");
                }
            }
            ledger.started.put(name, ledger.clock.incrementAndGet());
            ledger.runs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            progress.fraction(0);
            if (!action.act(worker, progress) || progress.lost()) {
                return "discarded";
            }
            try {
                AtomicFiles.writeString(output(), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ledger.finished.put(name, ledger.clock.incrementAndGet());
            ledger.ranBy.put(name, worker.id());
            progress.fraction(1);
            return "wrote " + name;
        }
    }

    /** Records listener events as lines. */
    static final class Recorder implements SchedulerListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void planned(String workerId, int units, int alreadyDone) {
            events.add("planned " + workerId + " " + units + " " + alreadyDone);
        }

        @Override
        public void started(WorkUnit<?> unit, String workerId) {
            events.add("started " + unit.name() + " worker " + workerId);
        }

        @Override
        public void finished(WorkUnit<?> unit, String summary, Duration took, String workerId) {
            events.add("done " + unit.name() + " " + summary + " in " + took.toMillis() + " ms, worker " + workerId);
        }

        @Override
        public void tookOver(WorkUnit<?> unit, ClaimInfo previous) {
            events.add("took over " + unit.name() + " from " + previous.workerId());
        }

        @Override
        public void lost(WorkUnit<?> unit, String reason) {
            events.add("lost " + unit.name() + " " + reason);
        }

        @Override
        public void failed(WorkUnit<?> unit, Throwable error) {
            events.add("failed " + unit.name() + " " + error.getMessage());
        }
    }

}
