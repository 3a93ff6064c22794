/**
 * The {@code mergelab} command line (picocli): each command parses and validates its options, calls one
 * library method and returns an exit code: 0 success, 1 failure, 2 bad usage.
 *
 * <p>Entry point: {@link org.mergelab.cli.MergelabCommand} ({@code main} for the launcher, {@code execute} and
 * {@code commandLine} for tests). It registers one package-private class per subcommand: {@code train}
 * ({@code TrainCommand}), {@code eval}, {@code run} and {@code demo} (an experiment, then its report, through
 * {@code ExperimentCommands}), {@code report}, {@code compare}, {@code merge}, {@code diff}, {@code fisher},
 * {@code gram}, {@code lineage}, {@code show-cues}, {@code bench-train} and {@code doctor}. Errors are handled in one place:
 * {@code MergelabCommand} turns any exception or {@link Error} (out of memory included) into one line on
 * standard error naming the file, key, option or tensor, with the stack trace only under {@code --verbose};
 * {@code OptionValues} and {@code OutputPathConverter} make unusable option values bad usage naming the
 * option. {@code ExperimentConsole} draws the progress of a run.
 */
package org.mergelab.cli;
