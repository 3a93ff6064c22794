package org.mergelab.cli;

import java.io.PrintStream;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mergelab.experiment.ExperimentProgress;
import org.mergelab.experiment.ExperimentUnit;
import org.mergelab.train.ConsoleProgress;

/**
 * Console progress of an experiment: one bar over all pending units, weighted by their estimated
 * cost, with an estimate of the time left; one line per finished unit.
 */
final class ExperimentConsole implements ExperimentProgress {

    private static final long SCALE = 1000;

    private final PrintStream lines;
    private final PrintStream barStream;
    private ProgressBar bar;
    private double unitStartCost;
    private double unitCost;
    private final java.util.Map<ExperimentUnit, Double> costs = new java.util.HashMap<>();
    private List<ExperimentUnit> pending;

    ExperimentConsole(PrintStream lines, PrintStream barStream) {
        this.lines = lines;
        this.barStream = barStream;
    }

    @Override
    public void planned(List<ExperimentUnit> all, List<ExperimentUnit> pendingUnits, double estimatedSeconds) {
        this.pending = pendingUnits;
        lines.printf("%d units planned, %d already done, %d to run (estimate %s)%n", all.size(), all.size() - pendingUnits.size(),
                pendingUnits.size(), DryRunReport.duration(estimatedSeconds));
        double total = 0;
        for (ExperimentUnit u : pendingUnits) {
            double cost = u.trainImages() * 3.5 + u.evalImages() + 1000;
            costs.put(u, cost);
            total += cost;
        }
        if (!pendingUnits.isEmpty() && ConsoleProgress.interactive()) {
            bar = new ProgressBarBuilder()
                    .setTaskName("units")
                    .setInitialMax((long) (total / SCALE) + 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(1000)
                    .continuousUpdate()
                    .setConsumer(new ConsoleProgressBarConsumer(barStream))
                    .build();
        }
    }

    @Override
    public void unitStarted(ExperimentUnit unit, int index, int count) {
        unitCost = costs.getOrDefault(unit, 0.0);
        if (bar != null) {
            bar.setExtraMessage(" " + unit.name());
        }
    }

    @Override
    public void unitProgress(ExperimentUnit unit, double fraction) {
        if (bar != null) {
            bar.stepTo((long) ((unitStartCost + unitCost * Math.min(1, fraction)) / SCALE));
        }
    }

    @Override
    public void unitFinished(ExperimentUnit unit, int index, int count, double seconds, String summary) {
        unitStartCost += unitCost;
        if (bar != null) {
            bar.stepTo((long) (unitStartCost / SCALE));
        }
        lines.printf("[%d/%d] %s (%.1f s): %s%n", index, count, unit.name(), seconds, summary);
        if (index == count && bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
            bar = null;
        }
    }

    void close() {
        if (bar != null) {
            bar.close();
        }
    }

    List<ExperimentUnit> pending() {
        return pending;
    }
}
