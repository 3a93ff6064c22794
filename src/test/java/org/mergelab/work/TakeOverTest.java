package org.mergelab.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.engine.ChildJvm;

class TakeOverTest {

    @TempDir
    Path dir;

    @Test
    void silentHolderIsTakenOverAfterTheTimeoutNotBeforeAndSeesItLost() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (ClaimDirectory stalled = ClaimDirectory.open(dir, "stalled", timeout);
                ClaimDirectory taker = ClaimDirectory.open(dir, "taker", timeout);
                ClaimDirectory third = ClaimDirectory.open(dir, "third", timeout)) {
            String key = Keys.of("unit");
            Claim old = stalled.tryClaim(key).orElseThrow();
            stalled.suspendHeartbeat();
            long silentSince = System.nanoTime();
            Optional<Claim> taken = Optional.empty();
            while (taken.isEmpty() && System.nanoTime() - silentSince < Duration.ofSeconds(10).toNanos()) {
                taken = taker.tryClaim(key);
                Thread.sleep(5);
            }
            long waited = System.nanoTime() - silentSince;
            assertThat(taken).as("taken over within 10 s").isPresent();
            assertThat(Duration.ofNanos(waited)).as("not before the timeout").isGreaterThanOrEqualTo(timeout);
            Claim claim = taken.get();
            assertThat(claim.generation()).isEqualTo(1);
            assertThat(claim.tookOverFrom()).hasValueSatisfying(previous -> {
                assertThat(previous.workerId()).isEqualTo("stalled");
                assertThat(previous.generation()).isZero();
            });
            assertThat(old.lost()).as("no heartbeat yet to find out").isFalse();

            stalled.resumeHeartbeat();
            awaitTrue(old::lost, Duration.ofSeconds(5));
            assertThat(old.lostReason()).hasValueSatisfying(r -> assertThat(r).contains(key + ".claim.1"));
            old.close();
            assertThat(dir.resolve(key + ".claim.0")).as("the lost holder deletes its own file").doesNotExist();
            assertThat(dir.resolve(key + ".claim.1")).as("and not the new holder's").exists();

            Thread.sleep(timeout.toMillis() * 2);
            assertThat(claim.lost()).isFalse();
            assertThat(third.tryClaim(key)).as("the new holder's heartbeat is alive").isEmpty();
            claim.close();
            assertThat(claimFiles()).isEmpty();
        }
    }

    @Test
    void heartbeatingHolderIsNeverTakenOver() throws Exception {
        Duration timeout = Duration.ofMillis(800);
        try (ClaimDirectory holder = ClaimDirectory.open(dir, "holder", timeout);
                ClaimDirectory other = ClaimDirectory.open(dir, "other", timeout)) {
            String key = Keys.of("unit");
            Claim claim = holder.tryClaim(key).orElseThrow();
            long start = System.nanoTime();
            while (System.nanoTime() - start < timeout.multipliedBy(3).toNanos()) {
                assertThat(other.tryClaim(key)).isEmpty();
                Thread.sleep(20);
            }
            assertThat(claim.lost()).isFalse();
            assertThat(other.live()).extracting(ClaimInfo::workerId).containsExactly("holder");
        }
    }

    @Test
    void abandonedClaimIsTakenOverAndCleanedUpOnRelease() throws Exception {
        Duration timeout = Duration.ofMillis(100);
        String key = Keys.of("unit");
        ClaimDirectory killed = ClaimDirectory.open(dir, "killed", timeout);
        killed.tryClaim(key).orElseThrow();
        killed.abandon();
        try (ClaimDirectory taker = ClaimDirectory.open(dir, "taker", timeout)) {
            Claim claim = awaitClaim(taker, key, Duration.ofSeconds(10));
            assertThat(claim.generation()).isEqualTo(1);
            assertThat(taker.live()).extracting(ClaimInfo::generation).containsExactly(1L);
            claim.close();
        }
        assertThat(claimFiles()).as("the taker's release deletes the dead holder's file too").isEmpty();
    }

    /** A claim of a process of this machine that no longer runs is stale at once, without waiting a timeout. */
    @Test
    void claimOfADeadLocalProcessIsStaleAtOnce() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        long deadPid = finished.pid();
        finished.waitFor();
        String key = Keys.of("unit");
        forgeClaim(key, deadPid, -1);
        try (ClaimDirectory taker = ClaimDirectory.open(dir, "taker", Duration.ofMinutes(1))) {
            Claim claim = taker.tryClaim(key).orElseThrow();
            assertThat(claim.tookOverFrom()).hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(deadPid));
        }
    }

    /** A pid that now belongs to another process (started at another time) does not keep a claim alive. */
    @Test
    void reusedPidDoesNotKeepAClaimAlive() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().orElseThrow().toEpochMilli();
        String reused = Keys.of("reused");
        String same = Keys.of("same");
        forgeClaim(reused, self.pid(), started - 3_600_000);
        forgeClaim(same, self.pid(), started);
        try (ClaimDirectory taker = ClaimDirectory.open(dir, "taker", Duration.ofMinutes(1))) {
            assertThat(taker.tryClaim(reused)).isPresent();
            assertThat(taker.tryClaim(same)).as("this very process still runs").isEmpty();
        }
    }

    /** A claim made in another pid namespace (another container, another machine) is never judged by its pid. */
    @Test
    void claimFromAnotherMachineWaitsForTheTimeout() throws Exception {
        String key = Keys.of("unit");
        ClaimFile remote = new ClaimFile(ClaimFile.FORMAT, ClaimFile.VERSION, key, 0, "token", "remote", "node07",
                999_999_999L, -1, "another-boot/pid:[1]", Instant.now().toString());
        remote.createExclusively(dir.resolve(key + ".claim.0"));
        try (ClaimDirectory taker = ClaimDirectory.open(dir, "taker", Duration.ofMillis(300))) {
            assertThat(taker.tryClaim(key)).isEmpty();
            assertThat(taker.live()).extracting(ClaimInfo::host).containsExactly("node07");
            Claim claim = awaitClaim(taker, key, Duration.ofSeconds(10));
            assertThat(claim.tookOverFrom()).hasValueSatisfying(p -> assertThat(p.describe())
                    .contains("worker remote", "pid 999999999 on node07"));
        }
    }

    /** A real worker process SIGKILLed while it holds a claim: this process takes the claim over at once. */
    @Test
    void killedWorkerProcessIsTakenOver() throws Exception {
        String key = Keys.of("unit");
        Process child = new ProcessBuilder(ChildJvm.command(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"),
                ClaimHolderProcess.class, List.of(dir.toString(), key))).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)); ClaimDirectory taker = ClaimDirectory.open(dir, "taker",
                        Duration.ofMinutes(1))) {
            assertThat(out.readLine()).isEqualTo("claimed " + key);
            assertThat(taker.tryClaim(key)).as("the holder runs").isEmpty();
            assertThat(taker.live()).extracting(ClaimInfo::pid).containsExactly(child.pid());
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Claim claim = taker.tryClaim(key).orElseThrow();
            assertThat(claim.tookOverFrom()).hasValueSatisfying(p -> assertThat(p.workerId()).isEqualTo("child"));
            claim.close();
        } finally {
            child.destroyForcibly();
        }
        assertThat(claimFiles()).isEmpty();
    }

    private void forgeClaim(String key, long pid, long processStartMillis) throws Exception {
        ClaimFile.ThisProcess self = ClaimFile.ThisProcess.IDENTITY;
        new ClaimFile(ClaimFile.FORMAT, ClaimFile.VERSION, key, 0, "token", "forged", self.host(), pid,
                processStartMillis, self.pidNamespace(), Instant.now().toString())
                .createExclusively(dir.resolve(key + ".claim.0"));
    }

    private static Claim awaitClaim(ClaimDirectory directory, String key, Duration limit) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            Optional<Claim> claim = directory.tryClaim(key);
            if (claim.isPresent()) {
                return claim.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no claim on " + key + " within " + limit);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - start).as("waited %s", limit).isLessThan(limit.toNanos());
            Thread.sleep(5);
        }
    }

    private List<Path> claimFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
