package org.mergelab.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per epoch on the console, with the running loss and images/s. */
public final class ConsoleProgress implements TrainingProgress {

    private final PrintStream out;
    private ProgressBar bar;
    private String task = "";

    /** Progress on {@code out} (usually standard error). */
    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    /** True when standard error is a terminal: bars are drawn only then (a log file gets the lines alone). */
    public static boolean interactive() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void epochStarted(String taskName, int epoch, int epochs, int batches) {
        this.task = taskName;
        if (!interactive()) {
            return;
        }
        bar = new ProgressBarBuilder()
                .setTaskName(taskName + " epoch " + (epoch + 1) + "/" + epochs)
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .continuousUpdate()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
                .build();
    }

    @Override
    public void stepDone(int batch, double meanLoss, double imagesPerSecond) {
        if (bar != null) {
            bar.stepTo(batch + 1L);
            bar.setExtraMessage(String.format(" loss %.4f, %.0f img/s", meanLoss, imagesPerSecond));
        }
    }

    @Override
    public void epochDone(int epoch, double meanLoss, double trainAccuracy, double imagesPerSecond) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.printf("%s epoch %d: loss %.4f, train accuracy %.4f, %.0f img/s%n",
                task, epoch + 1, meanLoss, trainAccuracy, imagesPerSecond);
    }
}
