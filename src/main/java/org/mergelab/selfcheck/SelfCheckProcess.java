package org.mergelab.selfcheck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mergelab.engine.ChildJvm;
import org.mergelab.engine.OnednnCapSelection;

/**
 * Runs the known-answer check in a child JVM, so that a native crash of the engine is a failed check rather than a
 * crashed command, and so that the check can run under engine settings other than this process's (oneDNN reads its
 * ISA cap once per process). The child runs {@link #main}; it also reports, through oneDNN's own verbose log, the
 * oneDNN version, the instruction set in effect and the convolution kernels it used.
 */
public final class SelfCheckProcess {

    private static final String RESULT = "kat\t";
    private static final String DONE = OnednnCapSelection.DONE;

    private SelfCheckProcess() {}

    /**
     * What the child did.
     *
     * @param exitCode the child's exit code (-1 when it was stopped at the time limit)
     * @param report the comparisons it printed; complete only when {@link #completed()}
     * @param completed true when the child finished the whole check
     * @param onednnVersion e.g. {@code oneDNN v3.7.1 (commit ...)}, or "unknown"
     * @param onednnIsa the instruction set oneDNN reported in effect, e.g. {@code Intel AVX2}, or "unknown"
     * @param kernels distinct convolution kernels oneDNN created, e.g. {@code jit:avx2 backward_weights}
     * @param errorTail the last lines of the child's standard error
     * @param seconds wall time of the child
     */
    public record Outcome(int exitCode, CheckReport report, boolean completed, String onednnVersion, String onednnIsa,
            List<String> kernels, List<String> errorTail, double seconds) {

        /** True when the child finished and every comparison passed. */
        public boolean passed() {
            return completed && exitCode == 0 && report.passed();
        }

        /** One line saying why it did not pass, naming the first wrong operation and shape; empty when it passed. */
        public String failure() {
            if (exitCode == -1) {
                return "the engine check did not finish in time";
            }
            if (!completed) {
                String signal = exitCode > 128 ? " (signal " + (exitCode - 128) + ")" : "";
                return "the engine check crashed with exit code " + exitCode + signal
                        + (report.comparisons().isEmpty() ? "" : " after " + report.comparisons().size()
                        + " comparisons, the last " + last(report))
                        + (errorTail.isEmpty() ? "" : ": " + errorTail.get(errorTail.size() - 1));
            }
            return report.firstFailure().map(c -> "the engine computes " + c.describe()
                    + " (" + report.failures() + " of " + report.comparisons().size() + " tensors wrong)")
                    .orElse(passed() ? "" : "the engine check failed with exit code " + exitCode);
        }

        private static String last(CheckReport r) {
            CheckReport.Comparison c = r.comparisons().get(r.comparisons().size() - 1);
            return c.operation() + " " + c.shape();
        }
    }

    /**
     * Runs the check in a child JVM of the same Java and class path.
     *
     * @param threads the engine's threads in the child
     * @param environment variables to set in the child (e.g. {@code ONEDNN_MAX_CPU_ISA=ALL} to check without the cap)
     * @param limit the longest the child may run
     */
    public static Outcome runChild(int threads, Map<String, String> environment, Duration limit)
            throws IOException, InterruptedException {
        return runChild(threads, environment, Set.of(), limit);
    }

