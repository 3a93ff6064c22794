package org.mergelab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.config.ConfigReader;
import org.mergelab.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mergelab demo}: the cue protocol on the built-in dataset, in a few minutes. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the built-in demo experiment (built-in dataset, 3 seeds, both protocols and regimes, 11 alphas)",
            "and write results, plots and report.html.",
            "",
            "Example:  mergelab demo --out mergelab-demo"
        })
final class DemoCommand implements Callable<Integer> {

    /** The demo experiment shipped in the jar. */
    static final String RESOURCE = "/org/mergelab/experiment/demo.yaml";

    @Option(names = "--out", converter = OutputPathConverter.class, paramLabel = "DIR", defaultValue = "mergelab-demo", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--print-config", description = "Print the demo's experiment file and exit.")
    boolean printConfig;

    @Option(names = "--force", description = {"Run even if DIR holds an experiment with a different config: deletes only",
            "mergelab's unit outputs there that this config does not reuse, never other files."})
    boolean force;

    @Option(names = "--dry-run", description = "List the planned units with a time estimate; run nothing.")
    boolean dryRun;

    static String demoYaml() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the demo experiment " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public Integer call() throws Exception {
        String yaml = demoYaml();
        if (printConfig) {
            System.out.print(yaml);
            return 0;
        }
        ExperimentConfig config = ConfigReader.parse(yaml, ExperimentConfig.class, "demo.yaml");
        return ExperimentCommands.run(config, out, force, dryRun, "demo", java.util.List.of());
    }
}
