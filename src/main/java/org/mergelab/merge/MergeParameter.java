package org.mergelab.merge;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The catalogue of parameter keys any {@link MergeMethod} may take, with the range each value
 * must lie in. Keys follow mergekit's names so that recipes read the same. Which method takes
 * which key, and its default there, is in that method's {@link MethodSignature}; this enum only
 * says what a value may be. Flags ({@code normalize}, {@code normalize_fishers}) are carried as {@code 0.0} or
 * {@code 1.0}, the rescale rule as its {@link Rescale#code()}.
 */
enum MergeParameter {
    /** Per-model weight w_i; any finite value (negative weights subtract a task vector). */
    WEIGHT("weight", "a finite number"),
    /** Fraction of a task vector kept; in (0, 1]. */
    DENSITY("density", "in (0, 1]"),
    /** Breadcrumbs: fraction of largest-magnitude entries dropped; in [0, 1). */
    GAMMA("gamma", "in [0, 1)"),
    /** Scale of the merged task vector; any finite value. */
    LAMBDA("lambda", "a finite number"),
    /** Flag: divide by the sum of the weights. */
    NORMALIZE("normalize", "0 or 1 (false or true)"),
    /** Sparsification's rescale rule, a {@link Rescale#code()}: 0 none, 1 L1 (mergekit), 2 1/density (DARE paper). */
    RESCALE("rescale", "false, true (= l1) or inverse_density (codes 0, 1, 2)"),
    /** slerp: the interpolation factor; nearswap: the sameness threshold. In [0, 1]. */
    T("t", "in [0, 1]"),
    /** EMA decay; in [0, 1]. */
    BETA("beta", "in [0, 1]"),
    /** Small positive constant added to avoid division by zero; finite and &gt; 0. */
    EPSILON("epsilon", "finite and > 0"),
    /** Flag: Fisher merging divides each model's weight by the L2 norm of its whole-model Fisher. */
    NORMALIZE_FISHERS("normalize_fishers", "0 or 1 (false or true)"),
    /**
     * The L2 norm of one model's Fisher over every merged tensor, for {@code normalize_fishers}; computed from the
     * Fisher files by {@link StreamingMerge}, never written in a recipe. Finite and &gt; 0.
     */
    FISHER_NORM("fisher_norm", "finite and > 0"),
    /** SCE: fraction of entries kept, those whose task vectors vary most across the models; in [0, 1]. */
    SELECT_TOPK("select_topk", "in [0, 1]"),
    /** Flag: multislerp divides the weights by their sum (mergekit's {@code normalize_weights}). */
    NORMALIZE_WEIGHTS("normalize_weights", "0 or 1 (false or true)"),
    /** multislerp's small constant added to norms (mergekit's {@code eps}); finite and &gt; 0. */
    EPS("eps", "finite and > 0"),
    /** karcher: the most iterations of the mean on the sphere; an integer &ge; 0. */
    MAX_ITER("max_iter", "an integer >= 0"),
    /** karcher: the convergence tolerance (angles, norms and steps below it count as zero); finite and &ge; 0. */
    TOL("tol", "finite and >= 0"),
    /** Flag: nuslerp treats the whole tensor as one vector (else its rows or columns). */
    NUSLERP_FLATTEN("nuslerp_flatten", "0 or 1 (false or true)"),
    /** Flag: without nuslerp_flatten, nuslerp interpolates along the first dimension (else along the last). */
    NUSLERP_ROW_WISE("nuslerp_row_wise", "0 or 1 (false or true)"),
    /** regmean: the factor α on the off-diagonal entries of every Gram matrix (1 keeps them); in [0, 1]. */
    REDUCE_NON_DIAGONAL_RATIO("reduce_non_diagonal_ratio", "in [0, 1]");

    private final String key;
    private final String range;

    MergeParameter(String key, String range) {
        this.key = key;
        this.range = range;
    }

    String key() {
        return key;
    }

    /** True when {@code value} lies in this parameter's range. */
    boolean accepts(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        return switch (this) {
            case WEIGHT, LAMBDA -> true;
            case DENSITY -> value > 0.0 && value <= 1.0;
            case GAMMA -> value >= 0.0 && value < 1.0;
            case NORMALIZE, NORMALIZE_FISHERS, NORMALIZE_WEIGHTS, NUSLERP_FLATTEN, NUSLERP_ROW_WISE ->
                    value == 0.0 || value == 1.0;
            case RESCALE -> value == 0.0 || value == 1.0 || value == 2.0;
            case T, BETA, SELECT_TOPK, REDUCE_NON_DIAGONAL_RATIO -> value >= 0.0 && value <= 1.0;
            case EPSILON, FISHER_NORM, EPS -> value > 0.0;
            case MAX_ITER -> value >= 0.0 && value == Math.rint(value);
            case TOL -> value >= 0.0;
        };
    }

    /** What a value may be, in words. */
    String range() {
        return range;
    }

    /** {@code value} as a recipe writes it: {@code true}/{@code false} for flags, a rescale rule's name, else a number. */
    String format(double value) {
        return switch (this) {
            case NORMALIZE, NORMALIZE_FISHERS, NORMALIZE_WEIGHTS, NUSLERP_FLATTEN, NUSLERP_ROW_WISE ->
                    value == 0.0 ? "false" : "true";
            case RESCALE -> Rescale.ofCode(value) == Rescale.L1 ? "true" : Rescale.ofCode(value).yamlName();
            case MAX_ITER -> Long.toString((long) value);
            default -> BigDecimal.valueOf(value).stripTrailingZeros().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** The value a recipe's name stands for ({@code rescale: inverse_density}), or empty if it names none. */
    OptionalDouble valueNamed(String name) {
        if (this == RESCALE) {
            return Rescale.byYamlName(name).map(r -> OptionalDouble.of(r.code())).orElse(OptionalDouble.empty());
        }
        return OptionalDouble.empty();
    }

    /** Throws unless {@code value} is in range; the message names the key, the value and where. */
    void check(double value, String where) {
        if (!accepts(value)) {
            throw new IllegalArgumentException(
                    "parameter '" + key + "' = " + value + " " + where + " must be " + range);
        }
    }

    static Optional<MergeParameter> byKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
    }

    static String knownKeys() {
        return Arrays.stream(values()).map(MergeParameter::key).collect(Collectors.joining(", "));
    }
}
