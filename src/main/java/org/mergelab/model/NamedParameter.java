package org.mergelab.model;

import ai.djl.nn.Parameter;

/**
 * One tensor of a network under its PyTorch-style name (e.g. {@code layer1.0.bn1.running_mean}).
 *
 * @param name the dotted name used in checkpoints
 * @param parameter the DJL parameter holding the array
 * @param trainable false for BatchNorm running statistics
 */
public record NamedParameter(String name, Parameter parameter, boolean trainable) {

    /** True for a BatchNorm running mean or variance. */
    public boolean isBatchNormStatistic() {
        return !trainable;
    }
}
