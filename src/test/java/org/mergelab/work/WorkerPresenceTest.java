package org.mergelab.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.engine.ChildJvm;

class WorkerPresenceTest {

    @TempDir
    Path dir;

    /** Enters {@code dir} on another thread; the future tells whether it was alone. */
    private CompletableFuture<Boolean> enterLater() {
        return CompletableFuture.supplyAsync(() -> {
            try (WorkerPresence p = WorkerPresence.enter(dir)) {
                return p.alone();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void assertWaiting(CompletableFuture<Boolean> entering, long millis, String failure) throws Exception {
        try {
            entering.get(millis, TimeUnit.MILLISECONDS);
            throw new AssertionError(failure);
        } catch (TimeoutException expected) {
            // waiting, as it should
        }
    }

    @Test
    void aWorkerThatEntersFirstIsAloneAndOneThatEntersLaterIsNot() throws Exception {
        try (WorkerPresence first = WorkerPresence.enter(dir)) {
            assertThat(first.alone()).isTrue();
            first.share();
            try (WorkerPresence second = WorkerPresence.enter(dir)) {
                assertThat(second.alone()).isFalse();
            }
        }
        try (WorkerPresence again = WorkerPresence.enter(dir)) {
            assertThat(again.alone()).as("every worker has left").isTrue();
        }
    }

    @Test
    void aSecondRunOfTheSameJvmWaitsUntilTheLoneOneShares() throws Exception {
        try (WorkerPresence first = WorkerPresence.enter(dir)) {
            CompletableFuture<Boolean> second = enterLater();
            assertWaiting(second, 300, "the second run entered while the first held the exclusive lock");
            first.share();
            assertThat(second.get(30, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void anotherProcessIsSeenAndItsExclusiveLockIsWaitedFor() throws Exception {
        Process other = new ProcessBuilder(ChildJvm.command(List.of(), PresenceHoldingWorker.class, List.of(dir.toString())))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("alone"); // holds the exclusive lock: it never shares
            CompletableFuture<Boolean> entered = enterLater();
            assertWaiting(entered, 500, "entered while another process held the exclusive lock");
            other.getOutputStream().close(); // the other process leaves
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(entered.get(30, TimeUnit.SECONDS)).as("it entered while the other process was there")
                    .isFalse();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aKilledProcessLeavesNoPresence() throws Exception {
        Process other = new ProcessBuilder(ChildJvm.command(List.of(), PresenceHoldingWorker.class, List.of(dir.toString(), "share")))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("alone");
            try (WorkerPresence p = WorkerPresence.enter(dir)) {
                assertThat(p.alone()).as("the other process holds a shared lock").isFalse();
            }
            other.destroyForcibly();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (WorkerPresence p = WorkerPresence.enter(dir)) {
                assertThat(p.alone()).as("the killed process's lock is gone").isTrue();
            }
        } finally {
            other.destroyForcibly();
        }
    }
}
