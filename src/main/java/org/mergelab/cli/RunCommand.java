package org.mergelab.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mergelab.config.ConfigReader;
import org.mergelab.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mergelab run}: the cue protocol from an experiment file. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a cue-protocol experiment: pre-train, fine-tune incrementally and in parallel, interpolate, probe.",
            "Resumable: started again with the same command, it reuses every finished unit.",
            "",
            "Example:  mergelab run examples/builtin.yaml --out runs/builtin"
        })
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "Experiment file.")
    Path experiment;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--force", description = {"Run even if DIR holds an experiment with a different config: deletes only",
            "mergelab's unit outputs there that this config does not reuse, never other files."})
    boolean force;

    @Option(names = "--dry-run", description = "List the planned units (and which are done) with a time estimate; run nothing.")
    boolean dryRun;

    @Option(names = "--workers", paramLabel = "N", description = {"Run N worker processes on this machine (default 1: this",
            "process). Each uses the config's threads; they share DIR, each claiming ready units. Workers on other",
            "machines join by running the same command on a shared DIR (see examples/slurm, examples/kubernetes)."})
    Integer workers;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig config = ConfigReader.read(experiment, ExperimentConfig.class);
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers: " + workers + " is below 1");
        }
        if (workers == null || workers == 1 || dryRun) {
            return ExperimentCommands.run(config, out, force, dryRun, "run", List.of(experiment));
        }
        return ExperimentCommands.runWorkers(config, experiment, out, force, workers);
    }
}
