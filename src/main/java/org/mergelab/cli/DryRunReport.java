package org.mergelab.cli;

import java.io.PrintStream;
import java.util.List;
import org.mergelab.experiment.ExperimentRunner;

/** Prints a plan for {@code --dry-run}. */
final class DryRunReport {

    private DryRunReport() {}

    static void print(List<ExperimentRunner.PlannedUnit> plan, PrintStream out) {
        double pending = 0;
        int done = 0;
        for (ExperimentRunner.PlannedUnit p : plan) {
            out.printf("  %-6s %-48s %s%n", p.done() ? "done" : "todo", p.unit().name(),
                    p.done() ? "" : "~" + duration(p.estimatedSeconds()));
            if (p.done()) {
                done++;
            } else {
                pending += p.estimatedSeconds();
            }
        }
        out.printf("%d units: %d done, %d to run; estimated time %s (an estimate from the network size, 2 cores)%n",
                plan.size(), done, plan.size() - done, duration(pending));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 90) {
            return s + " s";
        }
        if (s < 5400) {
            return String.format("%d min %02d s", s / 60, s % 60);
        }
        return String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
