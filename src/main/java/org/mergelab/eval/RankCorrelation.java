package org.mergelab.eval;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Spearman's rank correlation of paired values (PROTOCOL.md, "weight forensics": how well a predicted retention ranks
 * the measured one): the Pearson correlation of the ranks, tied values sharing their average rank. A pair whose
 * either value is undefined (NaN) is left out. Ranks and correlation are Apache Commons Math's.
 *
 * @param rho the correlation in [−1, 1]; NaN (undefined) with fewer than 2 pairs or when every defined value of one
 *     side is equal
 * @param n the number of pairs used
 */
public record RankCorrelation(double rho, int n) {

    /**
     * Spearman's ρ of {@code x} and {@code y}, pair by pair.
     *
     * @throws IllegalArgumentException when the lengths differ or a value is infinite
     */
    public static RankCorrelation spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("rank correlation of " + x.length + " values with " + y.length);
        }
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isInfinite(x[i]) || Double.isInfinite(y[i])) {
                throw new IllegalArgumentException("pair " + i + " holds an infinite value: " + x[i] + ", " + y[i]);
            }
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                n++;
            }
        }
        double[] xs = new double[n];
        double[] ys = new double[n];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                xs[k] = x[i];
                ys[k] = y[i];
                k++;
            }
        }
        if (n < 2) {
            return new RankCorrelation(Double.NaN, n);
        }
        NaturalRanking ranking = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE);
        double rho = new PearsonsCorrelation().correlation(ranking.rank(xs), ranking.rank(ys));
        return new RankCorrelation(rho, n);
    }
}
