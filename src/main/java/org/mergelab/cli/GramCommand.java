package org.mergelab.cli;

import java.util.concurrent.Callable;
import org.mergelab.experiment.DataStatisticsRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mergelab gram}: the input Gram matrices of a checkpoint's linear maps, for RegMean merges. */
@Command(
        name = "gram",
        mixinStandardHelpOptions = true,
        description = {
            "Compute the input Gram matrix X^T X / rows of every convolution and linear weight of a mergelab checkpoint",
            "on training images (X: the input patches of a convolution, the input vectors of the linear layer;",
            "BatchNorm in inference mode) and write them as safetensors under the weights' names, shape [d, d] with",
            "d = in x kernel elements: the per-model 'gram:' file of a 'merge_method: regmean' recipe.",
            "",
            "Example:  mergelab gram --checkpoint runs/t1/t1.safetensors --dataset builtin --cue color --out runs/t1/gram.safetensors"
        })
final class GramCommand implements Callable<Integer> {

    @Mixin
    DataStatisticOptions options;

    @Override
    public Integer call() {
        DataStatisticsRun.Estimate r = options.run(DataStatisticsRun.Statistic.INPUT_GRAM);
        System.out.printf("Gram matrices of %d weights over %d samples written to %s%n", r.tensors().size(),
                r.samples(), options.out);
        return 0;
    }
}
