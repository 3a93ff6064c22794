package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.report.SyntheticRun;
import picocli.CommandLine;

/**
 * The bad-input catalogue: every way a user can hand mergelab something wrong, run through the command line, with
 * three promises checked for each. The exit code is 1 (2 for bad usage); standard error holds one line (besides
 * warnings) that names the file, key, option or tensor and says why; and the tree around {@code --out}, inputs
 * included, is as it was: the same paths, and for every file and link the same size, SHA-256 and modification
 * time. (A directory's own modification time is not compared: it changes when a staging entry comes and goes, and
 * the entries themselves are compared.)
 *
 * <p>Tests run as root here, so permission bits make nothing unwritable: an unwritable {@code --out} is under
 * {@code /proc} or runs through a regular file. A full disk is a write failure injected with a file-size limit
 * ({@code ulimit -f}) on a subprocess: its writes past the limit fail with EFBIG, the way they fail with ENOSPC on
 * a full disk, halfway through a file.
 *
 * <p>To add a case, add a line to {@link #cases()}: {@link #fails} (exit 1) or {@link #usage} (exit 2) with a name,
 * what to set up in the case's directory, the command line and the fragments the message must hold. In the command
 * line and the fragments, {@code {dir}} is the case's directory; arguments are separated by spaces and {@code ''}
 * is an empty one.
 */
class BadInputCatalogueTest {

    private static final String ONE_MIB_AND_MORE = "x".repeat((1 << 20) + 1);
    private static final String TINY_DATA = "builtin:size=64,test-size=32";
    private static final String TRAIN_CONFIG = """
            dataset: "builtin:size=64,test-size=32"
            model: {depth: 8, width: 2}
            training: {epochs: 1, batch_size: 32}
            task: {name: tiny}
            """;
    private static final String EXPERIMENT = """
            name: tiny
            dataset: "builtin:size=64,test-size=32"
            model: {depth: 8, width: 2}
            pretrain: {epochs: 1, batch_size: 32}
            finetune: {epochs: 1, batch_size: 32}
            alphas: [0.0, 1.0]
            seeds: [0]
            """;
    private static final String LINEAR = "merge_method: linear\nmodels: [{model: a}, {model: b}]\n";

    /** A trained mergelab checkpoint ({@code tiny.safetensors} and its lineage), made once for every case. */
    @TempDir static Path trained;

    @TempDir Path dir;

    @BeforeAll
    static void trainTinyCheckpoint() throws IOException {
        Path config = Files.writeString(trained.resolve("train.yaml"), TRAIN_CONFIG);
        int code = MergelabCommand.commandLine().setErr(new PrintWriter(new StringWriter()))
                .execute("train", "--config", config.toString(), "--out", trained.resolve("ck").toString(), "--quiet");
        assertThat(code).as("training the catalogue's checkpoint").isZero();
    }

    // ------------------------------------------------------------------ the catalogue

