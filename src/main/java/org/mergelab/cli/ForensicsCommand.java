package org.mergelab.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mergelab.merge.WeightForensics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mergelab forensics A B --base C}: task-vector figures per layer group, by {@link WeightForensics#compute}. */
@Command(
        name = "forensics",
        mixinStandardHelpOptions = true,
        description = {
            "Weight forensics of two fine-tuned checkpoints against their base: per layer group and for the",
            "whole model, the task-vector norms |tau_a| and |tau_b|, cos(tau_a, tau_b), the sign-conflict rate",
            "#(tau_a*tau_b < 0) / #(tau_a != 0 and tau_b != 0), and each model's share of the entries TIES keeps",
            "(after its trim at --density and sign election). BatchNorm running statistics and integer tensors",
            "are left out. Groups: stem, layer1, layer2, ..., fc for mergelab ResNets; layers.N and other for",
            "models with layers.N. (or h.N., layer.N., blocks.N.) in their names.",
            "",
            "Example: mergelab forensics runs/t1/t1.safetensors runs/t2/t2.safetensors --base runs/pretrain/pretrain.safetensors"
        })
final class ForensicsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "First fine-tuned checkpoint (file, index or directory).")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second fine-tuned checkpoint.")
    Path b;

    @Option(names = "--base", required = true, paramLabel = "C", description = "The checkpoint both were tuned from.")
    Path base;

    @Option(names = "--density", split = ",", paramLabel = "D", converter = OptionValues.Fraction.class,
            defaultValue = "" + WeightForensics.DEFAULT_DENSITY,
            description = "TIES densities in (0, 1], comma-separated (default ${DEFAULT-VALUE}, the TIES paper's).")
    List<Double> densities;

    @Option(names = "--merged", paramLabel = "M", description = {"A merge of A and B (any method): adds each model's",
            "predicted retention tau_m.tau_k / |tau_k|^2 (docs/predicted-retention.md)."})
    Path merged;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WeightForensics forensics = WeightForensics.builder().setBase(base).setA(a).setB(b).optMerged(merged)
                .optDensities(densities).compute();
        spec.commandLine().getOut().print(json ? forensics.toJson() : forensics.toText());
        return 0;
    }
}
