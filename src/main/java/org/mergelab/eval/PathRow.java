package org.mergelab.eval;

/**
 * One probe of one interpolated model, with its loss: a row of an interpolation unit's result. Its accuracy part is
 * the {@link ResultRow} of {@code results.csv}; the summed cross-entropy feeds the loss barrier
 * ({@link PathBarriers}).
 *
 * @param seed the run's seed
 * @param protocol the protocol
 * @param regime how theta2 was trained
 * @param bnPolicy what happened to BatchNorm statistics
 * @param alpha interpolation weight of theta2
 * @param probe the probe
 * @param correct correctly classified test images
 * @param total test images
 * @param lossSum the summed cross-entropy over the images (natural log)
 * @param theta1 checkpoint id of the first endpoint
 * @param theta2 checkpoint id of the second endpoint
 */
public record PathRow(long seed, String protocol, Regime regime, BatchNormPolicy bnPolicy, double alpha, String probe,
        long correct, long total, double lossSum, String theta1, String theta2) {

    /** The row of {@code results.csv}. */
    public ResultRow resultRow() {
        return new ResultRow(seed, protocol, regime, bnPolicy, alpha, probe, correct, total, theta1, theta2);
    }

    /** The row as a point of its path. */
    public PathBarriers.PathPoint point() {
        return new PathBarriers.PathPoint(seed, probe, alpha, total == 0 ? Double.NaN : lossSum / total,
                total == 0 ? Double.NaN : correct / (double) total);
    }
}
