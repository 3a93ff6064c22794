package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.config.ConfigReader;
import org.mergelab.cli.MergelabProcess;
import org.mergelab.cli.MergelabProcess.Signal;

/**
 * {@code mergelab run} as a real process, stopped by SIGKILL, SIGINT or SIGTERM part-way through, then started
 * again: no temporary remains, the restart reuses what was finished, and the results equal an uninterrupted run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentKillTest {

    private Path dir;
    private Path config;
    private String cleanResults;
    private String cleanMerges;

    @BeforeAll
    void anUninterruptedRun(@TempDir Path tmp) throws Exception {
        dir = tmp;
        config = Files.writeString(dir.resolve("tiny.yaml"), ReducedExperiment.TINY_MERGES_YAML);
        ExperimentRunner.create(ConfigReader.parse(ReducedExperiment.TINY_MERGES_YAML, ExperimentConfig.class, "tiny.yaml"),
                dir.resolve("clean"), false, ExperimentProgress.SILENT).run();
        cleanResults = Files.readString(dir.resolve("clean").resolve(ExperimentRunner.RESULTS_FILE));
        cleanMerges = Files.readString(dir.resolve("clean").resolve(ExperimentRunner.MERGES_FILE));
    }

    private static long doneUnits(Path out) throws Exception {
        Path log = out.resolve("log.txt");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" done ")).count();
    }

    private static List<Path> temporaries(Path out) throws Exception {
        try (Stream<Path> walk = Files.walk(out)) {
            return walk.filter(AtomicFiles::isTemporary).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void stoppedAndRestartedRunEndsWithTheSameResults(Signal signal) throws Exception {
        MergelabProcess.assumeDeliverable(signal);
        Path out = dir.resolve("stopped-" + signal.name().toLowerCase(java.util.Locale.ROOT));
        Path log = dir.resolve(out.getFileName() + ".log");
        Process p = MergelabProcess.start(dir, log, List.of(), "run", config.toString(), "--out", out.toString());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        // stopped once the first units of the method study run (theta0, its probes, theta1, theta2, a sweep, ...)
        while (doneUnits(out) < 6 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the run was still going when it was stopped: " + Files.readString(log)).isTrue();
        int code = MergelabProcess.signal(p, signal);
        assertThat(out.resolve(ExperimentRunner.RESULTS_FILE)).doesNotExist();
        if (signal != Signal.KILL) {
            assertThat(code).isEqualTo(signal.exitCode());
            assertThat(temporaries(out)).as("the shutdown hook removed the temporaries").isEmpty();
        }
        long doneBefore = doneUnits(out);

        Path again = dir.resolve(out.getFileName() + "-again.log");
        assertThat(MergelabProcess.run(dir, again, List.of(), "run", config.toString(), "--out", out.toString()))
                .as(Files.readString(again)).isZero();
        List<String> lines = Files.readAllLines(out.resolve("log.txt"));
        // the restart reused what was finished (a unit may have finished between its output and its log line)
        String start = lines.stream().filter(l -> l.contains("start: ")).reduce((a, b) -> b).orElseThrow();
        Matcher m = Pattern.compile("\\((\\d+) reused\\)").matcher(start);
        assertThat(m.find()).as(start).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(doneBefore, doneBefore + 1);
        assertThat(temporaries(out)).isEmpty();
        assertThat(Files.readString(out.resolve(ExperimentRunner.RESULTS_FILE))).isEqualTo(cleanResults);
        assertThat(Files.readString(out.resolve(ExperimentRunner.MERGES_FILE))).isEqualTo(cleanMerges);
    }
}
