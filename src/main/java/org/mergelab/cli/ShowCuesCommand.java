package org.mergelab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mergelab.checkpoint.OutputFile;
import org.mergelab.data.Cue;
import org.mergelab.data.CueGallery;
import org.mergelab.data.Cues;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mergelab show-cues}: a picture of samples with each cue. */
@Command(
        name = "show-cues",
        mixinStandardHelpOptions = true,
        description = {
            "Draw a grid of training samples: without cue and with each cue (PNG).",
            "",
            "Example:  mergelab show-cues --dataset builtin --out cues.png"
        })
final class ShowCuesCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, paramLabel = "SPEC", description = "Dataset spec.")
    String dataset;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "PNG", description = "Output image.")
    Path out;

    @Option(names = "--cues", split = ",", paramLabel = "CUE",
            defaultValue = "color,noise,stripes,frame,color-conflict,noise-conflict,stripes-conflict,frame-conflict",
            description = "Cues to show, one column each (default: every cue kind but noise-blend, then their conflict"
                    + " variants: ${DEFAULT-VALUE}).")
    List<String> cues;

    @Option(names = "--samples", converter = OptionValues.AtLeastOne.class,
            paramLabel = "N", defaultValue = "8", description = "Rows (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--cue-seed", paramLabel = "S", defaultValue = "0", description = "Cue seed (default ${DEFAULT-VALUE}).")
    long cueSeed;

    @Override
    public Integer call() throws Exception {
        OutputFile target = OutputFile.claim(out, List.of(), CueGallery::madeByMergelab, "show-cues");
        ImageDataset ds = DatasetSpec.parse(dataset).train();
        List<Cue> list = new ArrayList<>();
        for (String c : cues) {
            list.add(Cues.byName(c, ds.numClasses(), cueSeed));
        }
        target.createParents();
        try {
            CueGallery.write(ds, list, samples, target.path());
        } catch (IOException | RuntimeException e) {
            target.removeCreatedParents();
            throw e;
        }
        System.out.println("wrote " + out);
        return 0;
    }
}
