package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.Tensor;
import picocli.CommandLine;

/**
 * {@code mergelab merge --dry-run}: every input checked from headers and indexes alone, the plan printed, nothing
 * written. Inputs whose tensor bytes are corrupt (NaN, which a real merge rejects) prove that no data is read.
 */
class MergeDryRunCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int merge(String... args) {
        CommandLine cli = MergelabCommand.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "merge";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    /** A small Llama-shaped model: embeddings of {@code vocab} rows, {@code layers} layers, norm, lm_head. */
    private static NamedTensors llama(int vocab, int layers, float value) {
        NamedTensors t = new NamedTensors();
        t.put("model.embed_tokens.weight", filled(new long[] {vocab, 4}, value));
        for (int i = 0; i < layers; i++) {
            t.put("model.layers." + i + ".self_attn.q_proj.weight", filled(new long[] {4, 4}, value + i));
            t.put("model.layers." + i + ".mlp.up_proj.weight", filled(new long[] {6, 4}, value - i));
        }
        t.put("model.norm.weight", filled(new long[] {4}, 1));
        t.put("lm_head.weight", filled(new long[] {vocab, 4}, value));
        return t;
    }

    private static NamedTensors replaced(NamedTensors tensors, String name, Tensor replacement) {
        NamedTensors out = new NamedTensors();
        tensors.names().forEach(n -> out.put(n, n.equals(name) ? replacement : tensors.get(n)));
        return out;
    }

    private static Tensor filled(long[] shape, float value) {
        float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        Arrays.fill(v, value);
        return Tensor.ofFloats(shape, v);
    }

    private Path model(String name, NamedTensors tensors) throws IOException {
        Path file = Files.createDirectories(dir.resolve(name)).resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }

