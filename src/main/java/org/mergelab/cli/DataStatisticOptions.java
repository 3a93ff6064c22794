package org.mergelab.cli;

import java.nio.file.Path;
import org.mergelab.experiment.DataStatisticsRun;
import picocli.CommandLine.Option;

/** The options of {@code mergelab fisher} and {@code mergelab gram}: a checkpoint, the data, and the output file. */
final class DataStatisticOptions {

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

    /** Estimates and writes {@code statistic}. */
    DataStatisticsRun.Estimate run(DataStatisticsRun.Statistic statistic) {
        return DataStatisticsRun.run(statistic, checkpoint, dataset, cue, samples, seed, threads, out);
    }
}
