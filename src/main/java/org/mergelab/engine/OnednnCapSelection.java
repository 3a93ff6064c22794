package org.mergelab.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.mergelab.Versions;
import org.mergelab.checkpoint.FileHashes;

/**
 * The oneDNN instruction-set cap this machine computes correctly under, found by the engine's known-answer check and
 * remembered per machine.
 *
 * <p><b>Why.</b> libtorch 2.7.1 ships oneDNN v3.7.1. On some CPUs its convolution kernels compute wrong results:
 * with AVX-512 (strided and 1x1 kernels on fewer channels than the 16-lane block, upstream
 * uxlfoundation/oneDNN#6035), and on an AMD EPYC with AVX-512 also with the AVX2 and AVX kernels whenever a channel
 * count is not a multiple of the 8-lane block (forward with 12 input channels, backward-data with 4 or 12 output
 * channels: a ResNet of width 4 or 12). Which kernels are wrong depends on the CPU, so no fixed cap is right
 * everywhere. The candidates {@link #CANDIDATES} go from fastest to safest: at {@code SSE41} oneDNN runs every
 * convolution through its GEMM path on plain layouts, which has computed correctly on every machine seen.
 *
 * <p><b>How.</b> {@link #forThisMachine} runs the known-answer check ({@code org.mergelab.selfcheck}) in a child JVM
 * under each candidate in turn, stopping at the first wrong tensor, and takes the first candidate that passes. The
 * outcome is written to a cache file keyed by the CPU (model name, flags, cores), the libtorch and DJL versions and
 * {@link #CHECK_VERSION}, so the check runs once per machine (about 10 to 40 s) and every later process of that
 * machine takes the same cap: the same seed gives the same numbers. Concurrent processes wait for one another on a
 * lock file. The cache lives in {@value #CACHE_ENV} when set, else {@code $XDG_CACHE_HOME/mergelab}, else
 * {@code ~/.cache/mergelab}; deleting it makes the next process check again.
 */
public final class OnednnCapSelection {

    /** The caps tried, fastest first. */
    public static final List<String> CANDIDATES = List.of("AVX2", "AVX", "SSE41");

    /** Changes whenever the check's cases or tolerance change, so that cached outcomes are checked again. */
    public static final String CHECK_VERSION = "1";

    /** Environment variable naming the directory of the cache. */
    public static final String CACHE_ENV = "MERGELAB_ENGINE_CACHE";

    /** The child's class: the known-answer check's process. */
    static final String CHECK_MAIN_CLASS = "org.mergelab.selfcheck.SelfCheckProcess";

    /** The line the child ends with: this prefix, then {@code passed}, or {@code failed} TAB the first failure. */
    public static final String DONE = "kat-done\t";

    private static final String FORMAT = "mergelab-onednn-cap 1";
    private static final Duration CHILD_LIMIT = Duration.ofMinutes(10);

    private OnednnCapSelection() {}

    /**
     * The check's outcome under one cap.
     *
     * @param cap the value of {@code ONEDNN_MAX_CPU_ISA}
     * @param passed true when every tensor agreed with the reference
     * @param failure the first wrong tensor, or why the check did not finish; empty when passed
     * @param seconds how long the check took
     */
    public record Trial(String cap, boolean passed, String failure, double seconds) {

        /** Validates. */
        public Trial {
            Objects.requireNonNull(cap, "cap");
            Objects.requireNonNull(failure, "failure");
            if (passed != failure.isEmpty()) {
                throw new IllegalArgumentException("a trial passes exactly when it has no failure: " + failure);
            }
        }

        /** One line for people. */
        public String describe() {
            return cap + ": " + (passed ? "correct" : "fails the check: " + failure)
                    + String.format(Locale.ROOT, " (%.1f s)", seconds);
        }
    }

    /**
     * The cap chosen for this machine.
     *
     * @param cap the first candidate that passed
     * @param trials every candidate tried, in order (the last one passed)
     * @param cacheFile where the outcome is remembered, or null when it could not be written
     * @param fromCache true when it was read from the cache rather than checked in this process
     */
    public record Selection(String cap, List<Trial> trials, Path cacheFile, boolean fromCache) {

        /** Validates. */
        public Selection {
            Objects.requireNonNull(cap, "cap");
            trials = List.copyOf(trials);
        }

        /** One line for people: the cap and why. */
        public String describe() {
            StringBuilder b = new StringBuilder(cap).append(", chosen by the engine check on this machine (");
            List<String> parts = new ArrayList<>();
            for (Trial t : trials) {
                parts.add(t.passed() ? t.cap() + " correct" : t.cap() + " wrong");
            }
            b.append(String.join(", ", parts)).append(fromCache ? "; remembered in " + cacheFile : "").append(')');
            return b.toString();
        }
    }

    /** Runs the check under one cap. */
    @FunctionalInterface
    public interface Prober {

        /** The outcome of the check under {@code cap}. */
        Trial probe(String cap);
    }

    /**
     * Tries the candidates in order and returns the first that passes.
     *
     * @throws IllegalStateException naming every candidate's failure when none passes
     */
    public static Selection select(List<String> candidates, Prober prober) {
        List<Trial> trials = new ArrayList<>();
        for (String cap : candidates) {
            Trial t = prober.probe(cap);
            if (!t.cap().equals(cap)) {
                throw new IllegalStateException("the check was asked for " + cap + " and answered for " + t.cap());
            }
            trials.add(t);
            if (t.passed()) {
                return new Selection(cap, trials, null, false);
            }
        }
        List<String> lines = new ArrayList<>();
        trials.forEach(t -> lines.add(t.describe()));
        throw new IllegalStateException("the engine computes wrong results on this machine under every oneDNN cap"
                + " mergelab tries (" + String.join("; ", lines) + "). Set " + EngineSettings.ONEDNN_MAX_CPU_ISA
                + " yourself only after `mergelab doctor` passes with it.");
    }

