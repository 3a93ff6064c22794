package org.mergelab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.mergelab.data.CueSettings;
import org.mergelab.experiment.Evaluation;
import org.mergelab.eval.Probes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mergelab eval}: probe accuracies of one checkpoint. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Top-1 accuracy of a checkpoint under one or more probes.",
            "",
            "Example:  mergelab eval --checkpoint runs/ft/t1.safetensors --dataset builtin --probe base,color,color-conflict"
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "Checkpoint (.safetensors).")
    Path checkpoint;

    @Option(names = "--dataset", required = true, paramLabel = "SPEC",
            description = "Dataset spec: builtin, fashion-mnist[:DIR], cifar10:DIR, cifar100:DIR, folder:DIR (its test set is used; "
                    + "folder:DIR takes DIR/test/<class>/ or DIR/<class>/ with PNG or JPEG images).")
    String dataset;

    @Option(names = "--probe", split = ",", paramLabel = "PROBE", defaultValue = "base",
            description = "base, color, noise, stripes, frame, noise-blend and each cue's -conflict variant, e.g. "
                    + "frame-conflict (comma-separated or repeated; default base).")
    List<String> probes;

    @Option(names = "--test-size", converter = OptionValues.AtLeastOne.class,
            paramLabel = "N", description = "A seeded subset of N test images (default all).")
    Integer testSize;

    @Option(names = "--test-subset-seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the --test-size subset: an experiment's test_subset_seed (default ${DEFAULT-VALUE}).")
    long testSubsetSeed;

    @Option(names = "--cue", paramLabel = "KIND:KEY=VALUE[,KEY=VALUE...]", converter = CueOption.class,
            description = "Settings of one cue kind, as an experiment's cues: entry (keys size, x, y, strength), e.g. "
                    + "color:size=8,x=2,y=2. They replace the checkpoint's lineage's settings for that kind. Repeatable.")
    List<CueOption.Entry> cueOptions = List.of();

    @Option(names = "--cue-seed", paramLabel = "S",
            description = "Cue seed (default: the one the checkpoint was trained with, else 0). Cue sizes and positions come from the checkpoint's lineage.")
    Long cueSeed;

    @Option(names = "--threads", converter = OptionValues.AtLeastOne.class,
            paramLabel = "N", defaultValue = "2", description = "PyTorch threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, CueSettings> cues = new TreeMap<>();
        for (CueOption.Entry e : cueOptions) {
            if (cues.put(e.kind(), e.settings()) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cue: cue kind '" + e.kind()
                        + "' is given twice");
            }
        }
        Evaluation.Outcome o = Evaluation.run(checkpoint, dataset, probes, testSize, testSubsetSeed, cueSeed, cues, threads);
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("format", "mergelab-eval");
            root.put("format_version", 1);
            root.put("checkpoint", checkpoint.toString());
            root.put("checkpoint_id", o.checkpointId());
            root.put("dataset", dataset);
            root.put("test_images", o.testImages());
            root.put("test_subset_seed", testSubsetSeed);
            ObjectNode ps = root.putObject("probes");
            for (Map.Entry<String, Probes.Count> e : o.accuracy().entrySet()) {
                ObjectNode p = ps.putObject(e.getKey());
                p.put("correct", e.getValue().correct());
                p.put("total", e.getValue().total());
                p.put("accuracy", e.getValue().accuracy());
            }
            System.out.println(mapper.writeValueAsString(root));
        } else {
            System.out.printf("checkpoint %s on %s (%d test images)%n", o.checkpointId().substring(0, 12), dataset, o.testImages());
            for (Map.Entry<String, Probes.Count> e : o.accuracy().entrySet()) {
                System.out.printf("  %-16s %.4f  (%d/%d)%n", e.getKey(), e.getValue().accuracy(), e.getValue().correct(),
                        e.getValue().total());
            }
        }
        return 0;
    }
}
