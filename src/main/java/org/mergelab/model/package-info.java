/**
 * Network architectures built from a spec: a CIFAR-style ResNet with BatchNorm, with PyTorch-style parameter names.
 */
package org.mergelab.model;