    /**
     * Runs the check in a child JVM of the same Java and class path.
     *
     * @param threads the engine's threads in the child
     * @param environment variables to set in the child
     * @param unset variables to remove from the child's environment (e.g. the user's {@code ONEDNN_MAX_CPU_ISA}, to
     *     check mergelab's default)
     * @param limit the longest the child may run
     */
    public static Outcome runChild(int threads, Map<String, String> environment, Set<String> unset, Duration limit)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-Xmx2g"), SelfCheckProcess.class,
                List.of("--threads", Integer.toString(threads))));
        pb.environment().keySet().removeAll(unset);
        pb.environment().putAll(environment);
        pb.environment().put("ONEDNN_VERBOSE", "profile_create");
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<List<String>> err = CompletableFuture.supplyAsync(() -> tail(p, 20));
        List<CheckReport.Comparison> comparisons = new ArrayList<>();
        Set<String> kernels = new LinkedHashSet<>();
        String version = "unknown";
        String isa = "unknown";
        boolean done = false;
        Outcome outcome;
        AtomicBoolean stopped = new AtomicBoolean();
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            stopped.set(true);
            p.destroyForcibly();
        }, CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(RESULT)) {
                    comparisons.add(parse(line));
                } else if (line.startsWith(DONE)) {
                    done = true;
                } else if (line.startsWith("onednn_verbose,")) {
                    String[] f = line.split(",", -1);
                    if (line.contains(",info,oneDNN ")) {
                        version = line.substring(line.indexOf("oneDNN "));
                    } else if (line.contains(",info,cpu,isa:")) {
                        isa = line.substring(line.indexOf("isa:") + 4);
                    } else if (f.length > 7 && f[2].equals("primitive") && f[5].equals("convolution")) {
                        kernels.add(f[6] + " " + f[7]);
                    }
                }
            }
        } finally {
            int code = p.waitFor();
            watchdog.cancel(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            outcome = new Outcome(stopped.get() ? -1 : code, new CheckReport(comparisons), done && !stopped.get(),
                    version, isa, List.copyOf(kernels), err.join(), seconds);
        }
        return outcome;
    }

    private static List<String> tail(Process p, int lines) {
        Deque<String> last = new ArrayDeque<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
        } catch (IOException e) {
            last.addLast("(standard error could not be read: " + e.getMessage() + ")");
        }
        return List.copyOf(last);
    }

    private static String format(CheckReport.Comparison c) {
        return RESULT + String.join("\t", c.operation(), c.shape(), c.tensor(), shape(c.expectedShape()),
                shape(c.actualShape()), Double.toString(c.maxError()), Double.toString(c.maxReference()));
    }

    private static CheckReport.Comparison parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
            throw new IllegalStateException("malformed line from the engine check: " + line);
        }
        return new CheckReport.Comparison(f[1], f[2], f[3], shape(f[4]), shape(f[5]), Double.parseDouble(f[6]),
                Double.parseDouble(f[7]));
    }

    private static String shape(long[] s) {
        StringBuilder b = new StringBuilder();
        for (long d : s) {
            b.append(b.isEmpty() ? "" : "x").append(d);
        }
        return b.isEmpty() ? "scalar" : b.toString();
    }

    private static long[] shape(String s) {
        if (s.equals("scalar")) {
            return new long[0];
        }
        String[] parts = s.split("x");
        long[] d = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            d[i] = Long.parseLong(parts[i]);
        }
        return d;
    }

    /**
     * The child: runs {@link KnownAnswerCheck#run} with the real engine at the trainer's shapes and prints one line
     * per comparison, then a closing line ({@code passed}, or {@code failed} and the first failure). Arguments:
     * {@code --threads N}, and {@code --stop-at-first-failure} to end at the first wrong tensor (as
     * {@link OnednnCapSelection} does when it tries a cap).
     */
    public static void main(String[] args) {
        int threads = 2;
        boolean stopAtFirstFailure = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads") && i + 1 < args.length) {
                threads = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--stop-at-first-failure")) {
                stopAtFirstFailure = true;
            } else {
                System.err.println("usage: SelfCheckProcess [--threads N] [--stop-at-first-failure]");
                System.exit(2);
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean stop = stopAtFirstFailure;
        CheckReport r = KnownAnswerCheck.run(new DjlOperations(), KnownAnswerCheck.Options.trainerShapes(threads),
                c -> {
                    out.println(format(c));
                    if (stop && !c.passed()) {
                        out.println(DONE + "failed\t" + c.describe());
                        out.flush();
                        System.exit(0);
                    }
                });
        out.println(DONE + (r.passed() ? "passed" : "failed\t" + r.firstFailure().orElseThrow().describe()));
        out.flush();
        System.exit(0);
    }

    /** Summary counts by operation, for people: {@code conv2d 24, batch_norm(training) 9, ...}. */
    public static String casesByOperation(CheckReport report) {
        Map<String, Set<String>> shapes = new LinkedHashMap<>();
        for (CheckReport.Comparison c : report.comparisons()) {
            shapes.computeIfAbsent(c.operation(), k -> new LinkedHashSet<>()).add(c.shape());
        }
        List<String> parts = new ArrayList<>();
        shapes.forEach((op, s) -> parts.add(String.format(Locale.ROOT, "%s x%d", op, s.size())));
        return String.join(", ", parts);
    }
}
