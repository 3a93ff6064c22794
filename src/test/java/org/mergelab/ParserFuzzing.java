package org.mergelab;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The oracle every fuzz target ({@code *FuzzTest}, run with Jazzer) shares. A parser given arbitrary bytes must
 * either return or throw one of the exceptions it documents, with a message that is not blank and names the input
 * file; it must not allocate more than {@link #MAX_ALLOCATED_BYTES} of heap for one input, nor run longer than
 * {@link #MAX_SECONDS}. Anything else (another exception, an {@link Error}, a blank message, a message without the
 * file, too much memory or time) fails the input, which Jazzer then reports as a finding with the input saved under
 * {@code target/jazzer/}.
 *
 * <p>While fuzzing, libFuzzer's {@code -timeout} (10 s, set in the pom's {@code fuzz.argLine}) stops a run first and
 * saves the input as {@code timeout-*}; {@link #MAX_SECONDS} bounds the replay of the corpus, where libFuzzer does not
 * watch. The parser runs on a worker thread for that, one input at a time.
 *
 * <p>Corpora live under {@code src/test/resources/fuzz/<target>/}: every file is replayed as its own test and is a
 * seed for fuzzing.
 */
public final class ParserFuzzing {

    /**
     * Most heap one input may make a parser allocate. Inputs are at most 8 KiB ({@code -max_len}), so a parser that
     * allocates more trusts a size it read from the input.
     */
    public static final long MAX_ALLOCATED_BYTES = 64L << 20;

    /** Longest one input may take (longer than libFuzzer's {@code -timeout}, which reports it while fuzzing). */
    public static final int MAX_SECONDS = 15;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Runs the parser; replaced when an input runs over time (the thread that runs it cannot be stopped). */
    private static ExecutorService worker = newWorker();

    private ParserFuzzing() {}

    /** What a fuzz target runs on one input. */
    @FunctionalInterface
    public interface Parse {
        /** Parses the input that the caller wrote, throwing what the parser throws. */
        void run() throws Exception;
    }

    /**
     * The fixed directory of one target under {@code target/fuzz-work/}: emptied on first use in this JVM, then
     * reused for every input, so that writing an input costs one file write. Also forgets what earlier runs of
     * {@code fuzzTest} added to Jazzer's generated corpus, so that every run starts from the committed corpus and a
     * fixed seed repeats. Call it from the fuzz test's static initializer.
     */
    public static Path workDirectory(Class<?> fuzzTest, String target) {
        String jazzerBase = System.getProperty("jazzer.internal.basedir"); // set when fuzzing, not when replaying
        if (jazzerBase != null) {
            emptyOrCreate(Path.of(jazzerBase, ".cifuzz-corpus", fuzzTest.getName()));
        }
        return emptyOrCreate(Path.of("target", "fuzz-work", target).toAbsolutePath());
    }

    private static Path emptyOrCreate(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                emptyDirectory(dir);
                return dir;
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot empty " + dir, e);
        }
    }

    /** Deletes everything inside {@code dir}, for targets whose inputs lay out several files. */
    public static void emptyDirectory(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * An input that holds two files: byte 0 is a flags byte for the target, bytes 1-2 the big-endian length of the
     * first file (cut to what is there), then the first file, then the second (the rest). Missing bytes read as 0.
     *
     * @param flags the target's choices (compression, layout, variant)
     * @param first the first file's bytes
     * @param second the second file's bytes
     */
    public record TwoFiles(int flags, byte[] first, byte[] second) {
        /** Splits {@code input} as described above. */
        public static TwoFiles of(byte[] input) {
            int flags = input.length > 0 ? input[0] & 0xFF : 0;
            int firstLength = input.length > 2 ? (input[1] & 0xFF) << 8 | (input[2] & 0xFF) : 0;
            int start = Math.min(3, input.length);
            int split = Math.min(input.length, start + firstLength);
            return new TwoFiles(flags, Arrays.copyOfRange(input, start, split),
                    Arrays.copyOfRange(input, split, input.length));
        }

        /** Whether flag bit {@code bit} is set. */
        public boolean flag(int bit) {
            return (flags >> bit & 1) != 0;
        }
    }

    /** One file of the committed corpus {@code fuzz/<target>/}, e.g. a finding kept for its regression test. */
    public static Path corpusFile(String target, String name) {
        Path file = corpusDirectory(target).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no corpus file " + file);
        }
        return file;
    }

    private static Path corpusDirectory(String target) {
        URL url = ParserFuzzing.class.getResource("/fuzz/" + target);
        if (url == null) {
            throw new IllegalStateException("no corpus fuzz/" + target + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url.toString(), e);
        }
    }

    /** Every file of the committed corpus {@code fuzz/<target>/} on the test class path, named by its file name. */
    public static Stream<Arguments> corpus(String target) throws IOException {
        Path dir = corpusDirectory(target);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("corpus " + dir + " is empty");
        }
        return files.stream().map(f -> {
            try {
                return Arguments.of(Named.of(f.getFileName().toString(), Files.readAllBytes(f)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read corpus file " + f, e);
            }
        });
    }

    /**
     * Runs {@code parse} on one input and fails unless it returns or throws an instance of one of
     * {@code documented} whose message is not blank and contains {@code inputName}; and fails if it allocated more
     * than {@link #MAX_ALLOCATED_BYTES} (measured on a second run when the first one exceeds it) or ran longer than
     * {@link #MAX_SECONDS}.
     *
     * @param inputName what every message must name: the input file or its directory
     * @param documented the exceptions the parser documents for bad input
     * @throws AssertionError describing the violation, with the parser's exception as its cause
     */
    public static void check(String inputName, List<Class<? extends Exception>> documented, Parse parse) {
        check(inputName, documented, parse, MAX_SECONDS);
    }

    /** {@link #check(String, List, Parse)} with another time limit. */
    static void check(String inputName, List<Class<? extends Exception>> documented, Parse parse, int maxSeconds) {
        Outcome first = run(parse, maxSeconds);
        if (first.allocated() > MAX_ALLOCATED_BYTES) {
            // loading and instrumenting classes on first use allocates in the worker too: measure again
            Outcome second = run(parse, maxSeconds);
            if (second.allocated() > MAX_ALLOCATED_BYTES) {
                throw new AssertionError("allocated " + second.allocated() + " bytes for one input (limit "
                        + MAX_ALLOCATED_BYTES + "): the parser trusts a size read from the input", second.thrown());
            }
        }
        if (first.thrown() != null) {
            judge(first.thrown(), inputName, documented);
        }
    }

    private record Outcome(Exception thrown, long allocated) {}

    private static Outcome run(Parse parse, int maxSeconds) {
        Future<Outcome> outcome = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Exception thrown = null;
            try {
                parse.run();
            } catch (Exception e) {
                thrown = e;
            }
            return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
        });
        try {
            return outcome.get(maxSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("one input ran over " + maxSeconds + " s: the parser loops or is too slow");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // OutOfMemoryError, StackOverflowError: findings as they are
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the parser ran", e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parser-under-fuzzing");
            t.setDaemon(true);
            return t;
        });
    }

    private static void judge(Exception thrown, String inputName, List<Class<? extends Exception>> documented) {
        if (documented.stream().noneMatch(c -> c.isInstance(thrown))) {
            throw new AssertionError("undocumented " + thrown.getClass().getName() + " (documented: "
                    + documented.stream().map(Class::getSimpleName).toList() + "): " + thrown.getMessage(), thrown);
        }
        String message = thrown.getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError(thrown.getClass().getName() + " without a message", thrown);
        }
        if (!message.contains(inputName)) {
            throw new AssertionError(thrown.getClass().getName() + " does not name " + inputName + ": " + message,
                    thrown);
        }
    }
}
