package org.mergelab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.engine.ChildJvm;

/**
 * {@code mergelab run --workers N}: N worker processes on this machine, each a plain {@code mergelab run} of the
 * same experiment and output directory, cooperating through the directory's claims. Each writes its console
 * output to {@code DIR/workers/worker-K.log}; this process prints the shared log's {@code done} and
 * {@code take over} lines as they come, waits for every worker, and stops them all if it is stopped.
 */
final class LocalWorkers {

    /** Where the workers' console output goes, inside the output directory. */
    static final String LOG_DIRECTORY = "workers";

    private LocalWorkers() {}

    /**
     * Starts the workers and waits for them.
     *
     * @param count workers
     * @param args each worker's {@code mergelab} arguments
     * @param out the output directory
     * @return 0 when every worker succeeded, else the first failing worker's exit code
     */
    static int run(int count, List<String> args, Path out, PrintStream console) throws IOException, InterruptedException {
        Path logs = Files.createDirectories(out.resolve(LOG_DIRECTORY));
        List<String> jvmOptions = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> o.startsWith("-Xmx") || o.startsWith("-Xms"))
                .toList());
        jvmOptions.addAll(ChildJvm.vectorModuleOptions());
        List<Process> workers = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by the shutdown hook
        Thread stopAll = new Thread(() -> workers.forEach(Process::destroy), "stop-workers");
        Runtime.getRuntime().addShutdownHook(stopAll);
        Path sharedLog = out.resolve("log.txt");
        long offset = Files.exists(sharedLog) ? Files.size(sharedLog) : 0;
        try {
            for (int k = 1; k <= count; k++) {
                Path log = logs.resolve("worker-" + k + ".log");
                workers.add(new ProcessBuilder(ChildJvm.command(jvmOptions, MergelabCommand.class, args))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start());
                console.printf("worker %d: pid %d, console output in %s%n", k, workers.getLast().pid(), log);
            }
            while (workers.stream().anyMatch(Process::isAlive)) {
                offset = echoNewLines(sharedLog, offset, console);
                Thread.sleep(500);
            }
            echoNewLines(sharedLog, offset, console);
        } finally {
            workers.forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the workers
            }
        }
        int failed = 0;
        for (int k = 0; k < workers.size(); k++) {
            int code = workers.get(k).exitValue();
            if (code != 0) {
                Path log = logs.resolve("worker-" + (k + 1) + ".log");
                console.printf("worker %d failed with exit code %d; last lines of %s:%n", k + 1, code, log);
                List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
                lines.remove(ChildJvm.INCUBATOR_WARNING);
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> console.println("  " + l));
                failed = failed == 0 ? code : failed;
            }
        }
        return failed;
    }

    /** Prints the shared log's new {@code done}/{@code take over}/{@code abandoned} lines; returns the new offset. */
    private static long echoNewLines(Path log, long offset, PrintStream console) throws IOException {
        if (!Files.exists(log)) {
            return offset;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            if (file.length() <= offset) {
                return offset;
            }
            file.seek(offset);
            byte[] bytes = new byte[(int) (file.length() - offset)];
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return offset; // a line still being written
            }
            for (String line : text.substring(0, end).split("\n")) {
                int space = line.indexOf(' ');
                String message = space < 0 ? line : line.substring(space + 1);
                if (message.startsWith("done ") || message.startsWith("take over ") || message.startsWith("abandoned ")) {
                    console.println(message);
                }
            }
            return offset + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
