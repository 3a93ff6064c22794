package org.mergelab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.report.CompareReport;
import org.mergelab.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mergelab compare DIR1 DIR2 ... --out DIR}: the same curves of several runs in one report. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Overlay the curves of several run directories (e.g. two BN policies, datasets or architectures)",
            "in one report: each run in its own colour, the findings of every run in one table.",
            "Writes OUT/plots/ (PNG and SVG) and OUT/report.html.",
            "",
            "Example:  mergelab compare run-interpolate run-recalibrate --out compare-bn"
        })
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "DIR", description = "Run directories (each with summary.json).")
    List<Path> dirs;

    @Option(names = "--out", required = true, converter = OutputPathConverter.class, paramLabel = "DIR", description = "Where to write plots/ and report.html.")
    Path out;

    @Override
    public Integer call() throws Exception {
        OutputDirectory output = OutputDirectory.builder()
                .setPath(out)
                .setCommand("compare", OutputKind.COMPARE)
                .optInputs(dirs)
                .claim();
        output.create();
        Path report;
        try {
            report = CompareReport.write(dirs, output.path());
        } catch (IOException | RuntimeException e) {
            output.removeCreated();
            throw e;
        }
        System.out.println("Wrote " + report + " and plots under " + out.resolve(RunReport.PLOTS_DIR));
        return 0;
    }
}
