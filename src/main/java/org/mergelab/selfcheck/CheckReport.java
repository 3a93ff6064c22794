package org.mergelab.selfcheck;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of a known-answer check: one comparison per tensor of every case.
 *
 * @param comparisons in the order they were made
 */
public record CheckReport(List<Comparison> comparisons) {

    /** Takes an immutable copy. */
    public CheckReport {
        comparisons = List.copyOf(comparisons);
    }

    /**
     * One tensor of one case, engine against reference.
     *
     * @param operation e.g. {@code conv2d} or {@code training_step}
     * @param shape the case's shape, e.g. {@code mb128_ic8oc16_ih32oh16_kh1sh2ph0}
     * @param tensor e.g. {@code grad_weight} or {@code grad:layer2.0.shortcut.0.weight}
     * @param expectedShape the reference's shape
     * @param actualShape the engine's shape
     * @param maxError {@code max |engine - reference|} (NaN when a value is not finite or the shapes differ)
     * @param maxReference {@code max |reference|}
     */
    public record Comparison(String operation, String shape, String tensor, long[] expectedShape, long[] actualShape,
            double maxError, double maxReference) {

        /** Same shape, finite, and {@code maxError <= TOLERANCE * maxReference}. */
        public boolean passed() {
            return Arrays.equals(expectedShape, actualShape) && Double.isFinite(maxError)
                    && maxError <= KnownAnswerCheck.TOLERANCE * maxReference;
        }

        /** One line for people. */
        public String describe() {
            String where = operation + " " + shape + " " + tensor;
            if (!Arrays.equals(expectedShape, actualShape)) {
                return where + ": shape " + Arrays.toString(actualShape) + ", expected "
                        + Arrays.toString(expectedShape);
            }
            return where + String.format(Locale.ROOT, ": max |error| %.3g, max |reference| %.3g (ratio %.2g, limit %.0e)%s",
                    maxError, maxReference, maxReference > 0 ? maxError / maxReference : maxError,
                    KnownAnswerCheck.TOLERANCE, passed() ? "" : ": WRONG");
        }
    }

    /** True when every comparison passed and there was at least one. */
    public boolean passed() {
        return !comparisons.isEmpty() && comparisons.stream().allMatch(Comparison::passed);
    }

    /** The first comparison that failed. */
    public Optional<Comparison> firstFailure() {
        return comparisons.stream().filter(c -> !c.passed()).findFirst();
    }

    /** Number of failed comparisons. */
    public long failures() {
        return comparisons.stream().filter(c -> !c.passed()).count();
    }

    /** The worst error ratio over all comparisons that had matching shapes. */
    public double worstRatio() {
        return comparisons.stream().filter(c -> Arrays.equals(c.expectedShape(), c.actualShape()))
                .mapToDouble(c -> c.maxReference() > 0 ? c.maxError() / c.maxReference() : c.maxError())
                .max().orElse(Double.NaN);
    }
}
