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
}
