package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.cli.MergelabProcess;
import org.mergelab.cli.MergelabProcess.Signal;

/**
 * Several {@code mergelab run} processes on one output directory, as on a cluster with a shared volume: every unit
 * runs once, a worker killed in the middle of a unit has that unit finished by another, and the results are
 * byte-identical to one process's.
 */
class ExperimentWorkersTest {

    private static final Pattern DONE = Pattern.compile(" done (\\S+) in ");
    private static final Pattern BEGIN = Pattern.compile(" begin (\\S+) \\[worker [^:\\]]+:(\\d+)\\]");

    @TempDir
    Path dir;

    /** Unit name to the number of its "done" lines in the shared log. */
    private static Map<String, Integer> doneCounts(Path out) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("log.txt"))) {
            Matcher m = DONE.matcher(line);
            if (m.find()) {
                counts.merge(m.group(1), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static String singleProcessResults(ExperimentConfig config, Path out) throws Exception {
        ExperimentRunner.create(config, out, false, ExperimentProgress.SILENT).run();
        return Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE));
    }

    private static void awaitAll(List<Process> processes, List<Path> logs) throws Exception {
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                processes.forEach(Process::destroyForcibly);
                throw new AssertionError("worker " + i + " ran for more than 5 minutes");
            }
            assertThat(p.exitValue()).as("worker %d: %s", i, Files.readString(logs.get(i))).isZero();
        }
    }

    @Test
    void threeWorkersOnOneDirectoryGiveTheResultsOfOneProcessAndRunEachUnitOnce() throws Exception {
        String expected = singleProcessResults(ReducedExperiment.tinyConfig(), dir.resolve("one"));
        Path config = Files.writeString(dir.resolve("tiny.yaml"), ReducedExperiment.TINY_YAML);
        Path out = dir.resolve("three");
        List<Process> workers = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path log = dir.resolve("worker-" + i + ".log");
            logs.add(log);
            workers.add(MergelabProcess.start(dir, log, List.of(), "run", config.toString(), "--out", out.toString()));
        }
        awaitAll(workers, logs);

        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(expected);
        List<String> units = ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).plan()
                .stream().map(p -> p.unit().name()).sorted().toList();
        Map<String, Integer> done = doneCounts(out);
        assertThat(done.keySet()).containsExactlyElementsOf(units);
        assertThat(done.values()).as("each unit ran once: %s", done).allMatch(n -> n == 1);
        assertThat(Files.readString(out.resolve(ExperimentRunner.SUMMARY_FILE)))
                .isEqualTo(Files.readString(dir.resolve("one").resolve(ExperimentRunner.SUMMARY_FILE)));
    }

    @Test
    void theMarkerIsWrittenBeforeTheClaimsDirectorySoAWorkerStartingMeanwhileAcceptsTheDirectory() throws Exception {
        // CI once saw a worker refuse the new directory another worker had just made: it held claims/ and no marker
        // yet. A regular file where claims/ goes stops a worker right after it has made the directory and the marker,
        // as they are when the claims directory is made.
        Path out = dir.resolve("starting");
        ExperimentRunner first = ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT);
        Files.createDirectories(out);
        Files.writeString(out.resolve(ExperimentRunner.CLAIMS_DIRECTORY), "in the way");
        assertThatThrownBy(first::prepare).hasMessageContaining(out.resolve(ExperimentRunner.CLAIMS_DIRECTORY).toString());
        assertThat(out.resolve(org.mergelab.checkpoint.OutputDirectory.MARKER_FILE)).as("marker before claims/").exists();
        assertThatCode(() -> ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT))
                .as("another worker claiming the directory now").doesNotThrowAnyException();
    }

    @Test
    void runWithWorkersStartsLocalWorkersAndPrintsTheFindings() throws Exception {
        String expected = singleProcessResults(ReducedExperiment.tinyConfig(), dir.resolve("one"));
        Path config = Files.writeString(dir.resolve("tiny.yaml"), ReducedExperiment.TINY_YAML);
        Path out = dir.resolve("flag");
        Path console = dir.resolve("console.log");
        assertThat(MergelabProcess.run(dir, console, List.of(), "run", config.toString(), "--out", out.toString(), "--workers", "2"))
                .as(Files.readString(console)).isZero();
        String printed = Files.readString(console);
        assertThat(printed).contains("starting 2 workers").contains("worker 1: pid").contains("worker 2: pid")
                .contains("done seed0/theta0 in").contains("Findings");
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(expected);
        assertThat(doneCounts(out).values()).allMatch(n -> n == 1);
        assertThat(out.resolve("workers/worker-1.log")).as("each worker's console output").exists();
        assertThat(MergelabProcess.run(dir, dir.resolve("zero.log"), List.of(), "run", config.toString(), "--out",
                dir.resolve("zero").toString(), "--workers", "0")).isNotZero();
        assertThat(Files.readString(dir.resolve("zero.log"))).contains("--workers: 0 is below 1");
        assertThat(dir.resolve("zero")).doesNotExist();
    }

    @Test
    void aUnitOfAWorkerKilledInItsMiddleIsFinishedByAnotherWorker() throws Exception {
        // pre-training long enough (several seconds) to kill its worker in the middle of it; every other unit
        // depends on theta0, so the second worker waits for it until it takes the dead worker's claim over
        String yaml = ReducedExperiment.TINY_YAML
                .replace("builtin:size=240,test-size=60", "builtin:size=960,test-size=60")
                .replace("pretrain: {epochs: 2,", "pretrain: {epochs: 8,")
                + "heartbeat_timeout_seconds: 3\n";
        ExperimentConfig parsed = org.mergelab.config.ConfigReader.parse(yaml, ExperimentConfig.class, "slow.yaml");
        String expected = singleProcessResults(parsed, dir.resolve("one"));
        Path config = Files.writeString(dir.resolve("slow.yaml"), yaml);
        Path out = dir.resolve("two");
        List<Path> logs = List.of(dir.resolve("worker-a.log"), dir.resolve("worker-b.log"));
        Process a = MergelabProcess.start(dir, logs.get(0), List.of(), "run", config.toString(), "--out", out.toString());
        Process b = MergelabProcess.start(dir, logs.get(1), List.of(), "run", config.toString(), "--out", out.toString());

        // wait until one of them is in the middle of pre-training
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Optional<long[]> holder = Optional.empty();
        while (holder.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            holder = begun(out, "seed0/theta0");
        }
        assertThat(holder).as("a worker began pre-training").isPresent();
        Thread.sleep(1500);
        assertThat(doneCounts(out)).as("pre-training was still running when its worker was killed").doesNotContainKey("seed0/theta0");
        long pid = holder.get()[0];
        Process victim = pid == a.pid() ? a : b;
        Process survivor = victim == a ? b : a;
        assertThat(victim.pid()).isEqualTo(pid);
        MergelabProcess.signal(victim, Signal.KILL);

        awaitAll(List.of(survivor), List.of(victim == a ? logs.get(1) : logs.get(0)));
        String log = Files.readString(out.resolve("log.txt"));
        assertThat(log).contains("take over seed0/theta0 [worker");
        Map<String, Integer> done = doneCounts(out);
        assertThat(done.get("seed0/theta0")).as("theta0 was finished once, by the survivor").isEqualTo(1);
        assertThat(done.values()).allMatch(n -> n == 1);
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(expected);
    }

    @Test
    void aWorkerThatIsNotAloneLeavesTheTemporariesAnotherWorkerIsWriting() throws Exception {
        // a worker that has started and claims nothing yet (or has released its claims and writes the reports) is
        // seen by its lock on claims/workers.lock, not by claims; CI once saw a starting worker delete the
        // temporary of another one's experiment.yaml
        Path out = dir.resolve("shared");
        Path claims = out.resolve(ExperimentRunner.CLAIMS_DIRECTORY);
        ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).prepare();
        Process other = new ProcessBuilder(org.mergelab.engine.ChildJvm.command(List.of(),
                org.mergelab.work.PresenceHoldingWorker.class, List.of(claims.toString(), "share")))
                .redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("alone");
            Path writing = Files.writeString(out.resolve("experiment.yaml.tmp-0123456789ab"), "being written");
            ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).prepare();
            assertThat(writing).as("another worker's temporary").exists();
            assertThat(out.resolve("experiment.yaml")).exists();

            other.destroyForcibly();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            ExperimentRunner.create(ReducedExperiment.tinyConfig(), out, false, ExperimentProgress.SILENT).prepare();
            assertThat(writing).as("a killed worker's leftover, removed by a worker that is alone").doesNotExist();
        } finally {
            other.destroyForcibly();
        }
    }

    /** The pid of the worker whose "begin" line for {@code unit} is in the shared log. */
    private static Optional<long[]> begun(Path out, String unit) throws Exception {
        Path log = out.resolve("log.txt");
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(log)) {
            Matcher m = BEGIN.matcher(line);
            if (m.find() && m.group(1).equals(unit)) {
                return Optional.of(new long[] {Long.parseLong(m.group(2))});
            }
        }
        return Optional.empty();
    }
}
