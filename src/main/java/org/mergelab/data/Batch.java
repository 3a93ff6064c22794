package org.mergelab.data;

/**
 * One batch from a {@link BatchStream}.
 *
 * @param images {@code size * 3 * 32 * 32} floats, NCHW, normalised (see {@link Normalization})
 * @param labels {@code size} true labels (a conflict cue does not change them)
 * @param size   number of images B in this batch (the last batch of an epoch may be smaller)
 */
public record Batch(float[] images, int[] labels, int size) {
    public Batch {
        if (labels.length != size || images.length != size * ImageDataset.IMAGE_BYTES) {
            throw new IllegalArgumentException("batch of size " + size + " has " + labels.length + " labels and "
                    + images.length + " floats (expected " + size * ImageDataset.IMAGE_BYTES + ")");
        }
    }
}