    /**
     * The cap of this machine: from the cache when it holds an outcome for this machine, else checked now (in
     * child JVMs) and remembered.
     *
     * @throws IllegalStateException when no candidate passes
     */
    public static Selection forThisMachine() {
        Path dir = cacheDirectory(System.getenv());
        String key = machineKey();
        String name = FileHashes.sha256Of(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        Path file = dir.resolve("onednn-cap-" + name + ".txt");
        try {
            Files.createDirectories(dir);
            try (FileChannel lockChannel = FileChannel.open(dir.resolve("onednn-cap.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                Selection cached = read(file, key);
                if (cached != null) {
                    return cached;
                }
                Selection fresh = select(CANDIDATES, OnednnCapSelection::probeInChild);
                write(file, key, fresh);
                return new Selection(fresh.cap(), fresh.trials(), file, false);
            }
        } catch (IOException e) {
            // no usable cache directory: check in this process, every time (correct, only slower)
            System.err.println("mergelab: warning: cannot use the engine-check cache in " + dir + " (" + e.getMessage()
                    + "); checking the engine without it");
            return select(CANDIDATES, OnednnCapSelection::probeInChild);
        }
    }

    /** The cache's directory for an environment (see the class Javadoc). */
    static Path cacheDirectory(Map<String, String> environment) {
        String named = environment.get(CACHE_ENV);
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("mergelab");
    }

    /** What the outcome depends on: the CPU, its cores, the engine's versions and the check's version. */
    static String machineKey() {
        String model = "unknown";
        String flags = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("flags") && flags.equals("unknown")) {
                    flags = String.join(" ", new TreeSet<>(Arrays.asList(
                            line.substring(line.indexOf(':') + 1).strip().split("\\s+"))));
                }
            }
        } catch (IOException e) {
            model = System.getProperty("os.arch");
        }
        return "cpu=" + model + "; flags=" + flags + "; cores=" + Runtime.getRuntime().availableProcessors()
                + "; libtorch=" + Versions.pytorch() + "; djl=" + Versions.djl() + "; check=" + CHECK_VERSION;
    }

    /** The cached selection for {@code key}, or null when there is none (or it is unreadable or for another key). */
    static Selection read(Path file, String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        if (lines.size() < 4 || !lines.get(0).equals(FORMAT) || !lines.get(1).equals("key " + key)
                || !lines.get(2).startsWith("cap ")) {
            return null;
        }
        String cap = lines.get(2).substring(4);
        List<Trial> trials = new ArrayList<>();
        for (String line : lines.subList(3, lines.size())) {
            String[] f = line.split("\t", 4);
            if (f.length != 4 || !f[0].equals("trial")) {
                return null;
            }
            try {
                trials.add(new Trial(f[1], f[3].isEmpty(), f[3], Double.parseDouble(f[2])));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        Trial last = trials.getLast();
        if (!CANDIDATES.contains(cap) || !last.passed() || !last.cap().equals(cap)) {
            return null;
        }
        return new Selection(cap, trials, file, true);
    }

    /** Remembers a selection, atomically; a cache that cannot be written is only a lost shortcut. */
    static void write(Path file, String key, Selection selection) {
        StringBuilder b = new StringBuilder(FORMAT).append('\n').append("key ").append(key).append('\n')
                .append("cap ").append(selection.cap()).append('\n');
        for (Trial t : selection.trials()) {
            b.append("trial\t").append(t.cap()).append('\t').append(t.seconds()).append('\t')
                    .append(t.failure().replace('\n', ' ').replace('\t', ' ')).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("mergelab: warning: cannot remember the engine check's outcome in " + file + " ("
                    + e.getMessage() + "); the next process checks again");
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing left to clean that we can clean
            }
        }
    }

    /**
     * The check under {@code cap} in a child JVM, stopped at its first wrong tensor. A child that crashes, hangs or
     * ends without its closing line is a failed trial (a wrong kernel may also crash).
     */
    public static Trial probeInChild(String cap) {
        List<String> command = ChildJvm.command(List.of("-Xmx2g"), CHECK_MAIN_CLASS, List.of("--threads",
                Integer.toString(Runtime.getRuntime().availableProcessors()), "--stop-at-first-failure"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove(EngineSettings.DNNL_MAX_CPU_ISA);
        pb.environment().put(EngineSettings.ONEDNN_MAX_CPU_ISA, cap);
        pb.environment().remove("ONEDNN_VERBOSE");
        long start = System.nanoTime();
        String outcome = null;
        List<String> tail = new ArrayList<>();
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(CHILD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            });
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(DONE)) {
                        outcome = line.substring(DONE.length());
                    } else if (!line.startsWith("kat\t")) {
                        tail.add(line);
                        if (tail.size() > 5) {
                            tail.removeFirst();
                        }
                    }
                }
            }
            int code = p.waitFor();
            watchdog.interrupt();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outcome != null && code == 0) {
                if (outcome.equals("passed")) {
                    return new Trial(cap, true, "", seconds);
                }
                if (outcome.startsWith("failed\t")) {
                    return new Trial(cap, false, outcome.substring(7), seconds);
                }
            }
            return new Trial(cap, false, "the check's process ended with exit code " + code + " without its result"
                    + (seconds >= CHILD_LIMIT.toSeconds() ? " (stopped after " + CHILD_LIMIT.toSeconds() + " s)" : "")
                    + (tail.isEmpty() ? "" : "; its last output: " + String.join(" | ", tail)), seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the engine check (" + String.join(" ", command) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the engine under " + cap, e);
        }
    }
}
