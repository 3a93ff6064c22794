package org.mergelab.merge;

/**
 * Statistics comparing one tensor in two models, a and b (flattened, same length).
 *
 * @param tensorName the tensor compared
 * @param elements number of elements n
 * @param l2Distance |a − b|₂
 * @param cosineSimilarity a·b / (|a| |b|); 1 when both are all zeros, 0 when exactly one is
 * @param signAgreement fraction of elements with sign(a_j) = sign(b_j), over the elements where
 *     a_j or b_j is non-zero; 1 when there are none
 * @param fractionChanged fraction of elements with |a_j − b_j| &gt; {@code tolerance}
 * @param maxAbsDifference max_j |a_j − b_j|; 0 for an empty tensor
 * @param tolerance the absolute tolerance used for {@code fractionChanged}
 */
public record TensorDiff(
        String tensorName,
        int elements,
        double l2Distance,
        double cosineSimilarity,
        double signAgreement,
        double fractionChanged,
        double maxAbsDifference,
        double tolerance) {

    /** Default absolute tolerance for {@link #fractionChanged}: 1e-6. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    /** Compares {@code a} and {@code b} with {@link #DEFAULT_TOLERANCE}. */
    public static TensorDiff of(String tensorName, float[] a, float[] b) {
        return of(tensorName, a, b, DEFAULT_TOLERANCE);
    }

    /**
     * Compares {@code a} and {@code b}; {@code tolerance} is the absolute difference above which
     * an element counts as changed. Throws, naming the tensor and both lengths, if the lengths
     * differ.
     */
    public static TensorDiff of(String tensorName, float[] a, float[] b, double tolerance) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': cannot compare " + a.length
                    + " elements with " + b.length);
        }
        if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance = " + tolerance + " must be finite and >= 0");
        }
        int n = a.length;
        double squaredDistance = 0.0;
        double dot = 0.0;
        double normA = 0.0;
        double normB = 0.0;
        double maxAbs = 0.0;
        int nonZero = 0;
        int agreeing = 0;
        int changed = 0;
        for (int j = 0; j < n; j++) {
            double x = a[j];
            double y = b[j];
            double d = Math.abs(x - y);
            squaredDistance += d * d;
            dot += x * y;
            normA += x * x;
            normB += y * y;
            maxAbs = Math.max(maxAbs, d);
            if (x != 0.0 || y != 0.0) {
                nonZero++;
                if (Math.signum(x) == Math.signum(y)) {
                    agreeing++;
                }
            }
            if (d > tolerance) {
                changed++;
            }
        }
        double cosine;
        if (normA == 0.0 && normB == 0.0) {
            cosine = 1.0;
        } else if (normA == 0.0 || normB == 0.0) {
            cosine = 0.0;
        } else {
            cosine = Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(normA * normB)));
        }
        return new TensorDiff(tensorName, n, Math.sqrt(squaredDistance), cosine,
                nonZero == 0 ? 1.0 : (double) agreeing / nonZero,
                n == 0 ? 0.0 : (double) changed / n,
                maxAbs, tolerance);
    }
}
