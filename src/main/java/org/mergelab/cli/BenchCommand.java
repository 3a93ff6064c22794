package org.mergelab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mergelab.data.Augmentation;
import org.mergelab.data.BatchStream;
import org.mergelab.data.BuiltinDataset;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.engine.ChildJvm;
import org.mergelab.engine.EngineSettings;
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

    @Option(names = "--compare-onednn-cap", description = {
        "Run the benchmark twice, each in its own process: with mergelab's oneDNN cap",
        "(ONEDNN_MAX_CPU_ISA=AVX2) and without it (ALL), and print the cost of the cap."})
    boolean compareCap;

    @Override
    public Integer call() throws Exception {
        if (compareCap) {
            return compareOnednnCap();
        }
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

    /** Runs this benchmark in two child processes, capped and uncapped, and compares their rates. */
    private int compareOnednnCap() throws IOException, InterruptedException {
        List<String> args = List.of("bench-train", "--depth", Integer.toString(depth), "--width", Integer.toString(width),
                "--batch-size", Integer.toString(batchSize), "--threads", Integer.toString(threads), "--steps",
                Integer.toString(steps), "--rounds", Integer.toString(rounds));
        Map<String, double[]> rates = new LinkedHashMap<>();
        for (String cap : List.of(EngineSettings.DEFAULT_ONEDNN_MAX_CPU_ISA, "ALL")) {
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-Xmx4g"), MergelabCommand.class, args))
                    .redirectErrorStream(true);
            pb.environment().remove(EngineSettings.DNNL_MAX_CPU_ISA);
            pb.environment().put(EngineSettings.ONEDNN_MAX_CPU_ISA, cap);
            Process p = pb.start();
            p.getOutputStream().close();
            double[] r = {Double.NaN, Double.NaN};
            try (BufferedReader in = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("[ONEDNN_MAX_CPU_ISA=" + cap + "] " + line);
                    Matcher m = RATE.matcher(line);
                    if (m.find()) {
                        r[m.group(1).startsWith("bare") ? 0 : 1] = Double.parseDouble(m.group(2));
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bench-train with ONEDNN_MAX_CPU_ISA=" + cap + " failed with exit code "
                        + p.exitValue());
            }
            rates.put(cap, r);
        }
        double[] capped = rates.get(EngineSettings.DEFAULT_ONEDNN_MAX_CPU_ISA);
        double[] all = rates.get("ALL");
        System.out.printf("cap %s against ALL: bare model step %.1f vs %.1f images/s (%.3f), whole pipeline %.1f vs %.1f"
                + " images/s (%.3f)%n", EngineSettings.DEFAULT_ONEDNN_MAX_CPU_ISA, capped[0], all[0],
                capped[0] / all[0], capped[1], all[1], capped[1] / all[1]);
        return 0;
    }

    private static final Pattern RATE = Pattern.compile("^(bare model step|whole pipeline):\\s+([0-9.]+) images/s");

    private static String rates(java.util.List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : ", ").append(String.format("%.0f", v));
        }
        return sb.toString();
    }
}