    static Stream<Case> cases() {
        return Stream.of(
                // 1. --force replaces only an output mergelab made, never an input, the recipe or their ancestors
                fails("merge --force: --out is the directory holding the inputs", f -> f.ab().write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir} --force", "output {dir} contains the input {dir}/a", "never replaces a directory holding its inputs"),
                fails("merge --force: --out is an input model directory", f -> f.ab().write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/a --force", "output {dir}/a is the input {dir}/a"),
                fails("merge --force: --out is an input file", f -> f.ab().write("r.yaml",
                                "merge_method: linear\nmodels: [{model: a/model.safetensors}, {model: b}]\n"),
                        "merge {dir}/r.yaml --out {dir}/a/model.safetensors --force", "output {dir}/a/model.safetensors",
                        "is the input"),
                fails("merge --force: --out is the recipe", f -> f.ab().write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/r.yaml --force", "output {dir}/r.yaml is the input {dir}/r.yaml"),
                fails("merge --force: --out is a plain file", f -> f.ab().write("r.yaml", LINEAR).write("notes.txt", "x"),
                        "merge {dir}/r.yaml --out {dir}/notes.txt --force", "output {dir}/notes.txt", "is a regular file"),
                fails("merge --force: --out is a directory mergelab did not make",
                        f -> f.ab().write("r.yaml", LINEAR).write("thesis/chapter1.tex", "x"),
                        "merge {dir}/r.yaml --out {dir}/thesis --force", "output {dir}/thesis", "not made by mergelab"),
                usage("merge: empty --out", f -> f.ab().write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out ''", "--out", "empty"),
                fails("run --force: a directory mergelab did not make", f -> f.write("e.yaml", EXPERIMENT)
                        .write("mine/notes.txt", "x"), "run {dir}/e.yaml --out {dir}/mine --force", "output {dir}/mine",
                        "not made by mergelab"),
                // 9. validated before any work, and nothing created on the way out
                fails("train: an unknown cue leaves no --out behind", f -> f.write("t.yaml",
                                TRAIN_CONFIG.replace("task: {name: tiny}", "task: {name: tiny, cue: sparkles}")),
                        "train --config {dir}/t.yaml --out {dir}/x/y/z", "sparkles"),
                // 3. out of memory: one line naming what was being done, in a JVM with a small heap (della holds a
                // whole row, and this tensor is one row of 4 Mi elements; see BoundedMemoryMergeTest for the rest)
                fails("merge: della out of memory", f -> {
                    f.model("base/model.safetensors", DType.F16, 1, 4 << 20, 0f);
                    f.model("x/model.safetensors", DType.F16, 1, 4 << 20, 1f);
                    f.model("y/model.safetensors", DType.F16, 1, 4 << 20, 2f);
                    f.write("r.yaml", "merge_method: della\nbase_model: base\nmodels:\n"
                            + "  - {model: x, parameters: {weight: 0.5, density: 0.5}}\n"
                            + "  - {model: y, parameters: {weight: 0.5, density: 0.5}}\n");
                }, "merge {dir}/r.yaml --out {dir}/out", "out of memory", "merging tensor 'w' [1, 4194304]", "-Xmx")
                        .inSubprocess("-Xmx32m"),

                // 4. configuration files
                fails("merge: duplicate top-level key", f -> f.ab().write("r.yaml",
                        "merge_method: linear\nmodels: [{model: a}, {model: b}]\nmerge_method: ties\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "line 3", "duplicate key", "'merge_method' is given twice"),
                fails("merge: duplicate parameter key", f -> f.ab().write("r.yaml", "merge_method: linear\nmodels:\n"
                        + "  - model: a\n    parameters: {weight: 0.9, weight: 0.1}\n  - model: b\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "line 4", "duplicate key", "'weight' is given twice"),
                fails("merge: YAML alias", f -> f.ab().write("r.yaml", "merge_method: linear\nmodels:\n"
                        + "  - model: a\n    parameters: &p {weight: 0.5}\n  - model: b\n    parameters: *p\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "line 4", "anchor '&p'", "not accepted"),
                fails("merge: YAML anchor on a scalar", f -> f.ab().write("r.yaml", "merge_method: &m linear\n"
                        + "models: [{model: a}, {model: b}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "line 1", "anchor '&m'"),
                fails("merge: alias of a scalar", f -> f.ab().write("r.yaml", "merge_method: linear\n"
                        + "models: [{model: a}, {model: b}]\ndtype: *x\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "line 3", "alias '*x'"),
                fails("merge: YAML syntax error", f -> f.ab().write("r.yaml", "models: [{model: a}, {model: b}\n"
                        + "merge_method: linear\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "not valid YAML at line 2", "expected ','"),
                fails("merge: weight .nan", f -> f.ab().write("r.yaml", "merge_method: linear\n"
                        + "models: [{model: a, parameters: {weight: .nan}}, {model: b}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "bad number at line 2", "'.nan'"),
                fails("merge: weight beyond double", f -> f.ab().write("r.yaml", "merge_method: linear\n"
                        + "models: [{model: a, parameters: {weight: 1e400}}, {model: b}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "'weight' = Infinity", "finite"),
                fails("merge: recipe over 1 MiB", f -> f.ab().write("r.yaml", LINEAR + "x: \"" + ONE_MIB_AND_MORE + "\"\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "over the limit of 1048576 bytes"),
                fails("merge: recipe not UTF-8", f -> f.ab().writeBytes("r.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3}),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "not UTF-8"),
                fails("merge: recipe is a directory", f -> f.ab().mkdir("r.yaml"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "is a directory"),
                fails("train: duplicate key", f -> f.write("t.yaml", TRAIN_CONFIG + "task: {name: again}\n"),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "duplicate key", "'task' is given twice"),
                fails("train: YAML alias", f -> f.write("t.yaml", "dataset: &d \"" + TINY_DATA + "\"\ntask: {name: *d}\n"),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "line 1", "anchor '&d'"),
                fails("train: syntax error", f -> f.write("t.yaml", "training: {epochs: 1\ntask: {name: x}\n"),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "not valid YAML at line"),
                fails("train: learning_rate .nan", f -> f.write("t.yaml", TRAIN_CONFIG.replace("batch_size: 32",
                        "batch_size: 32, learning_rate: .nan")),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "training.learning_rate", "'.nan' is not a number"),
                fails("train: config over 1 MiB", f -> f.write("t.yaml", TRAIN_CONFIG + "# " + ONE_MIB_AND_MORE + "\n"),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "1 MiB"),
                fails("run: experiment over 1 MiB", f -> f.write("e.yaml", EXPERIMENT + "# " + ONE_MIB_AND_MORE + "\n"),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "over the limit of 1048576 bytes"),
                fails("run: YAML alias in experiment", f -> f.write("e.yaml", EXPERIMENT
                        + "protocols: {a: &c [color, noise], b: *c}\n"),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "line 8", "anchor '&c'"),
                fails("run: duplicate key in experiment", f -> f.write("e.yaml", EXPERIMENT + "seeds: [1]\n"),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "duplicate key", "'seeds' is given twice"),

                // 5. links out of a model directory
                fails("merge: tokenizer.json links to /etc/passwd", f -> f.ab().link("a/tokenizer.json", "/etc/passwd")
                        .write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/a/tokenizer.json", "/etc/passwd",
                        "outside the model directory"),
                fails("merge: config.json links out of the base model", f -> f.ab().write("secret.json", "{}")
                        .link("a/config.json", "../secret.json").write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/a/config.json", "outside the model directory"),
                fails("merge: shard links out of the model directory", f -> f.ab().sharded("s").move("s/model-00002-of-00002"
                        + ".safetensors", "elsewhere.safetensors").link("s/model-00002-of-00002.safetensors",
                        "../elsewhere.safetensors").write("r.yaml", "merge_method: linear\nmodels: [{model: s}, {model: s}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/s/model-00002-of-00002.safetensors",
                        "outside the model directory"),
                fails("merge: model.safetensors links out of its directory", f -> f.ab().move("b/model.safetensors",
                        "b.safetensors").link("b/model.safetensors", "../b.safetensors").write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/b/model.safetensors", "outside the model directory"),
                fails("merge: lineage file links to /etc/passwd", f -> f.ab().link("a/mergelab-lineage.json",
                        "/etc/passwd").write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/a/mergelab-lineage.json", "outside the model directory"),
                fails("diff: shard links out of the model directory", f -> f.ab().sharded("s").move("s/model-00001-of-00002"
                        + ".safetensors", "elsewhere.safetensors").link("s/model-00001-of-00002.safetensors",
                        "/etc/passwd"),
                        "diff {dir}/s {dir}/a", "{dir}/s/model-00001-of-00002.safetensors", "outside the model directory"),

                // 6. merged values the output dtype cannot hold
                fails("merge: F16 overflow", f -> f.model("a/model.safetensors", DType.F16, 1, 2, 60000f)
                        .model("b/model.safetensors", DType.F16, 1, 2, 65000f).write("r.yaml", "merge_method: linear\n"
                                + "models: [{model: a, parameters: {weight: 1}}, {model: b, parameters: {weight: 1}}]\n"
                                + "parameters: {normalize: false}\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "tensor 'w'", "element 0 [0, 0]", "124992.0",
                        "overflows F16"),
                fails("merge: F16 output of F32 inputs overflows", f -> f.model("a/model.safetensors", DType.F32, 2, 1, 70000f)
                        .model("b/model.safetensors", DType.F32, 2, 1, 70000f).write("r.yaml", LINEAR + "dtype: float16\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "tensor 'w'", "element 0 [0, 0]", "70000.0", "overflows F16"),
                fails("merge: BF16 overflow", f -> f.model("a/model.safetensors", DType.F32, 1, 3, 3.0e38f)
                        .model("b/model.safetensors", DType.F32, 1, 3, 0.399e38f).write("r.yaml", "merge_method: linear\n"
                                + "models: [{model: a, parameters: {weight: 1}}, {model: b, parameters: {weight: 1}}]\n"
                                + "parameters: {normalize: false}\ndtype: bfloat16\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "tensor 'w'", "element 0", "3.399E38", "overflows BF16"),
                fails("merge: task arithmetic to F16 overflow", f -> f.model("base/model.safetensors", DType.F16, 1, 2, 0f)
                        .model("a/model.safetensors", DType.F16, 1, 2, 40000f).model("b/model.safetensors", DType.F16, 1, 2,
                                40000f).write("r.yaml", "merge_method: task_arithmetic\nbase_model: base\nmodels:\n"
                                + "  - {model: a, parameters: {weight: 1}}\n  - {model: b, parameters: {weight: 1}}\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "tensor 'w'", "80000.0", "overflows F16"),

                // 7. FIFOs and other special files, refused before they are opened
                fails("merge: recipe is a FIFO", f -> f.ab().fifo("r.yaml"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "not a regular file"),
                fails("merge: model file is a FIFO", f -> f.ab().fifo("c.safetensors").write("r.yaml",
                        "merge_method: linear\nmodels: [{model: a}, {model: c.safetensors}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/c.safetensors", "FIFO", "not a regular file"),
                fails("merge: model.safetensors is a FIFO", f -> f.ab().delete("b/model.safetensors")
                        .fifo("b/model.safetensors").write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/b/model.safetensors", "FIFO"),
                fails("merge: shard is a FIFO", f -> f.ab().sharded("s").delete("s/model-00002-of-00002.safetensors")
                        .fifo("s/model-00002-of-00002.safetensors").write("r.yaml",
                                "merge_method: linear\nmodels: [{model: s}, {model: s}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/s/model-00002-of-00002.safetensors", "FIFO"),
                fails("merge: tokenizer.json is a FIFO", f -> f.ab().fifo("a/tokenizer.json").write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/a/tokenizer.json", "FIFO"),
                fails("diff: input is a FIFO", f -> f.ab().fifo("c.safetensors"),
                        "diff {dir}/a {dir}/c.safetensors", "{dir}/c.safetensors", "FIFO"),
                fails("train: config is a FIFO", f -> f.fifo("t.yaml"),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "not a regular file"),
                fails("train: --init is a FIFO", f -> f.write("t.yaml", TRAIN_CONFIG).fifo("init.safetensors"),
                        "train --config {dir}/t.yaml --init {dir}/init.safetensors --out {dir}/out",
                        "{dir}/init.safetensors", "FIFO"),
                fails("eval: checkpoint is a FIFO", f -> f.fifo("c.safetensors"),
                        "eval --checkpoint {dir}/c.safetensors --dataset " + TINY_DATA, "{dir}/c.safetensors", "FIFO"),
                fails("fisher: checkpoint is a FIFO", f -> f.fifo("c.safetensors"),
                        "fisher --checkpoint {dir}/c.safetensors --dataset " + TINY_DATA + " --out {dir}/f.safetensors",
                        "{dir}/c.safetensors", "FIFO"),
                fails("gram: checkpoint is a FIFO", f -> f.fifo("c.safetensors"),
                        "gram --checkpoint {dir}/c.safetensors --dataset " + TINY_DATA + " --out {dir}/g.safetensors",
                        "{dir}/c.safetensors", "FIFO"),
                fails("run: experiment is a FIFO", f -> f.fifo("e.yaml"),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "not a regular file"),

                // 8. messages that name the file and say why
                fails("merge --dry-run: shapes differ", f -> f.model("a/model.safetensors", DType.F32, 1, 2, 1f)
                        .model("b/model.safetensors", DType.F32, 1, 3, 3f).write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out --dry-run", "tensor 'w'", "{dir}/a/model.safetensors",
                        "{dir}/b/model.safetensors", "[1, 3]"),
                fails("merge: slice sources of different lengths", f -> f.ab().write("r.yaml", "merge_method: linear\n"
                        + "slices:\n  - sources: [{model: a, layer_range: [0, 2]}, {model: b, layer_range: [0, 3]}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "slices[0]",
                        "model 'b' layer_range [0, 3]", "same number of layers"),
                fails("merge: slice past the model's layers", f -> f.ab().write("r.yaml", "merge_method: passthrough\n"
                        + "slices:\n  - sources: [{model: a, layer_range: [0, 2]}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out --dry-run", "slices[0]", "model 'a' layer_range [0, 2]",
                        "goes past the 0 layers of {dir}/a/model.safetensors"),
                fails("merge: passthrough of two models", f -> f.ab().write("r.yaml", "merge_method: passthrough\n"
                        + "models: [{model: a}, {model: b}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/r.yaml", "passthrough", "exactly one model"),
                fails("merge: missing model", f -> f.ab().write("r.yaml", "merge_method: linear\n"
                        + "models: [{model: a}, {model: nowhere}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/nowhere", "no such file"),
                fails("merge: missing shard", f -> f.ab().sharded("s").delete("s/model-00002-of-00002.safetensors")
                        .write("r.yaml", "merge_method: linear\nmodels: [{model: s}, {model: s}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/s/model-00002-of-00002.safetensors", "no such file"),
                fails("merge: NUL byte in an index value", f -> f.ab().sharded("s").write("s/model.safetensors.index.json",
                        "{\"weight_map\": {\"w\": \"model-00001\\u0000.safetensors\"}}").write("r.yaml",
                                "merge_method: linear\nmodels: [{model: s}, {model: a}]\n"),
                        "merge {dir}/r.yaml --out {dir}/out", "{dir}/s/model.safetensors.index.json", "weight_map",
                        "\\u0000"),
                fails("merge: --out under /proc", f -> f.ab().write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out /proc/mergelab-catalogue-out", "output /proc/mergelab-catalogue-out cannot be",
                        "no such file or directory"),
                fails("merge: --out runs through a regular file", f -> f.ab().write("r.yaml", LINEAR).write("notes.txt", "x"),
                        "merge {dir}/r.yaml --out {dir}/notes.txt/out", "output {dir}/notes.txt/out cannot be",
                        "is not a directory"),
                fails("merge: disk full", f -> f.model("a/model.safetensors", DType.F32, 1, 300_000, 1f)
                        .model("b/model.safetensors", DType.F32, 1, 300_000, 2f).write("r.yaml", LINEAR),
                        "merge {dir}/r.yaml --out {dir}/out", "cannot write {dir}/out/model.safetensors",
                        "File too large").withFileSizeLimitKiB(200),
                fails("diff: missing input", Fixture::ab,
                        "diff {dir}/a {dir}/nowhere.safetensors", "{dir}/nowhere.safetensors", "no such file"),
                fails("diff: directory without a model", f -> f.ab().mkdir("empty"),
                        "diff {dir}/a {dir}/empty", "{dir}/empty", "neither model.safetensors nor"),
                usage("diff: --tolerance -1", Fixture::ab,
                        "diff {dir}/a {dir}/b --tolerance -1", "--tolerance", "not a finite number of at least 0"),
                usage("diff: --tolerance NaN", Fixture::ab,
                        "diff {dir}/a {dir}/b --tolerance NaN", "--tolerance", "not a finite number of at least 0"),
                fails("train: --init is a directory", f -> f.write("t.yaml", TRAIN_CONFIG).mkdir("init"),
                        "train --config {dir}/t.yaml --init {dir}/init --out {dir}/out", "{dir}/init", "is a directory"),
                fails("train: --init missing", f -> f.write("t.yaml", TRAIN_CONFIG),
                        "train --config {dir}/t.yaml --init {dir}/init.safetensors --out {dir}/out",
                        "{dir}/init.safetensors", "no such file"),
                fails("train: --out under /proc", f -> f.write("t.yaml", TRAIN_CONFIG),
                        "train --config {dir}/t.yaml --out /proc/mergelab-catalogue-train", "/proc/mergelab-catalogue-train",
                        "no such file or directory"),
                fails("train: --out is a regular file", f -> f.write("t.yaml", TRAIN_CONFIG).write("notes.txt", "x"),
                        "train --config {dir}/t.yaml --out {dir}/notes.txt", "{dir}/notes.txt",
                        "is a regular file"),
                usage("eval: --threads 0", Fixture::checkpoint,
                        "eval --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA + " --threads 0", "--threads",
                        "0 is below 1"),
                usage("eval: --test-size -3", Fixture::checkpoint,
                        "eval --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA + " --test-size -3",
                        "--test-size", "-3 is below 1"),
                usage("eval: --test-size 0", Fixture::checkpoint,
                        "eval --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA + " --test-size 0",
                        "--test-size", "0 is below 1"),
                usage("eval: --test-size not a number", Fixture::checkpoint,
                        "eval --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA + " --test-size many",
                        "--test-size", "'many' is not a whole number"),
                fails("eval: checkpoint is a directory", f -> f.mkdir("ck"),
                        "eval --checkpoint {dir}/ck --dataset " + TINY_DATA, "{dir}/ck", "is a directory"),
                usage("fisher: --samples 0", Fixture::checkpoint,
                        "fisher --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 0 --out {dir}/f.safetensors", "--samples", "0 is below 1"),
                usage("fisher: --threads 0", Fixture::checkpoint,
                        "fisher --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --threads 0 --out {dir}/f.safetensors", "--threads", "0 is below 1"),
                fails("fisher: --out under /proc", Fixture::checkpoint,
                        "fisher --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 8 --out /proc/mergelab-catalogue.safetensors",
                        "output /proc/mergelab-catalogue.safetensors cannot be", "no such file or directory"),
                fails("fisher: --out runs through a regular file", f -> f.checkpoint().write("notes.txt", "x"),
                        "fisher --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 8 --out {dir}/notes.txt/f.safetensors",
                        "output {dir}/notes.txt/f.safetensors cannot be", "is not a directory"),
                usage("gram: --samples 0", Fixture::checkpoint,
                        "gram --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 0 --out {dir}/g.safetensors", "--samples", "0 is below 1"),
                fails("gram: --out is the checkpoint", Fixture::checkpoint,
                        "gram --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 8 --out {dir}/tiny.safetensors", "{dir}/tiny.safetensors", "is the input"),
                fails("gram: --out is a file gram did not write", f -> f.checkpoint().write("notes.safetensors", "x"),
                        "gram --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA
                                + " --samples 8 --out {dir}/notes.safetensors", "{dir}/notes.safetensors",
                        "not written by 'mergelab gram'"),
                usage("show-cues: --samples 0", f -> { },
                        "show-cues --dataset " + TINY_DATA + " --samples 0 --out {dir}/cues.png", "--samples", "0 is below 1"),
                fails("show-cues: --out under /proc", f -> { },
                        "show-cues --dataset " + TINY_DATA + " --out /proc/mergelab-catalogue.png",
                        "output /proc/mergelab-catalogue.png cannot be", "no such file or directory"),
                fails("show-cues: --out runs through a regular file", f -> f.write("notes.txt", "x"),
                        "show-cues --dataset " + TINY_DATA + " --out {dir}/notes.txt/cues.png",
                        "output {dir}/notes.txt/cues.png cannot be", "is not a directory"),
                usage("bench-train: --threads 0", f -> { }, "bench-train --threads 0", "--threads", "0 is below 1"),
                usage("bench-train: --batch-size 0", f -> { }, "bench-train --batch-size 0", "--batch-size", "0 is below 1"),
                usage("bench-train: --steps -1", f -> { }, "bench-train --steps -1", "--steps", "-1 is below 1"),
                usage("bench-train: --rounds 0", f -> { }, "bench-train --rounds 0", "--rounds", "0 is below 1"),
                fails("run: --out under /proc", f -> f.write("e.yaml", EXPERIMENT),
                        "run {dir}/e.yaml --out /proc/mergelab-catalogue-run", "/proc/mergelab-catalogue-run",
                        "no such file or directory"),
                fails("run: --out runs through a regular file", f -> f.write("e.yaml", EXPERIMENT).write("notes.txt", "x"),
                        "run {dir}/e.yaml --out {dir}/notes.txt/run", "{dir}/notes.txt/run", "is not a directory"),
                fails("demo: --out under /proc", f -> { },
                        "demo --out /proc/mergelab-catalogue-demo", "/proc/mergelab-catalogue-demo",
                        "no such file or directory"),
                fails("demo: --out runs through a regular file", f -> f.write("notes.txt", "x"),
                        "demo --out {dir}/notes.txt/demo", "{dir}/notes.txt/demo", "is not a directory"),
                fails("compare: --out under /proc", f -> f.run("r1"),
                        "compare {dir}/r1 --out /proc/mergelab-catalogue-compare",
                        "output /proc/mergelab-catalogue-compare cannot be", "no such file or directory"),
                fails("compare: --out runs through a regular file", f -> f.run("r1").write("notes.txt", "x"),
                        "compare {dir}/r1 --out {dir}/notes.txt/cmp", "output {dir}/notes.txt/cmp cannot be",
                        "is not a directory"),
                fails("lineage: missing directory", f -> { }, "lineage {dir}/nowhere", "{dir}/nowhere", "no such directory"),

                // 10. accepted silently before
                fails("train: --init of another model than the config's", f -> f.checkpoint().write("t.yaml",
                        TRAIN_CONFIG.replace("depth: 8", "depth: 14")),
                        "train --config {dir}/t.yaml --init {dir}/tiny.safetensors --out {dir}/out", "model:",
                        "ResNet-14 (2/4/8)", "{dir}/tiny.safetensors", "ResNet-8 (2/4/8)"),
                fails("train: test_size above the test set", f -> f.write("t.yaml", TRAIN_CONFIG + "test_size: 33\n"),
                        "train --config {dir}/t.yaml --out {dir}/out", "test_size", "33", "the 32 images of the test set"),
                fails("train: epochs 0", f -> f.write("t.yaml", TRAIN_CONFIG.replace("epochs: 1", "epochs: 0")),
                        "train --config {dir}/t.yaml --out {dir}/out", "{dir}/t.yaml", "'training'", "epochs: 0 is below 1"),
                fails("eval: --test-size above the test set", Fixture::checkpoint,
                        "eval --checkpoint {dir}/tiny.safetensors --dataset " + TINY_DATA + " --test-size 40",
                        "--test-size", "40", "the 32 images of the test set"),
                fails("run: test_size above the test set", f -> f.write("e.yaml", EXPERIMENT + "test_size: 100\n"),
                        "run {dir}/e.yaml --out {dir}/out", "test_size", "100", "the 32 images of the test set"),
                fails("run: pre-training epochs 0", f -> f.write("e.yaml", EXPERIMENT.replace("pretrain: {epochs: 1",
                        "pretrain: {epochs: 0")),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "'pretrain'", "epochs: 0 is below 1"),
                fails("run: fine-tuning epochs 0", f -> f.write("e.yaml", EXPERIMENT.replace("finetune: {epochs: 1",
                        "finetune: {epochs: 0")),
                        "run {dir}/e.yaml --out {dir}/out", "{dir}/e.yaml", "'finetune'", "epochs: 0 is below 1"));
    }

    // ------------------------------------------------------------------ the test

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputExitsWithOneLineNamingItAndLeavesTheTreeAsItWas(Case c) throws Exception {
        Fixture f = new Fixture(dir);
        c.setup().prepare(f);
        Map<String, String> before = snapshot(dir);
        List<String> args = c.arguments(dir);
        Result result = assertTimeoutPreemptively(Duration.ofMinutes(3),
                () -> c.subprocess() ? runInSubprocess(c, args) : runInProcess(args), c.name());

        assertThat(result.code()).as("exit code of %s; standard error:%n%s", args, result.err()).isEqualTo(c.exitCode());
        List<String> lines = result.err().lines()
                .filter(l -> !l.isBlank() && !l.startsWith("mergelab: warning: "))
                .filter(l -> !l.matches("\\[[WIE]\\d{4} .*")) // PyTorch's own log lines in a subprocess
                .toList();
        assertThat(lines).as("standard error of %s", args).hasSize(1);
        String line = lines.getFirst();
        assertThat(line).startsWith(c.exitCode() == 2 ? "mergelab: usage error: " : "mergelab: error: ");
        assertThat(line.chars().noneMatch(Character::isISOControl)).as("no control characters in %s", line).isTrue();
        for (String fragment : c.fragments(dir)) {
            assertThat(line).as("the message names it and says why").contains(fragment);
        }
        assertThat(snapshot(dir)).as("the tree around --out, inputs included").isEqualTo(before);
    }

    private record Result(int code, String err) {}

    private static Result runInProcess(List<String> args) {
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true))
                .setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Result(code, err.toString());
    }

    private static Result runInSubprocess(Case c, List<String> args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>();
        if (c.fileSizeLimitKiB() > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -f " + c.fileSizeLimitKiB() + " && exec \"$@\"", "limited"));
        }
        command.addAll(List.of(java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
        command.addAll(c.jvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MergelabCommand.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err;
        try (InputStream in = p.getErrorStream()) {
            err = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("subprocess finished").isTrue();
        return new Result(p.exitValue(), err);
    }

    /** Every path under {@code root} with its kind; files and links also with size, SHA-256 and mtime. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String what;
                if (a.isSymbolicLink()) {
                    what = "link to " + Files.readSymbolicLink(p) + ", mtime " + a.lastModifiedTime();
                } else if (a.isDirectory()) {
                    what = "directory";
                } else if (a.isRegularFile()) {
                    what = "file of " + a.size() + " bytes, sha256 " + sha256(p) + ", mtime " + a.lastModifiedTime();
                } else {
                    what = "special file, mtime " + a.lastModifiedTime(); // a FIFO: never opened
                }
                entries.put(root.relativize(p).toString(), what);
            }
        }
        return entries;
    }

    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ cases and fixtures

    /** What a case puts into its directory before the command runs. */
    @FunctionalInterface
    interface Setup {
        void prepare(Fixture f) throws Exception;
    }

    /**
     * One bad input.
     *
     * @param name what is wrong, for the test report
     * @param setup what to put into the case's directory
     * @param commandLine the arguments, {@code {dir}} standing for the case's directory, {@code ''} for an empty one
     * @param exitCode 1 for a failure, 2 for bad usage
     * @param messageFragments what the one-line message must contain ({@code {dir}} as above)
     * @param jvmOptions options of a subprocess JVM (empty: run in this JVM, unless a file-size limit is set)
     * @param fileSizeLimitKiB a limit on the size of files the subprocess writes (0: none)
     */
    record Case(String name, Setup setup, String commandLine, int exitCode, List<String> messageFragments,
            List<String> jvmOptions, long fileSizeLimitKiB) {

        boolean subprocess() {
            return !jvmOptions.isEmpty() || fileSizeLimitKiB > 0;
        }

        List<String> arguments(Path dir) {
            return Arrays.stream(commandLine.split(" "))
                    .map(a -> a.equals("''") ? "" : a.replace("{dir}", dir.toString()))
                    .toList();
        }

        List<String> fragments(Path dir) {
            return messageFragments.stream().map(m -> m.replace("{dir}", dir.toString())).toList();
        }

        /** The same case in a subprocess JVM with these options. */
        Case inSubprocess(String... options) {
            return new Case(name, setup, commandLine, exitCode, messageFragments, List.of(options), fileSizeLimitKiB);
        }

        /** The same case in a subprocess whose writes fail beyond {@code kib} KiB per file. */
        Case withFileSizeLimitKiB(long kib) {
            return new Case(name, setup, commandLine, exitCode, messageFragments, jvmOptions, kib);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A case that fails (exit 1). */
    static Case fails(String name, Setup setup, String commandLine, String... fragments) {
        return new Case(name, setup, commandLine, 1, List.of(fragments), List.of(), 0);
    }

    /** A case of bad usage (exit 2). */
    static Case usage(String name, Setup setup, String commandLine, String... fragments) {
        return new Case(name, setup, commandLine, 2, List.of(fragments), List.of(), 0);
    }

    /** Builds a case's inputs in its directory; every method returns the fixture, to chain. */
    static final class Fixture {
        private final Path root;

        Fixture(Path root) {
            this.root = root;
        }

        Path path(String relative) {
            return root.resolve(relative);
        }

        Fixture write(String relative, String text) throws IOException {
            return writeBytes(relative, text.getBytes(StandardCharsets.UTF_8));
        }

        Fixture writeBytes(String relative, byte[] bytes) throws IOException {
            Files.createDirectories(path(relative).getParent());
            Files.write(path(relative), bytes);
            return this;
        }

        Fixture mkdir(String relative) throws IOException {
            Files.createDirectories(path(relative));
            return this;
        }

        Fixture delete(String relative) throws IOException {
            Files.delete(path(relative));
            return this;
        }

        Fixture move(String from, String to) throws IOException {
            Files.move(path(from), path(to));
            return this;
        }

        Fixture link(String relative, String target) throws IOException {
            Files.createDirectories(path(relative).getParent());
            Files.createSymbolicLink(path(relative), Path.of(target));
            return this;
        }

        Fixture fifo(String relative) throws IOException, InterruptedException {
            Files.createDirectories(path(relative).getParent());
            Process p = new ProcessBuilder("mkfifo", path(relative).toString()).inheritIO().start();
            assertThat(p.waitFor()).as("mkfifo").isZero();
            return this;
        }

        /** A safetensors file with one tensor {@code w} of {@code rows x cols} elements, all {@code value}. */
        Fixture model(String relative, DType dtype, int rows, int cols, float value) throws IOException {
            float[] values = new float[rows * cols];
            Arrays.fill(values, value);
            NamedTensors t = new NamedTensors();
            t.put("w", Tensor.fromFloats(dtype, new long[] {rows, cols}, values));
            Files.createDirectories(path(relative).getParent());
            SafetensorsWriter.write(path(relative), t, Map.of());
            return this;
        }

        /** Two small F32 models, {@code a/} and {@code b/}. */
        Fixture ab() throws IOException {
            return model("a/model.safetensors", DType.F32, 1, 2, 1f).model("b/model.safetensors", DType.F32, 1, 2, 3f);
        }

        /** A model directory whose tensors {@code w} and {@code v} are in two shards with an index. */
        Fixture sharded(String relative) throws IOException {
            NamedTensors t = new NamedTensors();
            t.put("w", Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 2}));
            t.put("v", Tensor.ofFloats(new long[] {1, 2}, new float[] {3, 4}));
            ShardedSafetensors.write(Files.createDirectories(path(relative)), t, Map.of(), 8);
            return this;
        }

        /** The catalogue's trained checkpoint as {@code tiny.safetensors}, with its lineage file. */
        Fixture checkpoint() throws IOException {
            for (String name : List.of("tiny.safetensors", "tiny.lineage.json")) {
                Files.copy(trained.resolve("ck").resolve(name), path(name));
            }
            return this;
        }

        /** A run directory, as {@code run} leaves it, to compare. */
        Fixture run(String relative) throws IOException {
            new SyntheticRun().writeTo(path(relative));
            return this;
        }
    }
}
