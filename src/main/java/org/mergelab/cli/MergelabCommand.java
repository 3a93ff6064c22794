package org.mergelab.cli;

import java.io.PrintWriter;
import org.mergelab.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mergelab} command: entry point of the command-line tool. Exit codes: 0 success, 1
 * failure (a one-line error on standard error; the stack trace only with {@code --verbose}), 2 bad
 * usage.
 */
@Command(
        name = "mergelab",
        mixinStandardHelpOptions = true,
        versionProvider = MergelabCommand.VersionProvider.class,
        description = "Model merging in continual learning: train, merge, probe what survives.",
        subcommands = {
            CommandLine.HelpCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            LineageCommand.class,
            ShowCuesCommand.class,
            RunCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            ReportCommand.class,
            CompareCommand.class,
            MergeCommand.class,
            DiffCommand.class,
            FisherCommand.class,
            DoctorCommand.class
        })
public final class MergelabCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        CommandLine cl = commandLine();
        int code = cl.execute(args);
        cl.getOut().flush(); // commands print through picocli's writers: nothing may stay buffered at exit
        cl.getErr().flush();
        System.exit(code);
    }

    /** Runs the tool and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line (also used by tests to capture output). */
    public static CommandLine commandLine() {
        MergelabCommand root = new MergelabCommand();
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("mergelab: error: " + oneLine(ex));
            if (root.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    /** The message of an error on one line, with the innermost useful cause. */
    static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
            if (ex.getCause() != null) {
                msg += ": " + oneLine(ex.getCause());
            }
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
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
