package org.mergelab.eval;

/**
 * One probe accuracy of the model under test after one step of a sequence (PROTOCOL.md, "Beyond two tasks"): a row of
 * {@code sequence.csv}. Step k's model is the strategy's merge of theta_1..theta_k ({@code none}: theta_k itself); it
 * is probed on base and on the cue of every task so far.
 *
 * @param seed the run's seed
 * @param sequence the sequence's name
 * @param regime the incremental chain or the parallel fan-out from theta0
 * @param bnPolicy what happened to BatchNorm statistics
 * @param strategy the strategy's name, with its parameters when it has any
 * @param step k, from 1
 * @param probe the probe ({@code base} or a cue)
 * @param correct correctly classified images
 * @param total images
 */
public record SequenceRow(long seed, String sequence, Regime regime, BatchNormPolicy bnPolicy, String strategy, int step,
        String probe, long correct, long total) {

    /** correct / total. */
    public double accuracy() {
        return total == 0 ? Double.NaN : correct / (double) total;
    }
}
