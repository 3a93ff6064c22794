package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import picocli.CommandLine;

/**
 * {@code --out} and {@code --force} never destroy what mergelab did not write, and a refused or failed command
 * leaves the tree around it exactly as it was (paths, sizes, sha256, mtimes).
 */
class OutputSafetyTest {

    private static final String TINY_TRAINING = """
            dataset: "builtin:size=64,test-size=32"
            model: {depth: 8, width: 2}
            training: {epochs: 1, batch_size: 32}
            task: {name: tiny}
            """;

    @TempDir Path work;
    private Path recipe;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    /** Runs mergelab as a process in {@code cwd}: for the cases about the current directory. */
    private Run runIn(Path cwd, String... args) throws Exception {
        Path log = Files.createTempFile(work.getParent(), "mergelab-", ".log");
        try {
            int code = MergelabProcess.run(cwd, log, List.of(), args);
            return new Run(code, Files.readString(log));
        } finally {
            Files.delete(log);
        }
    }

    /** Every path under {@code root}: a directory, or a file's size, sha256 and mtime. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String what = Files.isDirectory(p) ? "dir" : Files.size(p) + " "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                        + " " + Files.getLastModifiedTime(p).toMillis();
                all.put(root.relativize(p).toString(), what);
            }
        }
        return all;
    }

    /** Exit code 1 with one line naming everything in {@code named}; or exit 2 whose first line does (usage follows). */
    private static void assertRefused(Run r, int code, String... named) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String line = r.err().strip();
        if (code == 2) {
            line = line.lines().findFirst().orElse("");
        } else {
            assertThat(line).doesNotContain("\n").startsWith("mergelab: error: ");
        }
        for (String n : named) {
            assertThat(line).contains(n);
        }
    }

    @BeforeEach
    void inputs() throws Exception {
        for (String name : new String[] {"a", "b"}) {
            NamedTensors t = new NamedTensors();
            t.put("fc.weight", Tensor.ofFloats(new long[] {2}, name.equals("a") ? new float[] {1, 2} : new float[] {3, 4}));
            Files.createDirectories(work.resolve(name));
            SafetensorsWriter.write(work.resolve(name + "/model.safetensors"), t, Map.of());
        }
        recipe = Files.writeString(work.resolve("r.yaml"), "models: [{model: a}, {model: b}]\nmerge_method: linear\n");
        Files.createDirectories(work.resolve("thesis"));
        Files.writeString(work.resolve("thesis/chapter1.tex"), "\\chapter{One}\n");
    }

    @Test
    void forceNeverReplacesTheCurrentDirectoryOrAnAncestorOfIt() throws Exception {
        Map<String, String> before = snapshot(work);
        assertRefused(runIn(work, "merge", "r.yaml", "--out", ".", "--force"), 1, work.toString(), "current directory");
        assertRefused(runIn(work.resolve("thesis"), "merge", "../r.yaml", "--out", "..", "--force"), 1, work.toString(),
                "ancestor of the current directory");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void anEmptyOutIsBadUsageNamingTheOption() throws Exception {
        Map<String, String> before = snapshot(work);
        assertRefused(runIn(work, "merge", "r.yaml", "--out", "", "--force"), 2, "--out", "empty");
        assertRefused(run("merge", recipe.toString(), "--out", ""), 2, "--out", "empty");
        assertRefused(run("run", recipe.toString(), "--out", " "), 2, "--out", "empty");
        assertRefused(run("fisher", "--checkpoint", "x", "--dataset", "builtin", "--out", ""), 2, "--out");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void forceNeverReplacesAnInputTheRecipeAPlainFileOrAnUnmarkedDirectory() throws Exception {
        Path byFile = Files.writeString(work.resolve("by-file.yaml"),
                "models: [{model: a/model.safetensors}, {model: b}]\nmerge_method: linear\n");
        Map<String, String> before = snapshot(work);
        Path model = work.resolve("a");
        assertRefused(run("merge", recipe.toString(), "--out", model.toString(), "--force"), 1, model.toString(), "is the input");
        Path modelFile = model.resolve("model.safetensors");
        assertRefused(run("merge", byFile.toString(), "--out", modelFile.toString(), "--force"), 1, modelFile.toString(),
                "is the input");
        assertRefused(run("merge", recipe.toString(), "--out", modelFile.toString(), "--force"), 1, modelFile.toString(),
                "a regular file");
        assertRefused(run("merge", recipe.toString(), "--out", recipe.toString(), "--force"), 1, recipe.toString(),
                "is the input");
        Path chapter = work.resolve("thesis/chapter1.tex");
        assertRefused(run("merge", recipe.toString(), "--out", chapter.toString(), "--force"), 1, chapter.toString(),
                "a regular file");
        Path thesis = work.resolve("thesis");
        assertRefused(run("merge", recipe.toString(), "--out", thesis.toString(), "--force"), 1, thesis.toString(),
                "not made by mergelab");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void forceNeverReplacesAMergeOutputThatHoldsAnInput() throws Exception {
        Path outer = work.resolve("outer");
        assertThat(run("merge", recipe.toString(), "--out", outer.toString()).code()).isZero();
        assertThat(outer.resolve(OutputDirectory.MARKER_FILE)).exists();
        // the merged model is used as the input of a second merge that writes over its own input's directory
        Path second = Files.writeString(work.resolve("second.yaml"), "models: [{model: outer}, {model: b}]\nmerge_method: linear\n");
        Map<String, String> before = snapshot(work);
        assertRefused(run("merge", second.toString(), "--out", outer.toString(), "--force"), 1, outer.toString(), "is the input");
        Files.createDirectories(outer.resolve("nested"));
        Files.copy(work.resolve("b/model.safetensors"), outer.resolve("nested/model.safetensors"));
        Path third = Files.writeString(work.resolve("third.yaml"), "models: [{model: a}, {model: outer/nested}]\nmerge_method: linear\n");
        before = snapshot(work);
        assertRefused(run("merge", third.toString(), "--out", outer.toString(), "--force"), 1, outer.toString(),
                "contains the input");
        assertThat(snapshot(work)).isEqualTo(before);
        // what --force is for: replacing an earlier merge output
        assertThat(run("merge", recipe.toString(), "--out", outer.toString(), "--force").code()).isZero();
        assertThat(outer.resolve("nested")).doesNotExist();
    }

    @Test
    void aFailedMergeLeavesNoParentDirectoriesBehind() throws Exception {
        NamedTensors other = new NamedTensors();
        other.put("fc.weight", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
        Files.createDirectories(work.resolve("c"));
        SafetensorsWriter.write(work.resolve("c/model.safetensors"), other, Map.of());
        Path bad = Files.writeString(work.resolve("bad.yaml"), "models: [{model: a}, {model: c}]\nmerge_method: linear\n");
        Map<String, String> before = snapshot(work);
        assertRefused(run("merge", bad.toString(), "--out", work.resolve("new/deeper/out").toString()), 1, "fc.weight", "shape");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void trainChecksEverythingBeforeItCreatesItsOutput() throws Exception {
        Path cfg = Files.writeString(work.resolve("train.yaml"), TINY_TRAINING.replace("{name: tiny}", "{name: tiny, cue: bogus}"));
        Map<String, String> before = snapshot(work);
        assertRefused(run("train", "--config", cfg.toString(), "--out", work.resolve("x/y/z").toString(), "--quiet"), 1, "bogus");
        assertRefused(run("train", "--config", cfg.toString(), "--out", work.resolve("thesis").toString(), "--quiet"), 1,
                "not made by mergelab");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void fisherAndTrainWriteNeverOverAnInputOrAFileTheyDidNotWrite() throws Exception {
        Path cfg = Files.writeString(work.resolve("train.yaml"), TINY_TRAINING);
        assertThat(run("train", "--config", cfg.toString(), "--out", work.resolve("t").toString(), "--quiet").code()).isZero();
        Path ckpt = work.resolve("t/tiny.safetensors");
        String[] fisher = {"fisher", "--checkpoint", ckpt.toString(), "--dataset", "builtin:size=64,test-size=32",
            "--samples", "8", "--threads", "1", "--out"};
        Path nested = work.resolve("new/deeper/f.safetensors");
        assertThat(run(append(fisher, nested.toString())).code()).isZero();
        assertThat(nested).isRegularFile();
        assertThat(run(append(fisher, nested.toString())).code()).as("its own output may be replaced").isZero();

        Map<String, String> before = snapshot(work);
        assertRefused(run(append(fisher, ckpt.toString())), 1, ckpt.toString(), "is the input");
        // fine-tuning into the directory of its initial checkpoint under the same task name would overwrite it
        assertRefused(run("train", "--config", cfg.toString(), "--init", ckpt.toString(), "--out",
                work.resolve("t").toString(), "--quiet"), 1, ckpt.toString(), "is the input");
        Path chapter = work.resolve("thesis/chapter1.tex");
        assertRefused(run(append(fisher, chapter.toString())), 1, chapter.toString(), "not written by 'mergelab fisher'");
        // the output is checked before anything is read or computed
        Path proc = Path.of("/proc/mergelab-test/f.safetensors");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            String[] missing = {"fisher", "--checkpoint", work.resolve("missing.safetensors").toString(), "--dataset",
                "builtin", "--out", proc.toString()};
            assertRefused(run(missing), 1, proc.toString(), "cannot be written");
        }
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void showCuesReplacesOnlyItsOwnPictures() throws Exception {
        Path png = work.resolve("pictures/cues.png");
        String[] showCues = {"show-cues", "--dataset", "builtin:size=48,test-size=24", "--samples", "2", "--cues", "color",
            "--out"};
        assertThat(run(append(showCues, png.toString())).code()).isZero();
        assertThat(run(append(showCues, png.toString())).code()).isZero();
        Path chapter = work.resolve("thesis/chapter1.tex");
        Map<String, String> before = snapshot(work);
        assertRefused(run(append(showCues, chapter.toString())), 1, chapter.toString(), "not written by 'mergelab show-cues'");
        assertRefused(run(append(showCues, work.resolve("thesis").toString())), 1, "is a directory");
        assertThat(snapshot(work)).isEqualTo(before);
    }

    @Test
    void compareWritesNeitherIntoAnInputRunNorIntoAnUnmarkedDirectory() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        Files.writeString(run.resolve("summary.json"), "{}");
        Map<String, String> before = snapshot(work);
        assertRefused(run("compare", run.toString(), "--out", run.toString()), 1, run.toString(), "is the input");
        assertRefused(run("compare", run.toString(), "--out", work.resolve("thesis").toString()), 1, "not made by mergelab");
        // a failed compare into a new directory leaves nothing (the run's summary.json is not a real summary)
        assertThat(run("compare", run.toString(), "--out", work.resolve("new/cmp").toString()).code()).isEqualTo(1);
        assertThat(snapshot(work)).isEqualTo(before);
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
