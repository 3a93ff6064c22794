package org.mergelab.merge;

import java.util.Set;

/**
 * One way of merging the same tensor from several models into one. Implementations are
 * stateless and thread-safe; get them from {@link MergeMethods}.
 *
 * <p>Contract: {@link #merge} returns a new array of the inputs' length; it never writes to the
 * request's arrays; it computes in float64 and rounds once to float32; it throws
 * {@link IllegalArgumentException} naming the tensor when the request does not fit the method (a
 * missing or unexpected base, a parameter key the method does not take, too few or too many
 * models). Seeded methods derive the random stream of each tensor from the request's seed and
 * the tensor's name only, so a result never depends on thread scheduling or tensor order.
 */
public interface MergeMethod {

    /** The method's name, as in mergekit where mergekit has it (e.g. {@code ties}). */
    String name();

    /** The paper this method implements: authors, title, year, arXiv id. */
    String reference();

    /** True when {@link MergeRequest#base()} must be given; false when it may be absent. */
    boolean needsBaseModel();

    /**
     * True when {@link MergeRequest#base()} may be given: every method that needs one, and those whose base is
     * optional (multislerp, nuslerp: with a base they interpolate the task vectors θ_i − base, as mergekit).
     */
    default boolean acceptsBaseModel() {
        return needsBaseModel();
    }

    /**
     * The per-model data besides the weights that {@link MergeRequest#auxiliary()} carries: each model's diagonal
     * Fisher (fisher, a recipe's {@code fisher: PATH}), each model's input Gram matrix (regmean, {@code gram:
     * PATH}), or none.
     */
    AuxiliaryInput auxiliaryInput();

    /** True when this method reads an {@link #auxiliaryInput()} file per model. */
    default boolean needsAuxiliary() {
        return auxiliaryInput() != AuxiliaryInput.NONE;
    }

    /** The fewest models a request may hold (model_stock: 2, for an angle between task vectors). */
    int minimumModels();

    /**
     * True when a recipe's {@code base_model} is this method's first model rather than a base (slerp: the t = 0
     * end, as mergekit); false for every other method.
     */
    default boolean recipeBaseIsFirstModel() {
        return false;
    }

    /**
     * True when this method returns its one model's tensor unchanged (passthrough): a whole-checkpoint merge then
     * copies the tensor's bytes instead of converting them to float32 and back; false for every other method.
     */
    default boolean copiesItsOnlyModel() {
        return false;
    }

    /**
     * True when the result depends on {@link MergeRequest#seed()} (the random masks of dare_* and della*): merges
     * with different seeds differ, and a study averages over several.
     */
    default boolean drawsRandomNumbers() {
        return false;
    }

    /** Keys this method reads from each model's parameter map; any other key is rejected. */
    Set<String> perModelParameters();

    /** Keys this method reads from the global parameter map; any other key is rejected. */
    Set<String> globalParameters();

    /** Merges one tensor; see the class Javadoc for the contract. */
    float[] merge(MergeRequest request);
}
