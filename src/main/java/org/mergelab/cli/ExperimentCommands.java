package org.mergelab.cli;

import java.nio.file.Path;
import java.util.List;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.eval.SequenceStudy;
import org.mergelab.eval.Summary;
import org.mergelab.experiment.ExperimentConfig;
import org.mergelab.experiment.ExperimentRunner;

/** What {@code run} and {@code demo} share: plan or run, then print the findings. */
final class ExperimentCommands {

    private ExperimentCommands() {}

    /**
     * Plans or runs {@code config} in {@code out}.
     *
     * @param command {@code run} or {@code demo}, recorded in the output's marker
     * @param inputs what the command read (the experiment file): {@code out} may not be or, with {@code force},
     *     contain one
     */
    static int run(ExperimentConfig config, Path out, boolean force, boolean dryRun, String command, List<Path> inputs) {
        ExperimentConsole console = new ExperimentConsole(System.out, System.err);
        ExperimentRunner runner = ExperimentRunner.create(config, claim(out, force, command, inputs), console);
        if (dryRun) {
            DryRunReport.print(runner.plan(), System.out);
            return 0;
        }
        return runAndPrint(runner, config, out, console);
    }

    private static OutputDirectory claim(Path out, boolean force, String command, List<Path> inputs) {
        return OutputDirectory.builder()
                .setPath(out)
                .setCommand(command, OutputKind.EXPERIMENT)
                .optForce(force)
                .optInputs(inputs)
                .claim();
    }

    /**
     * {@code run --workers N}: prepares the directory once (a {@code --force} replacement included), runs N local
     * worker processes of the same experiment without {@code --force}, then, when all succeeded, runs the experiment
     * here too, which finds every unit done, writes the results and prints the findings.
     */
    static int runWorkers(ExperimentConfig config, Path experiment, Path out, boolean force, int workers) throws Exception {
        ExperimentConsole console = new ExperimentConsole(System.out, System.err);
        ExperimentRunner runner = ExperimentRunner.create(config, claim(out, force, "run", List.of(experiment)), console);
        runner.prepare();
        System.out.printf("starting %d workers on %s, %d threads each%n", workers, out, config.threads());
        int code = LocalWorkers.run(workers, List.of("run", experiment.toString(), "--out", out.toString()), out, System.out);
        if (code != 0) {
            System.err.println("mergelab: error: a worker failed (exit code " + code + "); finished units are kept: the same"
                    + " command resumes");
            return code;
        }
        return runAndPrint(runner, config, out, console);
    }

    private static int runAndPrint(ExperimentRunner runner, ExperimentConfig config, Path out, ExperimentConsole console) {
        ExperimentRunner.Outcome outcome;
        try {
            outcome = runner.run();
        } finally {
            console.close();
        }
        Path report = ReportHook.write(out);
        System.out.printf("%nFindings (%s, %s, %d seeds; %.1f s, %d units run, %d reused):%n", config.dataset(),
                config.model().displayName(), config.seeds().size(), outcome.wallSeconds(), outcome.unitsRun(), outcome.unitsReused());
        for (Summary.Finding f : outcome.summary().findings()) {
            System.out.printf("  %s. %s [%s, BN %s]: %s%n", f.label(), f.name(), f.status().toUpperCase(java.util.Locale.ROOT),
                    f.bnPolicy(), f.statement());
        }
        if (outcome.sequences() != null) {
            printSequences(outcome.sequences());
        }
        System.out.println("Outputs: " + out.resolve(ExperimentRunner.RESULTS_FILE) + ", " + out.resolve(ExperimentRunner.SUMMARY_FILE)
                + (report != null ? ", " + report : "") + ", checkpoints under " + out.resolve("checkpoints"));
        return 0;
    }

    /**
     * The longer sequences in a few lines: per sequence and BN policy, the final ACC, BWT and forgetting of the cue
     * advantage of every regime and strategy, then finding 3 at length.
     */
    private static void printSequences(SequenceStudy.Result sequences) {
        String last = null;
        for (SequenceStudy.Table t : sequences.tables()) {
            String heading = t.sequence() + " " + t.cues() + ", BN " + t.bnPolicy().yamlName();
            if (!heading.equals(last)) {
                System.out.printf("%nSequence %s, after step %d (cue advantage; ACC, BWT, forgetting):%n", heading, t.cues().size());
                last = heading;
            }
            SequenceStudy.StepFigures f = t.last();
            System.out.printf("  %-11s %-36s ACC %s  BWT %s  forgetting %s%n", t.regime().yamlName(), t.strategy(),
                    f.advAcc().format(3), f.advBwt().format(3), f.advForgetting().format(3));
        }
        if (!sequences.incrementalMinusParallel().isEmpty()) {
            System.out.printf("%nFinding 3 at length (incremental - parallel on the first task's cue after each step):%n");
            for (SequenceStudy.LengthFinding f : sequences.incrementalMinusParallel()) {
                String steps = f.steps().stream().map(s -> s.difference().format(3)).collect(java.util.stream.Collectors.joining(", "));
                System.out.printf("  %s, BN %s, %s: %s; from step 2 to %d: %s (%s)%n", f.sequence(), f.bnPolicy().yamlName(),
                        f.strategy(), steps, f.steps().size(), f.trend().format(3), f.verdict());
            }
        }
    }
}
