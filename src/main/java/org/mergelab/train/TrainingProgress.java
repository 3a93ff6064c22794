package org.mergelab.train;

/** Receives training progress; {@link #SILENT} ignores it. */
public interface TrainingProgress {

    /** Ignores everything. */
    TrainingProgress SILENT = new TrainingProgress() {};

    /** An epoch starts. */
    default void epochStarted(String task, int epoch, int epochs, int batches) {}

    /** A step finished; {@code meanLoss} is the epoch's running mean. */
    default void stepDone(int batch, double meanLoss, double imagesPerSecond) {}

    /** An epoch finished. */
    default void epochDone(int epoch, double meanLoss, double trainAccuracy, double imagesPerSecond) {}
}
