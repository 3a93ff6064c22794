package org.mergelab.eval;

/**
 * One probe accuracy of one merged model: a row of {@code results.csv}.
 *
 * @param seed the run's seed
 * @param protocol {@code task-specific}, {@code shared} or a user-defined protocol name
 * @param regime how theta2 was trained
 * @param bnPolicy what happened to BatchNorm statistics
 * @param alpha interpolation weight of theta2: theta(alpha) = (1 - alpha) theta1 + alpha theta2
 * @param probe {@code base}, {@code color}, {@code noise}, {@code color-conflict}, ...
 * @param correct correctly classified test images
 * @param total test images
 * @param theta1 checkpoint id of the first endpoint
 * @param theta2 checkpoint id of the second endpoint
 */
public record ResultRow(
        long seed,
        String protocol,
        Regime regime,
        BatchNormPolicy bnPolicy,
        double alpha,
        String probe,
        long correct,
        long total,
        String theta1,
        String theta2) {

    /** correct / total. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct / (double) total;
    }
}
