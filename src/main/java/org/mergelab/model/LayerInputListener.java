package org.mergelab.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives the input of every linear map (convolutions and the final linear layer) during one forward pass of
 * {@link Network#logits(NDArray, boolean, LayerInputListener)}, in the order the layers run.
 */
@FunctionalInterface
public interface LayerInputListener {

    /**
     * One layer's input.
     *
     * @param layer the layer's weight and geometry
     * @param input the layer's input as the layer receives it; valid during the call only
     */
    void accept(LinearMapInput layer, NDArray input);
}