    /** Overwrites every tensor byte (not the header) with 0xFF: NaN in float32, still a valid header. */
    private static void corruptData(Path file) throws IOException {
        long dataStart = 8 + Long.reverseBytes(readLong(file));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[(int) (f.length() - dataStart)];
            Arrays.fill(junk, (byte) 0xFF);
            f.seek(dataStart);
            f.write(junk);
        }
    }

    private static long readLong(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            return f.readLong();
        }
    }

    @Test
    void aDryRunReadsNoTensorDataPrintsThePlanAndWritesNothing() throws Exception {
        corruptData(model("a", llama(6, 3, 0.5f)));
        // a sharded input: the index and the shards' headers are read, their data never
        Files.createDirectories(dir.resolve("b"));
        ShardedSafetensors.write(dir.resolve("b"), llama(6, 3, 1.5f), Map.of(), 200);
        try (var shards = Files.list(dir.resolve("b"))) {
            for (Path shard : shards.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                corruptData(shard);
            }
        }
        Path recipe = Files.writeString(dir.resolve("r.yaml"), """
                models:
                  - model: a
                    parameters: {weight: [0.0, 1.0]}
                  - model: b
                merge_method: linear
                dtype: bfloat16
                """);
        Path output = dir.resolve("out");

        assertThat(merge(recipe.toString(), "--out", output.toString(), "--dry-run")).as(err.toString()).isZero();

        assertThat(output).doesNotExist();
        assertThat(dir.resolve("out.staging")).doesNotExist();
        String plan = out.toString();
        assertThat(plan).contains("no tensor data read").contains("method: linear")
                .contains("model.safetensors.index.json").contains("9 tensors");
        // the gradient evaluated per layer: layer 1 of 3 sits at t = 0.5
        assertThat(plan).containsPattern("model\\.layers\\.1\\.mlp\\.up_proj\\.weight \\[6, 4\\] F32->BF16 48 "
                + "model\\.safetensors linear \\(whole tensor\\) weight=\\[0\\.5, default\\]");
        assertThat(plan).contains("estimated peak memory:").contains("estimated time:").contains("measured");

        // the real merge reads the data and rejects it
        assertThat(merge(recipe.toString(), "--out", output.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("NaN");
        assertThat(output).doesNotExist();
    }

    @Test
    void mismatchesAreCaughtFromHeadersNamingTheTensorAndTheFiles() throws Exception {
        Path a = model("a", llama(6, 2, 0.5f));
        corruptData(a);
        Path recipe = Files.writeString(dir.resolve("r.yaml"), "models: [{model: a}, {model: b}]\nmerge_method: linear\n");
        Path output = dir.resolve("out");

        // vocabulary size: embeddings of 8 rows against 6
        corruptData(model("b", llama(8, 2, 1f)));
        assertThat(merge(recipe.toString(), "--out", output.toString(), "--dry-run")).isEqualTo(1);
        assertThat(err.toString()).contains("'model.embed_tokens.weight'").contains("[6, 4]").contains("[8, 4]")
                .contains(a.toString()).contains(dir.resolve("b/model.safetensors").toString());

        // a missing tensor
        NamedTensors missing = llama(6, 2, 1f);
        NamedTensors without = new NamedTensors();
        missing.names().stream().filter(n -> !n.equals("model.layers.1.mlp.up_proj.weight"))
                .forEach(n -> without.put(n, missing.get(n)));
        model("b", without);
        err.getBuffer().setLength(0);
        assertThat(merge(recipe.toString(), "--out", output.toString(), "--dry-run")).isEqualTo(1);
        assertThat(err.toString()).contains("'model.layers.1.mlp.up_proj.weight'").contains(a.toString())
                .contains("not in");

        // a dtype that does not merge: an integer tensor against a float one
        NamedTensors ints = replaced(llama(6, 2, 1f), "model.norm.weight", new Tensor(DType.I32, new long[] {4},
                java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)));
        model("b", ints);
        err.getBuffer().setLength(0);
        assertThat(merge(recipe.toString(), "--out", output.toString(), "--dry-run")).isEqualTo(1);
        assertThat(err.toString()).contains("'model.norm.weight'").contains("I32").contains("F32");

        // a shape mismatch
        NamedTensors shapes = replaced(llama(6, 2, 1f), "model.layers.0.self_attn.q_proj.weight",
                filled(new long[] {2, 8}, 1f));
        model("b", shapes);
        err.getBuffer().setLength(0);
        assertThat(merge(recipe.toString(), "--out", output.toString(), "--dry-run")).isEqualTo(1);
        assertThat(err.toString()).contains("'model.layers.0.self_attn.q_proj.weight'").contains("[2, 8]");
        assertThat(output).doesNotExist();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aSlicesDryRunShowsWhereEachOutputLayerComesFrom() throws Exception {
        corruptData(model("a", llama(6, 3, 0.5f)));
        corruptData(model("b", llama(6, 3, 1.5f)));
        Path recipe = Files.writeString(dir.resolve("r.yaml"), """
                slices:
                  - sources: [{model: a, layer_range: [0, 2]}]
                  - sources: [{model: b, layer_range: [1, 3]}]
                merge_method: passthrough
                """);
        assertThat(merge(recipe.toString(), "--out", dir.resolve("out").toString(), "--dry-run")).as(err.toString())
                .isZero();
        String plan = out.toString();
        assertThat(plan).contains("slices[1] -> output layers 2..3 from model 'b' layer_range [1, 3]")
                .contains("model.layers.3.mlp.up_proj.weight [6, 4] F32->F32 96 model.safetensors copy (passthrough)")
                .contains("from " + dir.resolve("b/model.safetensors") + ":model.layers.2.mlp.up_proj.weight")
                .contains("11 tensors");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    /** Runs {@code mergelab merge} with {@code args} and returns its exit code and what it printed on stderr. */
    private String failure(String... args) {
        err.getBuffer().setLength(0);
        int code = merge(args);
        return code + " " + err;
    }

    private static List<String> listing(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.map(p -> directory.relativize(p) + " " + p.toFile().length() + " " + p.toFile().lastModified())
                    .sorted().toList();
        }
    }

    @Test
    void aDryRunRefusesAnOutTheMergeCouldNotClaimWithTheMergesErrorAndCreatesNothing() throws Exception {
        model("a", llama(6, 2, 0.5f));
        model("b", llama(6, 2, 1.5f));
        Path recipe = Files.writeString(dir.resolve("r.yaml"), "models: [{model: a}, {model: b}]\nmerge_method: linear\n");

        // a non-empty directory mergelab did not make: the same error as the real merge, the directory untouched
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        List<String> before = listing(foreign);
        String dryRun = failure(recipe.toString(), "--out", foreign.toString(), "--dry-run");
        assertThat(dryRun).startsWith("1 ").contains(foreign.toString()).contains("not made by mergelab");
        assertThat(failure(recipe.toString(), "--out", foreign.toString())).isEqualTo(dryRun);
        assertThat(listing(foreign)).isEqualTo(before);

        // a regular file
        Path file = Files.writeString(dir.resolve("file"), "x");
        dryRun = failure(recipe.toString(), "--out", file.toString(), "--dry-run");
        assertThat(dryRun).startsWith("1 ").contains("regular file");
        assertThat(failure(recipe.toString(), "--out", file.toString())).isEqualTo(dryRun);

        // an earlier output: refused without --force as the merge refuses it; with --force planned, left as it is
        Path output = dir.resolve("out");
        assertThat(merge(recipe.toString(), "--out", output.toString())).as(err.toString()).isZero();
        before = listing(output);
        dryRun = failure(recipe.toString(), "--out", output.toString(), "--dry-run");
        assertThat(dryRun).startsWith("1 ").contains("--force");
        assertThat(failure(recipe.toString(), "--out", output.toString())).isEqualTo(dryRun);
        out.getBuffer().setLength(0);
        assertThat(failure(recipe.toString(), "--out", output.toString(), "--dry-run", "--force")).isEqualTo("0 ");
        assertThat(out.toString()).contains("no tensor data read");
        assertThat(listing(output)).isEqualTo(before);

        // a new directory under missing parents: planned, nothing made
        Path fresh = dir.resolve("new/deeper/out");
        assertThat(failure(recipe.toString(), "--out", fresh.toString(), "--dry-run")).isEqualTo("0 ");
        assertThat(dir.resolve("new")).doesNotExist();
    }
}
