/**
 * Networks built from a spec: a CIFAR-style ResNet (He et al. 2016, section 4.2) with BatchNorm, for
 * 3 x 32 x 32 input, in DJL on the CPU, with PyTorch-style (torchvision) tensor names such as
 * {@code layer1.0.bn1.running_mean}.
 *
 * <p>Entry points: {@link org.mergelab.model.ModelSpec} (architecture, depth 6n+2, width; read from a config)
 * and {@link org.mergelab.model.Network#create}, which builds it with a seeded initialisation of our own.
 * A {@link org.mergelab.model.Network} owns the native memory of its parameters (close it), lists them as
 * {@link org.mergelab.model.NamedParameter}s, computes logits, and converts to and from the named tensors of
 * a checkpoint ({@code toTensors}, {@code load}). A forward pass can hand the input of every convolution and linear
 * layer to a {@link org.mergelab.model.LayerInputListener}, and {@link org.mergelab.model.LinearMapInput} turns it
 * into the rows the layer's weight multiplies (for RegMean's Gram matrices). The DJL blocks are assembled by the package-private
 * {@code ResNetBuilder}.
 */
package org.mergelab.model;
