package org.mergelab.cli;

import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import org.mergelab.Versions;
import org.mergelab.checkpoint.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mergelab} command: entry point of the command-line tool. Exit codes: 0 success, 1
 * failure (a one-line error on standard error naming the file, key, option or tensor and the reason, out of
 * memory included; the stack trace only with {@code --verbose}), 2 bad usage (one line naming the option).
 */
@Command(
        name = "mergelab",
        mixinStandardHelpOptions = true,
        versionProvider = MergelabCommand.VersionProvider.class,
        description = "Model merging in continual learning: train, merge, probe what survives.")
public final class MergelabCommand implements Runnable {

    /**
     * The subcommands, in the order help lists them. Added when the command line is built rather than named in the
     * annotation, so that a run of one subcommand builds only that one's model (building all of them added about a
     * tenth of a second to every run's start).
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
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
            ForensicsCommand.class,
            FisherCommand.class,
            GramCommand.class,
            DoctorCommand.class,
            PlanMergeCommand.class);

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
        CommandLine cl = commandLine(args);
        int code = cl.execute(args);
        cl.getOut().flush(); // commands print through picocli's writers: nothing may stay buffered at exit
        cl.getErr().flush();
        System.exit(code);
    }

    /** Runs the tool and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured command line with every subcommand (also used by tests to capture output). */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The configured command line for {@code args}: when they start with a subcommand's name (not {@code help}), only
     * that subcommand is added, which behaves the same for those arguments; else every subcommand, so that help lists
     * them all and a mistyped name gets picocli's suggestions.
     */
    public static CommandLine commandLine(String[] args) {
        MergelabCommand root = new MergelabCommand();
        CommandLine cl = new CommandLine(root);
        Class<?> only = args.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class)
                .filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).findFirst().orElse(null);
        for (Class<?> subcommand : only != null ? List.of(only) : SUBCOMMANDS) {
            cl.addSubcommand(subcommand);
        }
        cl.setExecutionStrategy(MergelabCommand::runReportingErrors);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("mergelab: usage error: " + printable(ex.getMessage()) + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
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

    /**
     * Runs the chosen command; an {@link Error} (out of memory, a native library that does not load) reaches the
     * execution exception handler like any exception, so it too ends as one line and exit code 1.
     */
    private static int runReportingErrors(CommandLine.ParseResult parseResult) {
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } catch (Error e) {
            throw new CommandLine.ExecutionException(parseResult.commandSpec().commandLine(), "", e);
        }
    }

    /** The message of an error on one line, with the innermost useful cause, the file and the reason. */
    static String oneLine(Throwable ex) {
        return printable(describe(ex));
    }

    private static String describe(Throwable ex) {
        Throwable cause = ex.getCause() == ex ? null : ex.getCause();
        if (ex instanceof CommandLine.ExecutionException && cause != null) {
            return describe(cause);
        }
        if (ex instanceof OutOfMemoryError oom) {
            return outOfMemory(oom);
        }
        if (ex instanceof FileSystemException f) {
            return fileProblem(f);
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            String name = ex.getClass().getSimpleName();
            return cause == null ? name : name + ": " + describe(cause);
        }
        if (cause != null && (msg.equals(cause.getMessage()) || msg.equals(cause.toString()))) {
            return describe(cause); // a wrapper that adds nothing, e.g. new UncheckedIOException(e.getMessage(), e)
        }
        if (cause instanceof FileSystemException f && cause.getMessage() != null && msg.endsWith(cause.getMessage())) {
            // "cannot create X: " + e.getMessage(), where the message of e is only its path
            String head = msg.substring(0, msg.length() - cause.getMessage().length());
            return f.getFile() != null && head.endsWith(f.getFile() + ": ") ? head + AtomicFiles.reason(f)
                    : head + fileProblem(f);
        }
        return msg;
    }

    /** "FILE: reason", naming the output a temporary stands for ("cannot write OUT: reason"). */
    private static String fileProblem(FileSystemException f) {
        String reason = AtomicFiles.reason(f);
        if (f.getFile() == null) {
            return reason;
        }
        Path file = Path.of(f.getFile());
        Path shown = AtomicFiles.finalPath(file);
        String other = f.getOtherFile() == null ? "" : " -> " + AtomicFiles.finalPath(Path.of(f.getOtherFile()));
        return (shown.equals(file) ? "" : "cannot write ") + shown + other + ": " + reason;
    }

    private static String outOfMemory(OutOfMemoryError e) {
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                + "; the Java heap may grow to " + heapMiB + " MiB: give it more with MERGELAB_JAVA_OPTS=-Xmx<size>,"
                + " e.g. -Xmx" + Math.max(2, 2 * ((heapMiB + 1023) >> 10)) + "g";
    }

    /** One line: line breaks and tabs become spaces, other control characters (a NUL) are shown escaped. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(' ');
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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
