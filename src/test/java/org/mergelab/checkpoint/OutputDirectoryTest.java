package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {

    @TempDir Path dir;

    private static OutputDirectory claim(Path out, OutputKind kind, boolean force, Path... inputs) {
        String command = kind == OutputKind.EXPERIMENT ? "run" : kind.markerName();
        return OutputDirectory.builder().setPath(out).setCommand(command, kind).optForce(force)
                .optInputs(List.of(inputs)).claim();
    }

    private static List<String> tree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void theMarkerIsVersionedJsonWrittenWhenTheDirectoryIsCreated() throws Exception {
        Path out = dir.resolve("a/b/run");
        OutputDirectory o = claim(out, OutputKind.EXPERIMENT, false);
        assertThat(dir.resolve("a")).as("a claim creates nothing").doesNotExist();
        o.create();
        assertThat(Files.readString(out.resolve(OutputDirectory.MARKER_FILE))).isEqualTo("""
                {
                  "format" : "mergelab-output",
                  "format_version" : 1,
                  "kind" : "experiment",
                  "command" : "run"
                }
                """);
        assertThat(OutputDirectory.isMarked(out, OutputKind.EXPERIMENT)).isTrue();
        assertThat(OutputDirectory.isMarked(out, OutputKind.MERGE)).isFalse();
        Files.writeString(out.resolve("results.csv"), "x");
        assertThat(claim(out, OutputKind.EXPERIMENT, false).existing()).isTrue();
    }

    @Test
    void workersStartingTogetherOnOneNewDirectoryAllClaimAndCreateIt() throws Exception {
        // several `mergelab run` workers of one experiment start at once on a directory none has made yet: each one's
        // writability probe, directory creation and marker must not trip the others
        int workers = 8;
        for (int round = 0; round < 100; round++) {
            Path out = dir.resolve("round-" + round + "/run");
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(workers);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        claim(out, OutputKind.EXPERIMENT, false).create();
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(); // rethrows a worker's failure
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(OutputDirectory.readMarker(out).kind()).isEqualTo(OutputKind.EXPERIMENT);
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(OutputDirectory.MARKER_FILE);
            }
        }
    }

    @Test
    void removeCreatedDeletesOnlyTheDirectoriesThisCommandMade() throws Exception {
        Files.createDirectories(dir.resolve("kept"));
        OutputDirectory o = claim(dir.resolve("kept/new/deeper"), OutputKind.TRAIN, false);
        o.create();
        Files.writeString(dir.resolve("kept/new/deeper/partial.txt"), "x");
        o.removeCreated();
        assertThat(dir.resolve("kept/new")).doesNotExist();
        assertThat(dir.resolve("kept")).isDirectory();

        Path existing = Files.createDirectories(dir.resolve("existing"));
        OutputDirectory again = claim(existing, OutputKind.TRAIN, false);
        again.create();
        again.removeCreated();
        assertThat(existing.resolve(OutputDirectory.MARKER_FILE)).exists();
    }

    @Test
    void aDirectoryMergelabDidNotMakeIsRefusedWithOrWithoutForce() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("thesis"));
        Files.writeString(mine.resolve("chapter1.tex"), "words");
        for (OutputKind kind : OutputKind.values()) {
            for (boolean force : new boolean[] {false, true}) {
                assertThatThrownBy(() -> claim(mine, kind, force)).as(kind + " force " + force)
                        .hasMessageContaining(mine.toString()).hasMessageContaining("not made by mergelab")
                        .hasMessageContaining(OutputDirectory.MARKER_FILE);
            }
        }
        assertThat(tree(mine)).containsExactly("", "chapter1.tex");
    }

    @Test
    void anotherKindOrAnUnknownMarkerVersionIsRefused() throws Exception {
        Path run = dir.resolve("run");
        claim(run, OutputKind.EXPERIMENT, false).create();
        Files.writeString(run.resolve("results.csv"), "x");
        assertThatThrownBy(() -> claim(run, OutputKind.MERGE, true))
                .hasMessageContaining(run.toString()).hasMessageContaining("'mergelab run'");
        Files.writeString(run.resolve(OutputDirectory.MARKER_FILE),
                "{\"format\": \"mergelab-output\", \"format_version\": 7, \"kind\": \"experiment\", \"command\": \"run\"}");
        assertThatThrownBy(() -> claim(run, OutputKind.EXPERIMENT, false))
                .hasMessageContaining(OutputDirectory.MARKER_FILE).hasMessageContaining("format_version 7");
    }

    @Test
    void aMergeOutputNeedsForceAndAFileIsNeverADirectory() throws Exception {
        Path merged = dir.resolve("merged");
        Files.createDirectories(merged);
        OutputDirectory.writeMarker(merged, OutputKind.MERGE, "merge");
        Files.writeString(merged.resolve("model.safetensors"), "x");
        assertThatThrownBy(() -> claim(merged, OutputKind.MERGE, false)).hasMessageContaining("--force");
        assertThat(claim(merged, OutputKind.MERGE, true).existing()).isTrue();
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> claim(file, OutputKind.MERGE, true)).hasMessageContaining(file.toString())
                .hasMessageContaining("a regular file");
        assertThatThrownBy(() -> claim(file.resolve("sub/out"), OutputKind.TRAIN, false))
                .hasMessageContaining(file.toString()).hasMessageContaining("is not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void inputsAndTheirAncestorsAreNeverReplacedAfterResolvingLinks() throws Exception {
        Path merged = dir.resolve("merged");
        Files.createDirectories(merged.resolve("model"));
        OutputDirectory.writeMarker(merged, OutputKind.MERGE, "merge");
        Path model = merged.resolve("model");
        Path link = Files.createSymbolicLink(dir.resolve("link"), merged);
        assertThatThrownBy(() -> claim(link, OutputKind.MERGE, true, model))
                .hasMessageContaining("contains the input " + model);
        assertThatThrownBy(() -> claim(merged, OutputKind.MERGE, true, link.resolve("model")))
                .hasMessageContaining("contains the input");
        assertThatThrownBy(() -> claim(model, OutputKind.MERGE, true, link.resolve("model")))
                .hasMessageContaining("is the input");
        // writing in place (no --force) beside an input is fine; being the input is not
        Path run = dir.resolve("run");
        claim(run, OutputKind.EXPERIMENT, false).create();
        Path config = Files.writeString(run.resolve("experiment.yaml"), "x");
        assertThat(claim(run, OutputKind.EXPERIMENT, false, config).existing()).isTrue();
        assertThatThrownBy(() -> claim(run, OutputKind.EXPERIMENT, true, config)).hasMessageContaining("contains the input");
        assertThatThrownBy(() -> claim(config, OutputKind.EXPERIMENT, false, config)).hasMessageContaining("is the input");
    }

    @Test
    void theCurrentDirectoryAndItsAncestorsAreNeverReplaced() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p : List.of(Path.of("."), cwd, cwd.getParent())) {
            assertThatThrownBy(() -> claim(p, OutputKind.MERGE, true)).as(p.toString())
                    .hasMessageContaining("current directory");
            assertThatThrownBy(() -> claim(p, OutputKind.EXPERIMENT, true)).as(p.toString())
                    .hasMessageContaining("current directory");
        }
        assertThatThrownBy(() -> claim(Path.of(""), OutputKind.MERGE, false)).hasMessageContaining("empty path");
    }

    @Test
    void anUnwritableTargetIsRefusedBeforeAnyWork() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        Path out = Path.of("/proc/mergelab-test/out");
        assertThatThrownBy(() -> claim(out, OutputKind.TRAIN, false))
                .hasMessageContaining(out.toString()).hasMessageContaining("cannot be written");
        assertThat(Path.of("/proc/mergelab-test")).doesNotExist();
    }

    @Test
    void outputFilesFollowTheSameRules() throws Exception {
        Path input = Files.writeString(dir.resolve("model.safetensors"), "weights");
        Path mine = Files.writeString(dir.resolve("mine.png"), "a picture");
        assertThatThrownBy(() -> OutputFile.claim(input, List.of(input), p -> true, "fisher"))
                .hasMessageContaining("is the input");
        assertThatThrownBy(() -> OutputFile.claim(mine, List.of(), p -> false, "show-cues"))
                .hasMessageContaining(mine.toString()).hasMessageContaining("not written by 'mergelab show-cues'");
        assertThatThrownBy(() -> OutputFile.claim(dir, List.of(), p -> true, "fisher")).hasMessageContaining("is a directory");
        OutputFile nested = OutputFile.claim(dir.resolve("new/deeper/f.safetensors"), List.of(), p -> false, "fisher");
        assertThat(dir.resolve("new")).doesNotExist();
        nested.createParents();
        assertThat(dir.resolve("new/deeper")).isDirectory();
        nested.removeCreatedParents();
        assertThat(dir.resolve("new")).doesNotExist();
        assertThat(Files.readString(input)).isEqualTo("weights");
        assertThat(Files.readString(mine)).isEqualTo("a picture");
    }
}
