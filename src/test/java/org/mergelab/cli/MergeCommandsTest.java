package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import picocli.CommandLine;

class MergeCommandsTest {

    @TempDir Path dir;

    @Test
    void mergeThenDiffThroughTheCommands() throws Exception {
        for (String name : new String[] {"a", "b"}) {
            NamedTensors t = new NamedTensors();
            t.put("fc.weight", Tensor.ofFloats(new long[] {2}, name.equals("a") ? new float[] {1, 2} : new float[] {3, 4}));
            Files.createDirectories(dir.resolve(name));
            SafetensorsWriter.write(dir.resolve(name + "/model.safetensors"), t, Map.of());
        }
        Path recipe = Files.writeString(dir.resolve("r.yaml"), "models: [{model: a}, {model: b}]\nmerge_method: linear\n");
        StringWriter err = new StringWriter();
        CommandLine merge = MergelabCommand.commandLine().setErr(new PrintWriter(err));
        assertThat(merge.execute("merge", recipe.toString(), "--out", dir.resolve("out").toString())).isZero();
        assertThat(merge.execute("merge", recipe.toString(), "--out", dir.resolve("out").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("mergelab: error: output").contains("--force");
        assertThat(merge.execute("merge", recipe.toString())).isEqualTo(2);
        StringWriter out = new StringWriter();
        CommandLine diff = MergelabCommand.commandLine().setOut(new PrintWriter(out));
        assertThat(diff.execute("diff", dir.resolve("a").toString(), dir.resolve("out").toString(), "--json")).isZero();
        // merged = [2, 3]; a - merged = [-1, -1]: L2 = sqrt(2)
        assertThat(out.toString()).contains("\"l2_distance\" : " + Math.sqrt(2));
    }

    @Test
    void maxShardSizeShardsTheOutputAndBadSizesAreUsageErrors() throws Exception {
        for (String name : new String[] {"a", "b"}) {
            NamedTensors t = new NamedTensors();
            for (int i = 0; i < 4; i++) {
                t.put("layers." + i + ".weight", Tensor.ofFloats(new long[] {100}, new float[100])); // 400 bytes each
            }
            Files.createDirectories(dir.resolve(name));
            SafetensorsWriter.write(dir.resolve(name + "/model.safetensors"), t, Map.of());
        }
        Path recipe = Files.writeString(dir.resolve("r.yaml"), "models: [{model: a}, {model: b}]\nmerge_method: linear\n");
        CommandLine merge = MergelabCommand.commandLine().setErr(new PrintWriter(new StringWriter()));
        assertThat(merge.execute("merge", recipe.toString(), "--out", dir.resolve("out").toString(), "--max-shard-size",
                "1KB")).isZero();
        // two tensors (800 bytes) fit in 1000 bytes, three do not
        assertThat(dir.resolve("out/model-00001-of-00002.safetensors")).exists();
        assertThat(dir.resolve("out/model-00002-of-00002.safetensors")).exists();
        assertThat(dir.resolve("out/model.safetensors.index.json")).exists();
        assertThat(dir.resolve("out/model.safetensors")).doesNotExist();
        StringWriter err = new StringWriter();
        CommandLine bad = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        assertThat(bad.execute("merge", recipe.toString(), "--out", dir.resolve("o2").toString(), "--max-shard-size",
                "5 parsecs")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-shard-size").contains("5 parsecs");
        assertThat(dir.resolve("o2")).doesNotExist();
    }

    @Test
    void byteSizesTakeDecimalAndBinaryUnits() {
        ByteSizeConverter c = new ByteSizeConverter();
        assertThat(c.convert("5GB")).isEqualTo(5_000_000_000L);
        assertThat(c.convert("500mb")).isEqualTo(500_000_000L);
        assertThat(c.convert("2GiB")).isEqualTo(2L << 30);
        assertThat(c.convert("1000")).isEqualTo(1000L);
        assertThat(c.convert("7 KiB")).isEqualTo(7168L);
        for (String bad : new String[] {"0", "1.5GB", "-3MB", "GB", "99999999999TB"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert(bad)).as(bad)
                    .isInstanceOf(picocli.CommandLine.TypeConversionException.class).hasMessageContaining(bad);
        }
    }
}
