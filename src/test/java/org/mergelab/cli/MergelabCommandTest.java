package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line built for a run of one subcommand holds only that subcommand and behaves as the whole tree does
 * for it: the same usage errors, the inherited {@code --verbose}, the same exit codes; anything else gets every
 * subcommand.
 */
class MergelabCommandTest {

    @TempDir Path dir;

    @Test
    void aRunOfOneSubcommandBuildsOnlyThatOne() {
        assertThat(MergelabCommand.commandLine(new String[] {"merge", "recipe.yaml"}).getSubcommands())
                .containsOnlyKeys("merge");
        assertThat(MergelabCommand.commandLine(new String[] {"--verbose", "merge"}).getSubcommands())
                .containsKeys("merge", "run", "help", "plan-merge", "doctor");
        assertThat(MergelabCommand.commandLine(new String[] {"help", "merge"}).getSubcommands())
                .containsKeys("merge", "run", "help");
        assertThat(MergelabCommand.commandLine(new String[] {"mrege"}).getSubcommands())
                .hasSameSizeAs(MergelabCommand.commandLine().getSubcommands());
    }

    @Test
    void theOneSubcommandBehavesAsInTheWholeTree() {
        String missing = dir.resolve("missing.yaml").toString();
        String out = dir.resolve("out").toString();
        for (String[] args : new String[][] {
            {"merge", missing, "--out", out},
            {"merge", "--no-such-option"},
            {"merge"},
        }) {
            Run whole = run(MergelabCommand.commandLine(), args);
            Run one = run(MergelabCommand.commandLine(args), args);
            assertThat(one.code).as(String.join(" ", args)).isEqualTo(whole.code).isNotZero();
            assertThat(one.err).as(String.join(" ", args)).isEqualTo(whole.err);
        }
        Run verbose = run(MergelabCommand.commandLine(new String[] {"merge"}), "merge", "--verbose", missing,
                "--out", out);
        assertThat(verbose.err).contains("mergelab: error: config file not found: " + missing)
                .contains("\tat org.mergelab.");
        Run usage = run(MergelabCommand.commandLine(new String[] {"merge"}), "merge", "--no-such-option");
        assertThat(usage.code).isEqualTo(2);
        assertThat(usage.err).contains("(see 'mergelab merge --help')");
    }

    private record Run(int code, String err) {}

    private static Run run(CommandLine commandLine, String... args) {
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            int code = commandLine.setErr(new PrintWriter(err, true)).execute(args);
            return new Run(code, err.toString());
        } finally {
            System.setOut(saved);
        }
    }
}
