package org.mergelab.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mergelab.report.RunReport;

/** Writes the plots and report.html of a run directory (see the report package). */
final class ReportHook {

    private ReportHook() {}

    /**
     * Writes DIR/plots/ and DIR/report.html after a run. A report that cannot be written is a warning
     * on standard error, not a failure of the run: its results are already on disk, and
     * {@code mergelab report DIR} rebuilds the report.
     *
     * @return the report path, or null when no report was written
     */
    static Path write(Path dir) {
        try {
            return RunReport.write(dir);
        } catch (IOException | RuntimeException e) {
            System.err.println("mergelab: warning: report not written: " + MergelabCommand.oneLine(e)
                    + " (retry with: mergelab report " + dir + ")");
            return null;
        }
    }
}
