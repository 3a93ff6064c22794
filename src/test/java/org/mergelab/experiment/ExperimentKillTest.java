package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.AtomicFiles;

/** A real process kill part-way through a run, then a restart: the results equal an uninterrupted run's. */
class ExperimentKillTest {

    @TempDir Path dir;

    private Process start(Path config, Path out) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), "org.mergelab.cli.MergelabCommand", "run",
                config.toString(), "--out", out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("process-" + out.getFileName() + ".log").toFile())
                .start();
    }

    private static long doneUnits(Path out) throws Exception {
        Path log = out.resolve("log.txt");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" done ")).count();
    }

    @Test
    void killedAndRestartedRunEndsWithTheSameResults() throws Exception {
        Path config = Files.writeString(dir.resolve("reduced.yaml"), ReducedExperiment.YAML);
        Path killed = dir.resolve("killed");
        Process p = start(config, killed);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (doneUnits(killed) < 9 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(p.isAlive()).as("the run was still going when it was killed").isTrue();
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(killed.resolve("results.csv"))).isFalse();
        long doneBefore = doneUnits(killed);

        Process restarted = start(config, killed);
        assertThat(restarted.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(restarted.exitValue()).as(Files.readString(dir.resolve("process-killed.log"))).isZero();
        List<String> log = Files.readAllLines(killed.resolve("log.txt"));
        // the restart reused what was finished (a unit may have finished between its output and its log line)
        String start = log.stream().filter(l -> l.contains("start: ")).reduce((a, b) -> b).orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) reused\\)").matcher(start);
        assertThat(m.find()).as(start).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(doneBefore, doneBefore + 1);
        assertThat(AtomicFiles.removeTemporaries(killed)).isEmpty();

        ExperimentRunner.create(ReducedExperiment.config(), dir.resolve("clean"), false, ExperimentProgress.SILENT).run();
        assertThat(Files.readString(killed.resolve("results.csv"))).isEqualTo(Files.readString(dir.resolve("clean/results.csv")));
    }
}
