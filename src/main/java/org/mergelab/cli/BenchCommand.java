package org.mergelab.cli;

import java.util.concurrent.Callable;
import org.mergelab.data.Augmentation;
import org.mergelab.data.BatchStream;
import org.mergelab.data.BuiltinDataset;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.Network;
import org.mergelab.train.ThroughputBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mergelab bench-train}: training throughput, bare model step against the whole pipeline. */
@Command(
        name = "bench-train",
        mixinStandardHelpOptions = true,
        description = {
            "Measure training throughput in one process: the bare model step (one prepared batch) against the whole",
            "pipeline (built-in data, shuffling, augmentation, colour cue, normalisation), in alternating rounds.",
            "",
            "Example:  mergelab bench-train --depth 20 --width 16 --batch-size 128 --threads 2"
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--depth", converter = OptionValues.AtLeastOne.class,
            defaultValue = "20", description = "ResNet depth (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--width", converter = OptionValues.AtLeastOne.class,
            defaultValue = "16", description = "ResNet width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--batch-size", converter = OptionValues.AtLeastOne.class,
            defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", converter = OptionValues.AtLeastOne.class,
            defaultValue = "2", description = "PyTorch threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--steps", converter = OptionValues.AtLeastOne.class,
            defaultValue = "20", description = "Steps per round and way (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", converter = OptionValues.AtLeastOne.class,
            defaultValue = "3", description = "Rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() {
        ImageDataset data = BuiltinDataset.generate(Math.max(4 * batchSize, 10_000), 1);
        BatchStream stream = BatchStream.builder()
                .setDataset(data)
                .setBatchSize(batchSize)
                .optShuffle(true)
                .setSeed(7)
                .optAugmentation(Augmentation.standard())
                .optCue(Cues.byName("color", data.numClasses(), 0))
                .optNormalization(Normalization.fromDataset(data))
                .optDropLast(true)
                .optPrefetch(true)
                .build();
        ModelSpec spec = new ModelSpec("resnet", depth, width);
        try (Network network = Network.create(spec, data.numClasses(), 1)) {
            ThroughputBenchmark.Result r = ThroughputBenchmark.run(network, stream, steps, rounds, threads);
            System.out.printf("%s, batch %d, %d threads, %d rounds of %d steps each way%n", spec.displayName(), batchSize, threads,
                    rounds, steps);
            System.out.printf("bare model step: %.1f images/s  (rounds %s)%n", r.bareImagesPerSecond(), rates(r.bareRounds()));
            System.out.printf("whole pipeline:  %.1f images/s  (rounds %s)%n", r.pipelineImagesPerSecond(), rates(r.pipelineRounds()));
            System.out.printf("pipeline / bare: %.3f%n", r.ratio());
        }
        return 0;
    }

    private static String rates(java.util.List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : ", ").append(String.format("%.0f", v));
        }
        return sb.toString();
    }
}
