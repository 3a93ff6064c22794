package org.mergelab.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.Probes;
import org.mergelab.experiment.TrainRun;
import org.mergelab.experiment.TrainRunConfig;
import org.mergelab.train.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mergelab train}: pre-train or fine-tune one task. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train one task (pre-training, or fine-tuning with --init) and write its checkpoint with lineage.",
            "A killed run started again with the same command resumes from its last complete epoch.",
            "",
            "Example:  mergelab train --config examples/train-builtin.yaml --out runs/pretrain"
        })
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Training config (YAML).")
    Path config;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--init", paramLabel = "CKPT", description = "Checkpoint to start from (fine-tuning).")
    Path init;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        TrainRunConfig cfg = ConfigReader.read(config, TrainRunConfig.class);
        OutputDirectory output = OutputDirectory.builder()
                .setPath(out)
                .setCommand("train", OutputKind.TRAIN)
                .optInputs(java.util.Arrays.asList(config, init))
                .claim();
        TrainRun.Outcome o = TrainRun.run(cfg, output, init,
                quiet ? org.mergelab.train.TrainingProgress.SILENT : new ConsoleProgress(System.err));
        StringBuilder acc = new StringBuilder();
        for (Map.Entry<String, Probes.Count> e : o.testAccuracy().entrySet()) {
            acc.append(String.format(" %s %.4f", e.getKey(), e.getValue().accuracy()));
        }
        System.out.printf("trained %s: %d epoch(s) in %.1f s (%.0f img/s)%s; test accuracy (%d images):%s%n",
                cfg.task().name(), o.training().epochsRun(), o.training().wallSeconds(), o.training().imagesPerSecond(),
                o.training().resumedFromEpoch() > 0 ? ", resumed after epoch " + o.training().resumedFromEpoch() : "",
                o.testImages(), acc);
        System.out.println("checkpoint " + o.checkpoint().id().substring(0, 12) + " written to " + o.checkpointFile());
        return 0;
    }
}
