package org.mergelab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.eval.FisherEstimation;
import org.mergelab.experiment.FisherRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "The model.")
    Path checkpoint;

    @Option(names = "--dataset", required = true, paramLabel = "SPEC", description = "Dataset spec (its training set is used).")
    String dataset;

    @Option(names = "--cue", paramLabel = "CUE", defaultValue = "none", description = "Cue drawn on the images (default ${DEFAULT-VALUE}).")
    String cue;

    @Option(names = "--samples", converter = OptionValues.AtLeastOne.class,
            paramLabel = "N", defaultValue = "256", description = "Images (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the image subset (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", converter = OptionValues.AtLeastOne.class,
            paramLabel = "N", defaultValue = "2", description = "PyTorch threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "FILE", description = "Output .safetensors.")
    Path out;

    @Override
    public Integer call() {
        FisherEstimation.Result r = FisherRun.run(checkpoint, dataset, cue, samples, seed, threads, out);
        System.out.printf("Fisher of %d tensors over %d samples written to %s%n", r.fisher().size(), r.samples(), out);
        return 0;
    }
}
