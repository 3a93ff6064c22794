package org.mergelab.merge;

/**
 * The per-model data, besides the weights, that a method reads: none, each model's diagonal Fisher
 * ({@code fisher}), or each model's input Gram matrices ({@code regmean}). A recipe names the file of model i
 * with the key {@link #recipeKey()} in that model's {@code parameters}; {@link MergeRequest#auxiliary()} carries
 * the tensor's slice of it.
 */
public enum AuxiliaryInput {

    /** The method reads weights only. */
    NONE(null, null),

    /**
     * Each model's diagonal Fisher (from {@code mergelab fisher}): a safetensors file with the model's float
     * tensors, same names and shapes. A request carries one array per model of the tensor's length.
     */
    FISHER_DIAGONAL("fisher", "a safetensors file of diagonal Fisher values with the model's tensor names and"
            + " shapes, from 'mergelab fisher'"),

    /**
     * Each model's input Gram matrices (from {@code mergelab gram}): a safetensors file holding, for every weight
     * of a linear map (a linear or convolution weight {@code [out, in, ...]}), its input's Gram matrix
     * {@code [d, d]} under the weight's name, d = in x kernel elements. Tensors without one (biases, norms) are
     * absent from the file. A request carries one d x d array per model, or none for a tensor without Grams.
     */
    INPUT_GRAM("gram", "a safetensors file of input Gram matrices [d, d] under the names of the weights they"
            + " belong to, from 'mergelab gram'");

    private final String recipeKey;
    private final String description;

    AuxiliaryInput(String recipeKey, String description) {
        this.recipeKey = recipeKey;
        this.description = description;
    }

    /** The per-model recipe key that names the file ({@code fisher}, {@code gram}); null for {@link #NONE}. */
    public String recipeKey() {
        return recipeKey;
    }

    /** What the file holds, for messages; null for {@link #NONE}. */
    public String description() {
        return description;
    }
}
