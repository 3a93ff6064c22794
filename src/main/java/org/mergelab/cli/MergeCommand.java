package org.mergelab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.merge.RecipeMerge;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mergelab merge RECIPE.yaml --out DIR}: runs a mergekit-style recipe with {@link RecipeMerge#merge}. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Merges checkpoints as a mergekit-style YAML recipe says (linear, slerp, task_arithmetic, ties,",
            "dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties, model_stock, magmax, fisher, ...),",
            "streaming tensor by tensor. Writes model.safetensors (or shards and an index), the recipe,",
            "config/tokenizer files of the base model, and mergelab-lineage.json.",
            "",
            "Example: mergelab merge ties.yaml --out merged/ties [--dry-run]"
        })
final class MergeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RECIPE.yaml", description = "The merge recipe (mergekit YAML).")
    Path recipe;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--force", description = {"Replace an earlier output of mergelab merge (it has a .mergelab-output marker);",
            "never another directory, an input, the recipe, or the current directory or an ancestor of them."})
    boolean force;

    @Option(names = "--dry-run", description = {"Check the recipe and every input from safetensors headers and indexes",
            "alone (no tensor data read, nothing written) and print the plan: every tensor, what is done to it",
            "and with which parameters, the output files, estimated peak memory and time. Exit 1 on a mismatch",
            "or an --out the merge could not claim (with --force as given)."})
    boolean dryRun;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", converter = ByteSizeConverter.class, defaultValue = "5GB",
            description = {"Largest output file: a bigger model is written as shards with an index, as Hugging Face",
                "writes them (default ${DEFAULT-VALUE}; units B, KB, MB, GB as powers of 1000, KiB, MiB, GiB of 1024)."})
    long maxShardBytes;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        if (dryRun) {
            RecipeMerge.DryRun plan = RecipeMerge.dryRun(recipe, out, force, w -> err.println("mergelab: warning: " + w),
                    maxShardBytes);
            spec.commandLine().getOut().print(plan.text());
            return 0;
        }
        RecipeMerge.Outcome outcome = RecipeMerge.merge(recipe, out, force, w -> err.println("mergelab: warning: " + w),
                maxShardBytes);
        spec.commandLine().getOut().printf("merged %d tensors (%d bytes) into %s%n",
                outcome.merge().tensors(), outcome.merge().tensorBytes(), outcome.directory());
        return 0;
    }
}
