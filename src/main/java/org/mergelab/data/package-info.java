/**
 * Datasets (built-in procedural, Fashion-MNIST IDX, CIFAR binary), seeded splits, cues drawn on images, augmentation and batching.
 */
package org.mergelab.data;
