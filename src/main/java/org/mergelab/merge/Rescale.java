package org.mergelab.merge;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a sparsified task vector is rescaled after its mask is applied: the global parameter {@code rescale} of the
 * sparsifying task-vector methods. Carried in a request as its {@link #code()}; a recipe writes it as a boolean or
 * by name.
 *
 * <ul>
 *   <li>{@link #NONE} ({@code rescale: false}): kept entries keep their value.
 *   <li>{@link #L1} ({@code rescale: true} or {@code l1}): mergekit's rule since v0.1.0
 *       ({@code mergekit.sparsify.rescaled_masked_tensor} with the L1 norm): the masked vector τ' is multiplied by
 *       ‖τ‖₁ / ‖τ'‖₁, so that it keeps the L1 norm of the unmasked τ; when either norm is below 1e-7 the masked
 *       vector is left as it is.
 *   <li>{@link #INVERSE_DENSITY} ({@code rescale: inverse_density}, mergelab only): the DARE paper's rule (Yu et al.
 *       2023), kept entries multiplied by 1/density, so that E[τ'] = τ for the random mask; for della each kept
 *       entry is divided by its own keep probability (the DELLA paper's rule,
 *       {@link Sparsification#MAGNITUDE_SAMPLING}).
 * </ul>
 */
enum Rescale {
    NONE(0.0, "false"),
    L1(1.0, "l1"),
    INVERSE_DENSITY(2.0, "inverse_density");

    /** Norms below this are not rescaled (mergekit's {@code eps}). */
    static final double L1_EPSILON = 1e-7;

    private final double code;
    private final String yamlName;

    Rescale(double code, String yamlName) {
        this.code = code;
        this.yamlName = yamlName;
    }

    /** The value a request carries for {@code rescale}. */
    double code() {
        return code;
    }

    /** The recipe's name for this rule. */
    String yamlName() {
        return yamlName;
    }

    /** The rule a request's {@code rescale} value stands for; the value has passed {@link MergeParameter#check}. */
    static Rescale ofCode(double code) {
        return Arrays.stream(values()).filter(r -> r.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rescale rule has code " + code));
    }

    /** The rule a recipe names ({@code l1}, {@code inverse_density}, {@code false}); booleans are read elsewhere. */
    static Optional<Rescale> byYamlName(String name) {
        return Arrays.stream(values()).filter(r -> r.yamlName.equals(name)).findFirst();
    }

    /**
     * Rescales {@code masked} in place.
     *
     * @param l1Before Σ|τ_j| of the task vector before masking; read by {@link #L1} only
     * @param density the fraction kept; read by {@link #INVERSE_DENSITY} only
     */
    void apply(double[] masked, double l1Before, double density) {
        switch (this) {
            case NONE -> { }
            case L1 -> {
                if (Double.isNaN(l1Before)) {
                    throw new IllegalStateException("L1 rescaling needs the norm before masking");
                }
                double after = l1(masked);
                if (l1Before >= L1_EPSILON && after >= L1_EPSILON) {
                    double scale = l1Before / after;
                    for (int j = 0; j < masked.length; j++) {
                        masked[j] *= scale;
                    }
                }
            }
            case INVERSE_DENSITY -> {
                double scale = 1.0 / density;
                for (int j = 0; j < masked.length; j++) {
                    masked[j] *= scale;
                }
            }
        }
    }

    /** Σ|v_j|, in index order. */
    static double l1(double[] v) {
        double sum = 0.0;
        for (double x : v) {
            sum += Math.abs(x);
        }
        return sum;
    }
}
