package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.cli.MergelabProcess;
import org.mergelab.cli.MergelabProcess.Signal;

/**
 * {@code mergelab merge} as a real process, stopped by SIGKILL, SIGINT or SIGTERM while it writes its staging
 * directory, then run again: no staging directory remains and the output equals an uninterrupted run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MergeKillTest {

    /** Interpreted bytecode only: a merge of a few MB takes seconds, long enough to be interrupted mid-way. */
    private static final List<String> SLOW = List.of("-Xint");

    private Path dir;
    private Path recipe;
    private Path reference;

    @BeforeAll
    void inputsAndAnUninterruptedMerge(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Random random = new Random(42);
        for (String name : List.of("base", "a", "b")) {
            NamedTensors t = new NamedTensors();
            for (int i = 0; i < 6; i++) {
                float[] values = new float[1 << 17]; // 512 KiB per tensor, 3 MiB per model
                for (int j = 0; j < values.length; j++) {
                    values[j] = (float) random.nextGaussian();
                }
                t.put("layer" + i + ".weight", Tensor.ofFloats(new long[] {values.length}, values));
            }
            Files.createDirectories(dir.resolve(name));
            SafetensorsWriter.write(dir.resolve(name + "/model.safetensors"), t, Map.of("format", "pt"));
        }
        recipe = Files.writeString(dir.resolve("ties.yaml"), """
                merge_method: ties
                base_model: base
                models:
                  - {model: a, parameters: {weight: 0.6, density: 0.5}}
                  - {model: b, parameters: {weight: 0.4, density: 0.5}}
                dtype: float32
                """);
        reference = dir.resolve("reference");
        assertThat(MergelabProcess.run(dir, dir.resolve("reference.log"), List.of(), "merge", recipe.toString(), "--out",
                reference.toString())).as(Files.readString(dir.resolve("reference.log"))).isZero();
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void interruptedThenRerunLeavesNoStagingAndTheSameOutput(Signal signal) throws Exception {
        MergelabProcess.assumeDeliverable(signal);
        Path out = dir.resolve("merged-" + signal.name().toLowerCase(java.util.Locale.ROOT));
        Path log = dir.resolve(out.getFileName() + ".log");
        Process p = MergelabProcess.start(dir, log, SLOW, "merge", recipe.toString(), "--out", out.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (partialStagedFile(out).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(p.isAlive()).as("the merge was still writing when it was stopped: " + Files.readString(log)).isTrue();
        int code = MergelabProcess.signal(p, signal);
        assertThat(out).doesNotExist();
        if (signal == Signal.KILL) {
            assertThat(stagingDirectories(out)).as("SIGKILL runs no clean-up").isNotEmpty();
        } else {
            assertThat(code).isEqualTo(signal.exitCode());
            assertThat(stagingDirectories(out)).as("the shutdown hook removed the staging directory").isEmpty();
        }

        Path again = dir.resolve(out.getFileName() + "-again.log");
        assertThat(MergelabProcess.run(dir, again, List.of(), "merge", recipe.toString(), "--out", out.toString()))
                .as(Files.readString(again)).isZero();
        assertThat(stagingDirectories(out)).isEmpty();
        assertSameOutput(out, reference);
    }

    /** A staging directory of {@code out} holding a partly written model file. */
    private static Optional<Path> partialStagedFile(Path out) throws IOException {
        for (Path staging : stagingDirectories(out)) {
            try (Stream<Path> files = Files.list(staging)) {
                Optional<Path> partial = files.filter(f -> f.getFileName().toString().startsWith("model.safetensors.tmp-"))
                        .filter(f -> f.toFile().length() > 0).findFirst();
                if (partial.isPresent()) {
                    return partial;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // the staging directory went away meanwhile
            }
        }
        return Optional.empty();
    }

    private static List<Path> stagingDirectories(Path out) throws IOException {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(out.getFileName() + ".tmp-")).toList();
        }
    }

    /** Every file equal byte for byte; the lineage equal but for its wall time. */
    private static void assertSameOutput(Path out, Path reference) throws IOException {
        Map<String, byte[]> mine = files(out);
        Map<String, byte[]> theirs = files(reference);
        assertThat(mine.keySet()).containsExactlyElementsOf(theirs.keySet());
        for (String name : theirs.keySet()) {
            if (name.equals(RecipeMerge.LINEAGE_FILE_NAME)) {
                assertThat(withoutWallTime(mine.get(name))).as(name).isEqualTo(withoutWallTime(theirs.get(name)));
            } else {
                assertThat(mine.get(name)).as(name).isEqualTo(theirs.get(name));
            }
        }
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> all = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                all.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return all;
    }

    private static ObjectNode withoutWallTime(byte[] lineage) throws IOException {
        ObjectNode node = (ObjectNode) new ObjectMapper().readTree(lineage);
        node.remove("wall_time_seconds");
        return node;
    }
}
