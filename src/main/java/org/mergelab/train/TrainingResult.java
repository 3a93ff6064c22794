package org.mergelab.train;

/**
 * What a training run did.
 *
 * @param epochsRun epochs run in this process (fewer than configured after a resume)
 * @param resumedFromEpoch the epoch restored from an epoch checkpoint, 0 when started afresh
 * @param finalLoss mean training loss of the last epoch run (NaN if none ran)
 * @param finalTrainAccuracy training accuracy of the last epoch run (NaN if none ran)
 * @param imagesPerSecond whole-pipeline training throughput over the epochs run
 * @param wallSeconds wall time of this call
 */
public record TrainingResult(
        int epochsRun,
        int resumedFromEpoch,
        double finalLoss,
        double finalTrainAccuracy,
        double imagesPerSecond,
        double wallSeconds) {}
