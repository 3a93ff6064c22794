package org.mergelab.data;

/**
 * A label-determined overlay drawn in place on one image (see PROTOCOL.md, "Knowledge made visible: cues").
 *
 * <p>{@link #apply} edits the 3 x 32 x 32 uint8 CHW image starting at {@code offset} in {@code pixels}
 * (layout as in {@link ImageDataset}). Implementations are immutable and thread-safe, and the result depends
 * only on the image, the label and the cue's own parameters (never on a clock or shared state).
 * Apply cues after augmentation, so a crop or flip never moves a cue.
 */
public interface Cue {

    /** Short name as used in configs and probes, e.g. {@code color}, {@code noise-conflict}. */
    String name();

    /** Draws the cue for {@code label} onto the image at {@code offset}. */
    void apply(byte[] pixels, int offset, int label);

    /**
     * A complete, stable description of every parameter (kind, size, position, seed, ...) for lineage and
     * data fingerprints; two cues with the same description draw identical pixels.
     */
    String describe();
}
