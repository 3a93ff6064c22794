package org.mergelab.cli;

import java.util.concurrent.Callable;
import org.mergelab.experiment.DataStatisticsRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mergelab fisher}: the diagonal Fisher of a checkpoint, for Fisher-weighted merges. */
@Command(
        name = "fisher",
        mixinStandardHelpOptions = true,
        description = {
            "Estimate the diagonal empirical Fisher of a mergelab checkpoint on training images (per-sample gradients)",
            "and write it as safetensors with the checkpoint's tensor names: the per-model 'fisher:' file of a",
            "'merge_method: fisher' recipe.",
            "",
            "Example:  mergelab fisher --checkpoint runs/t1/t1.safetensors --dataset builtin --cue color --out runs/t1/fisher.safetensors"
        })
final class FisherCommand implements Callable<Integer> {

    @Mixin
    DataStatisticOptions options;

    @Override
    public Integer call() {
        DataStatisticsRun.Estimate r = options.run(DataStatisticsRun.Statistic.FISHER_DIAGONAL);
        System.out.printf("Fisher of %d tensors over %d samples written to %s%n", r.tensors().size(), r.samples(),
                options.out);
        return 0;
    }
}
