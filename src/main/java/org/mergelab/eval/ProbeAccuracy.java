package org.mergelab.eval;

/**
 * One probe accuracy of one checkpoint (e.g. the pre-trained model of a seed).
 *
 * @param seed the run's seed
 * @param probe probe name
 * @param correct correctly classified images
 * @param total images
 */
public record ProbeAccuracy(long seed, String probe, long correct, long total) {

    /** correct / total. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct / (double) total;
    }
}
