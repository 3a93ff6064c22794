package org.mergelab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.merge.CheckpointDiff;
import org.mergelab.merge.TensorDiff;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mergelab diff A B}: per-tensor, per-layer and total differences, by {@link CheckpointDiff#compare}. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Compares two checkpoints with the same tensor names and shapes: per tensor L2 distance,",
            "cosine similarity, sign agreement and fraction changed; then per layer (name up to the",
            "last '.') and in total.",
            "",
            "Example: mergelab diff runs/a/model.safetensors merged/ties --json"
        })
final class DiffCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "First checkpoint (file, index or directory).")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second checkpoint.")
    Path b;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Option(names = "--tolerance", paramLabel = "X", defaultValue = "1e-6", converter = OptionValues.NonNegative.class,
            description = "Absolute difference above which an element counts as changed (default ${DEFAULT-VALUE}).")
    double tolerance = TensorDiff.DEFAULT_TOLERANCE;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CheckpointDiff diff = CheckpointDiff.compare(a, b, tolerance);
        spec.commandLine().getOut().print(json ? diff.toJson() : diff.toText());
        return 0;
    }
}
