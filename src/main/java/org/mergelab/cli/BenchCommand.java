package org.mergelab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import org.mergelab.engine.OnednnCapSelection;
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
        "Run the benchmark once per oneDNN cap, each in its own process (ONEDNN_MAX_CPU_ISA=AVX2, AVX,",
        "SSE41 and ALL), and print each rate against the cap in effect on this machine. Only the cap in",
        "effect is known to compute correctly here (mergelab doctor)."})
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
        String inEffect = EngineSettings.inEffect().onednnMaxCpuIsa();
        List<String> caps = new ArrayList<>(OnednnCapSelection.CANDIDATES);
        caps.add("ALL");
        if (!caps.contains(inEffect)) {
            caps.addFirst(inEffect);
        }
        for (String cap : caps) {
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
        double[] mine = rates.get(inEffect);
        System.out.printf("cap in effect on this machine: %s (%s)%n", inEffect, EngineSettings.inEffect().onednnFromUser()
                ? "from the environment" : "chosen by the engine check");
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            double[] r = e.getValue();
            System.out.printf("  %-6s bare model step %7.1f images/s (%.3f of %s), whole pipeline %7.1f images/s"
                    + " (%.3f)%n", e.getKey(), r[0], r[0] / mine[0], inEffect, r[1], r[1] / mine[1]);
        }
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
