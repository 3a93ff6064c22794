package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import picocli.CommandLine;

class ForensicsCommandTest {

    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, float... fc) throws Exception {
        NamedTensors t = new NamedTensors();
        t.put("conv1.weight", Tensor.ofFloats(new long[] {2}, new float[] {1, 1}));
        t.put("fc.weight", Tensor.ofFloats(new long[] {2}, fc));
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, t, Map.of());
        return file;
    }

    @Test
    void printsTheTableOrJson() throws Exception {
        Path base = write("base", 0, 0);
        Path a = write("a", 1, 2);
        Path b = write("b", -1, 2);
        Run table = run("forensics", a.toString(), b.toString(), "--base", base.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("stem", "fc", "total", "ties@0.2 a");
        Run json = run("forensics", a.toString(), b.toString(), "--base", base.toString(), "--json",
                "--density", "0.5,1");
        assertThat(json.code()).isZero();
        JsonNode total = new ObjectMapper().readTree(json.out()).get("total");
        // τa = [1, 2], τb = [−1, 2]: cos = 3/5, one conflict among two entries moved in both
        assertThat(total.get("cosine").asDouble()).isEqualTo(0.6);
        assertThat(total.get("sign_conflict_rate").asDouble()).isEqualTo(0.5);
        assertThat(total.get("ties")).hasSize(2);
        // the merge equal to a keeps all of a and, here, 3/5 of b (τa·τb / |τb|² = 3 / 5)
        Run merged = run("forensics", a.toString(), b.toString(), "--base", base.toString(), "--merged", a.toString());
        assertThat(merged.code()).isZero();
        assertThat(merged.out()).contains("R^ a", "1.0000", "0.6000");
    }

    @Test
    void badDensityIsBadUsageAndAMissingFileIsNamed() throws Exception {
        Path base = write("base", 0, 0);
        Run bad = run("forensics", base.toString(), base.toString(), "--base", base.toString(), "--density", "0");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--density");
        Path missing = dir.resolve("missing.safetensors");
        Run gone = run("forensics", base.toString(), missing.toString(), "--base", base.toString());
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err().strip()).doesNotContain("\n").contains(missing.toString());
    }
}
