package org.mergelab.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimDirectoryTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int ROUNDS = 1_000;
    static final int CLAIMERS = 8;

    @TempDir
    Path dir;

    /** 8 claimers, each with a ClaimDirectory of its own (as separate processes would be). */
    @Test
    void oneWinnerPerRoundAmongDirectories() throws Exception {
        List<ClaimDirectory> directories = new ArrayList<>();
        for (int i = 0; i < CLAIMERS; i++) {
            directories.add(ClaimDirectory.open(dir, "w" + i, TIMEOUT));
        }
        assertOneWinnerPerRound(directories);
    }

    /** 8 threads sharing 2 ClaimDirectory instances (two processes of 4 threads each). */
    @Test
    void oneWinnerPerRoundAmongThreadsSharingDirectories() throws Exception {
        ClaimDirectory a = ClaimDirectory.open(dir, "a", TIMEOUT);
        ClaimDirectory b = ClaimDirectory.open(dir, "b", TIMEOUT);
        List<ClaimDirectory> claimers = new ArrayList<>();
        for (int i = 0; i < CLAIMERS; i++) {
            claimers.add(i % 2 == 0 ? a : b);
        }
        assertOneWinnerPerRound(claimers);
    }

    /**
     * Each round all claimers, released together by a barrier, try to claim the same key; the winner holds it until
     * every claimer has tried, then releases it, so the next round starts again from no claim (generation 0).
     */
    private void assertOneWinnerPerRound(List<ClaimDirectory> claimers) throws Exception {
        AtomicIntegerArray winners = new AtomicIntegerArray(ROUNDS);
        CyclicBarrier start = new CyclicBarrier(claimers.size());
        CyclicBarrier tried = new CyclicBarrier(claimers.size());
        String key = Keys.of("contended");
        ExecutorService pool = Executors.newFixedThreadPool(claimers.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ClaimDirectory claimer : claimers) {
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        start.await();
                        Optional<Claim> claim = claimer.tryClaim(key);
                        claim.ifPresent(c -> assertThat(c.generation()).isZero());
                        if (claim.isPresent()) {
                            winners.incrementAndGet(round);
                        }
                        tried.await();
                        if (claim.isPresent()) {
                            claim.get().close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            for (ClaimDirectory c : claimers) {
                c.close();
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(winners.get(round)).as("winners in round %d", round).isEqualTo(1);
        }
        assertThat(claimFiles()).isEmpty();
    }

    @Test
    void claimFileSaysWhoHoldsIt() throws Exception {
        try (ClaimDirectory w1 = ClaimDirectory.open(dir.resolve("claims"), "w1", TIMEOUT);
                ClaimDirectory w2 = ClaimDirectory.open(dir.resolve("claims"), "w2", TIMEOUT)) {
            String key = Keys.of("unit");
            Claim claim = w1.tryClaim(key).orElseThrow();
            assertThat(claim.generation()).isZero();
            assertThat(claim.tookOverFrom()).isEmpty();
            assertThat(dir.resolve("claims").resolve(key + ".claim.0")).isRegularFile();
            List<ClaimInfo> live = w2.live();
            assertThat(live).hasSize(1);
            ClaimInfo info = live.get(0);
            assertThat(info.key()).isEqualTo(key);
            assertThat(info.generation()).isZero();
            assertThat(info.workerId()).isEqualTo("w1");
            assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(info.describe()).contains("worker w1", "pid " + ProcessHandle.current().pid());
            assertThat(w2.tryClaim(key)).isEmpty();
            assertThat(w1.tryClaim(key)).as("not re-entrant").isEmpty();
            claim.close();
            assertThat(w2.live()).isEmpty();
            Claim second = w2.tryClaim(key).orElseThrow();
            assertThat(second.generation()).isZero();
        }
        assertThat(claimFiles()).as("closing the directory releases its claims").isEmpty();
    }

    @Test
    void heartbeatKeepsModificationTimeMoving() throws Exception {
        try (ClaimDirectory w1 = ClaimDirectory.open(dir, "w1", Duration.ofMillis(200))) {
            Claim claim = w1.tryClaim(Keys.of("beating")).orElseThrow();
            Path file = dir.resolve(claim.key() + ".claim.0");
            var before = Files.getLastModifiedTime(file);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (Files.getLastModifiedTime(file).equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(before);
            assertThat(claim.lost()).isFalse();
        }
    }

    @Test
    void badKeyOrTimeoutIsRejectedNamingTheValue() throws Exception {
        try (ClaimDirectory w1 = ClaimDirectory.open(dir, "w1", TIMEOUT)) {
            assertThatThrownBy(() -> w1.tryClaim("seed0/theta1"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'seed0/theta1'");
            assertThatThrownBy(() -> w1.tryClaim("a.claim.1"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a.claim.1'");
        }
        assertThatThrownBy(() -> ClaimDirectory.open(dir, "w1", Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> ClaimDirectory.open(dir, " ", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker id");
    }

    @Test
    void otherFilesInTheDirectoryAreIgnored() throws Exception {
        String key = Keys.of("unit");
        Files.writeString(dir.resolve(key + ".claim.x"), "not a claim");
        Files.writeString(dir.resolve("notes.txt"), "hello");
        try (ClaimDirectory w1 = ClaimDirectory.open(dir, "w1", TIMEOUT)) {
            assertThat(w1.tryClaim(key).orElseThrow().generation()).isZero();
        }
        assertThat(dir.resolve(key + ".claim.x")).exists();
        assertThat(dir.resolve("notes.txt")).exists();
    }

    private List<Path> claimFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".claim.")).toList();
        }
    }
}
