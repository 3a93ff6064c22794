package org.mergelab.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures claim files on a directory: claim+release round trip, a claim attempt on a unit another worker holds,
 * contended claims (8 claimers released together), and one heartbeat. Not a unit test; run by hand (see
 * docs/workers.md for the command). Arguments: the directory in which to make (and at the end delete) a fresh
 * measuring directory, default the temporary directory; the number of repetitions, default 20,000.
 */
public final class ClaimBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private ClaimBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path parent = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Path.of(System.getProperty(
                "java.io.tmpdir"));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory(parent, "claim-benchmark");
        System.out.printf(Locale.ROOT, "directory %s (%s), %d repetitions, %d processors%n", dir,
                Files.getFileStore(dir).type(), n, Runtime.getRuntime().availableProcessors());
        try {
            roundTrip(dir.resolve("round-trip"), n, 0);
            roundTrip(dir.resolve("round-trip-crowded"), n, 200);
            heldElsewhere(dir.resolve("held"), n);
            heartbeat(dir.resolve("heartbeat"), n);
            contended(dir.resolve("contended"), Math.max(200, n / 10), 8);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** tryClaim + close of a free unit, with {@code others} claim files of other units in the directory. */
    private static void roundTrip(Path dir, int n, int others) throws IOException {
        try (ClaimDirectory claims = ClaimDirectory.open(dir, "bench", TIMEOUT);
                ClaimDirectory crowd = ClaimDirectory.open(dir, "crowd", TIMEOUT)) {
            for (int i = 0; i < others; i++) {
                crowd.tryClaim(Keys.of("other" + i)).orElseThrow();
            }
            String key = Keys.of("unit");
            long[] nanos = new long[n];
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    claims.tryClaim(key).orElseThrow().close();
                    nanos[i] = System.nanoTime() - start;
                }
            }
            report("claim+release round trip" + (others > 0 ? " (" + others + " other claims in the directory)"
                    : ""), nanos);
        }
    }

    /** tryClaim of a unit another worker holds (fresh): list, stat and read its claim file, give up. */
    private static void heldElsewhere(Path dir, int n) throws IOException {
        try (ClaimDirectory holder = ClaimDirectory.open(dir, "holder", TIMEOUT);
                ClaimDirectory claims = ClaimDirectory.open(dir, "bench", TIMEOUT)) {
            String key = Keys.of("unit");
            holder.tryClaim(key).orElseThrow();
            long[] nanos = new long[n];
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    Optional<Claim> claim = claims.tryClaim(key);
                    nanos[i] = System.nanoTime() - start;
                    if (claim.isPresent()) {
                        throw new IllegalStateException("claimed a unit held elsewhere");
                    }
                }
            }
            report("claim attempt on a unit held elsewhere", nanos);
        }
    }

    /** One heartbeat of one claim: list the key's generations, read the file, set its modification time. */
    private static void heartbeat(Path dir, int n) throws IOException {
        try (ClaimDirectory claims = ClaimDirectory.open(dir, "bench", TIMEOUT)) {
            Claim claim = claims.tryClaim(Keys.of("unit")).orElseThrow();
            long[] nanos = new long[n];
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    claim.heartbeat();
                    nanos[i] = System.nanoTime() - start;
                }
            }
            if (claim.lost()) {
                throw new IllegalStateException("heartbeat lost the claim: " + claim.lostReason().orElseThrow());
            }
            report("heartbeat of one claim", nanos);
        }
    }

    /** {@code claimers} directories (as processes) released together try to claim one unit; the winner releases. */
    private static void contended(Path dir, int rounds, int claimers) throws Exception {
        List<ClaimDirectory> directories = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            directories.add(ClaimDirectory.open(dir, "w" + i, TIMEOUT));
        }
        String key = Keys.of("unit");
        CyclicBarrier start = new CyclicBarrier(claimers);
        CyclicBarrier tried = new CyclicBarrier(claimers);
        long[][] winner = new long[claimers][rounds];
        long[][] loser = new long[claimers][rounds];
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                int id = c;
                futures.add(pool.submit(() -> {
                    Arrays.fill(winner[id], -1);
                    Arrays.fill(loser[id], -1);
                    for (int round = 0; round < rounds; round++) {
                        start.await();
                        long t = System.nanoTime();
                        Optional<Claim> claim = directories.get(id).tryClaim(key);
                        long took = System.nanoTime() - t;
                        (claim.isPresent() ? winner : loser)[id][round] = took;
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
            for (ClaimDirectory d : directories) {
                d.close();
            }
        }
        long[] won = Stream.of(winner).flatMapToLong(Arrays::stream).filter(x -> x >= 0).toArray();
        long[] lost = Stream.of(loser).flatMapToLong(Arrays::stream).filter(x -> x >= 0).toArray();
        for (int round = 0; round < rounds; round++) {
            int winners = 0;
            for (long[] w : winner) {
                winners += w[round] >= 0 ? 1 : 0;
            }
            if (winners != 1) {
                throw new IllegalStateException(winners + " winners in contended round " + round + ": exclusive"
                        + " create is not atomic on " + dir);
            }
        }
        report("contended claim, " + claimers + " claimers: the winner", won);
        report("contended claim, " + claimers + " claimers: a loser", lost);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-70s median %7.1f us  p90 %7.1f us  p99 %8.1f us  (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3, sorted.length);
    }
}
