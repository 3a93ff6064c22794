package org.mergelab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mergelab.engine.ChildJvm;

/** Runs {@code mergelab} as a real process (its own JVM, working directory and signals), for tests. */
public final class MergelabProcess {

    /** The signals the kill tests send. */
    public enum Signal {
        /** SIGKILL: no shutdown hook runs. */
        KILL(9),
        /** SIGINT (Ctrl-C): shutdown hooks run, exit code 130. */
        INT(2),
        /** SIGTERM: shutdown hooks run, exit code 143. */
        TERM(15);

        private final int number;

        Signal(int number) {
            this.number = number;
        }

        /** The exit code of a JVM that this signal stopped. */
        public int exitCode() {
            return 128 + number;
        }
    }

    private MergelabProcess() {}

    /**
     * Starts {@code mergelab ARGS...} in {@code workingDirectory} with the test's class path, output to {@code log}.
     *
     * @param jvmOptions extra JVM options (e.g. {@code -Xint} to make a short command last long enough to interrupt)
     */
    public static Process start(Path workingDirectory, Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx1g"));
        options.addAll(jvmOptions);
        return new ProcessBuilder(ChildJvm.command(options, MergelabCommand.class, List.of(args))).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** Runs {@code mergelab ARGS...} to the end; returns its exit code. */
    public static int run(Path workingDirectory, Path log, List<String> jvmOptions, String... args) throws Exception {
        Process p = start(workingDirectory, log, jvmOptions, args);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mergelab " + String.join(" ", args) + " ran for more than 5 minutes");
        }
        return p.exitValue();
    }

    /** Sends {@code signal} to {@code process} and waits for it to end; returns its exit code. */
    public static int signal(Process process, Signal signal) throws Exception {
        if (signal == Signal.KILL) {
            process.destroyForcibly();
        } else if (signal == Signal.TERM) {
            process.destroy();
        } else {
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal.name() + " " + process.pid()).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + signal.name() + " " + process.pid() + " failed");
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within 60 s of SIG" + signal.name());
        }
        return process.exitValue();
    }

    /** Skips the calling test when {@code signal} cannot reach a child (a SIGINT that this JVM ignores). */
    public static void assumeDeliverable(Signal signal) throws IOException {
        if (signal == Signal.INT) {
            org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(), "this JVM ignores SIGINT, and so would the child");
        }
    }

    /**
     * True when this JVM ignores SIGINT (a process started in the background by a non-interactive shell): its
     * children inherit that, and a JVM that ignores SIGINT never runs its shutdown hooks for it.
     */
    public static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }
}
