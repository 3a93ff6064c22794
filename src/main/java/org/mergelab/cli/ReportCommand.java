package org.mergelab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mergelab report DIR}: rebuilds the plots and report.html of a run directory. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild DIR/plots/ (PNG and SVG) and DIR/report.html from DIR/summary.json of a `run` or `demo`.",
            "report.html is one self-contained file (no script, nothing from the network): findings, plots,",
            "figures of merit with standard errors, config, checkpoint lineage, versions and wall time.",
            "",
            "Example:  mergelab report mergelab-demo"
        })
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "A run directory (with summary.json).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path report = RunReport.write(dir);
        System.out.println("Wrote " + report + " and plots under " + dir.resolve(RunReport.PLOTS_DIR));
        return 0;
    }
}
