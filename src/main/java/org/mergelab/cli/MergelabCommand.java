package org.mergelab.cli;

import org.mergelab.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mergelab} command: entry point of the command-line tool. */
@Command(
        name = "mergelab",
        mixinStandardHelpOptions = true,
        versionProvider = MergelabCommand.VersionProvider.class,
        description = "Model merging in continual learning: train, merge, probe what survives.",
        subcommands = {CommandLine.HelpCommand.class})
public final class MergelabCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tool and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int execute(String... args) {
        return new CommandLine(new MergelabCommand()).execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "mergelab " + Versions.mergelab(),
                "DJL " + Versions.djl() + ", PyTorch " + Versions.pytorch() + ", JDK " + Versions.jdk()
            };
        }
    }
}
