package org.mergelab.eval;

/** Two-sided 95% quantiles of Student's t distribution, t(0.975; df). */
final class StudentT {

    // t(0.975; df) for df = 1..30, from standard tables (4.303 for df = 2, i.e. n = 3 seeds).
    private static final double[] TABLE = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
    };

    private StudentT() {}

    /** t(0.975; df); beyond 30 degrees of freedom the Cornish-Fisher expansion around 1.95996. */
    static double quantile975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom: " + df + " is below 1");
        }
        if (df <= TABLE.length) {
            return TABLE[df - 1];
        }
        double z = 1.959963984540054;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }
}
