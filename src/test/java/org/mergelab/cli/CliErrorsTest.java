package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input: a one-line error naming it, exit 1 (2 for bad usage), and no partial output. */
class CliErrorsTest {

    @TempDir Path dir;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = MergelabCommand.commandLine().setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    private static long files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void unknownConfigKeyIsOneLineNamingItAndWritesNothing() throws Exception {
        Path cfg = Files.writeString(dir.resolve("train.yaml"), "dataset: builtin\ntraining: {epochs: 1, learning_rat: 0.1}\n");
        Run r = run("train", "--config", cfg.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("mergelab: error: ").contains("learning_rat").contains("train.yaml");
        assertThat(files(dir.resolve("out"))).isZero();
    }

    @Test
    void missingDatasetDirectoryNamesItAndWritesNothing() throws Exception {
        Path cfg = Files.writeString(dir.resolve("train.yaml"), "dataset: \"fashion-mnist:" + dir.resolve("nowhere") + "\"\n");
        Run r = run("train", "--config", cfg.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains(dir.resolve("nowhere").toString());
        assertThat(files(dir.resolve("out"))).isZero();
    }

    @Test
    void truncatedCheckpointIsNamed() throws Exception {
        Path cfg = Files.writeString(dir.resolve("train.yaml"), """
                dataset: "builtin:size=64,test-size=32"
                model: {depth: 8, width: 2}
                training: {epochs: 1, batch_size: 32}
                task: {name: tiny}
                """);
        assertThat(run("train", "--config", cfg.toString(), "--out", dir.resolve("ok").toString(), "--quiet").code()).isZero();
        Path ckpt = dir.resolve("ok/tiny.safetensors");
        byte[] bytes = Files.readAllBytes(ckpt);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Run r = run("eval", "--checkpoint", cut.toString(), "--dataset", "builtin:size=64,test-size=32");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("cut.safetensors");
        // fine-tuning from it fails the same way and leaves the output directory empty
        Run ft = run("train", "--config", cfg.toString(), "--init", cut.toString(), "--out", dir.resolve("ft").toString());
        assertThat(ft.code()).isEqualTo(1);
        assertThat(ft.err()).contains("cut.safetensors");
        assertThat(files(dir.resolve("ft"))).isZero();
        // and the lineage command shows the good one
        assertThat(run("lineage", dir.resolve("ok").toString()).code()).isZero();
    }

    @Test
    void badUsageExitsTwoAndHelpAndVersionExitZero() {
        assertThat(run("train", "--config").code()).isEqualTo(2);
        assertThat(run("no-such-command").code()).isEqualTo(2);
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("--version").code()).isZero();
        for (String c : new String[] {"train", "eval", "lineage", "show-cues", "run", "demo", "report", "compare", "merge", "diff",
            "bench-train"}) {
            assertThat(run(c, "--help").code()).as(c).isZero();
        }
    }

    @Test
    void everyCommandsHelpShowsItsDefaults() {
        CommandLine root = MergelabCommand.commandLine();
        assertThat(root.getSubcommands()).hasSizeGreaterThan(10);
        for (String name : root.getSubcommands().keySet()) {
            StringWriter out = new StringWriter();
            int code = MergelabCommand.commandLine().setOut(new PrintWriter(out, true)).execute(name, "--help");
            assertThat(code).as(name).isZero();
            assertThat(out.toString()).as("help of %s", name).isNotBlank().doesNotContain("%{").doesNotContain("${");
        }
        StringWriter out = new StringWriter();
        MergelabCommand.commandLine().setOut(new PrintWriter(out, true)).execute("bench-train", "--help");
        assertThat(out.toString()).contains("Batch size (default 128)").contains("PyTorch threads (default 2)");
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path cfg = Files.writeString(dir.resolve("bad.yaml"), "nonsense: 1\n");
        assertThat(run("train", "--config", cfg.toString(), "--out", dir.resolve("o").toString(), "--verbose").err())
                .contains("\tat ");
    }
}
