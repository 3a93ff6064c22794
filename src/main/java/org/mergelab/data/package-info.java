/**
 * Datasets, seeded splits, cues drawn on images, augmentation and batching: everything between files on
 * disk and float batches, in pure Java (no tensors here; {@code model} and {@code train} turn batches into
 * tensors).
 *
 * <p>Images are 3 x 32 x 32, uint8, CHW ({@link org.mergelab.data.ImageDataset}). Sources:
 * {@link org.mergelab.data.BuiltinDataset} (procedural, 24 shape classes, no files),
 * {@link org.mergelab.data.FashionMnist} (gzipped IDX, padded 28 to 32, gray replicated to RGB) and
 * {@link org.mergelab.data.CifarDataset} (CIFAR-10/100 binary) and {@link org.mergelab.data.FolderDataset} (users'
 * PNG/JPEG images, one directory per class, area-averaged to 32 x 32), all named by one config string through
 * {@link org.mergelab.data.DatasetSpec}.
 *
 * <p>Cues (PROTOCOL.md "Knowledge made visible: cues") implement {@link org.mergelab.data.Cue}:
 * {@link org.mergelab.data.ColorPatchCue}, {@link org.mergelab.data.NoisePatchCue} and
 * {@link org.mergelab.data.StripesCue} (square patches placed by one {@code PatchPlacement}),
 * {@link org.mergelab.data.CheckerFrameCue} (a binary checkerboard frame along all four edges: a pattern spread
 * around the image, not a patch), {@link org.mergelab.data.NoiseBlendCue} (whole image) and
 * {@link org.mergelab.data.ConflictCue} (with a {@link org.mergelab.data.Derangement});
 * {@link org.mergelab.data.Cues#byName} builds them from config names ({@code color}, {@code noise},
 * {@code stripes}, {@code frame}, {@code noise-blend}, each with a {@code -conflict} variant) and the settings of
 * {@link org.mergelab.data.CueSettings}. {@link org.mergelab.data.Split} names a task's training images ({@code all}, {@code a}, {@code b}),
 * {@link org.mergelab.data.Splits} gives the disjoint halves behind them and the probe subset.
 *
 * <p>{@link org.mergelab.data.BatchStream} serves one epoch at a time: shuffle, then per sample
 * {@link org.mergelab.data.Augmentation} (crop + flip), then the cue (so augmentation never moves a cue),
 * then {@link org.mergelab.data.Normalization} to NCHW floats. Every random draw derives from a seed
 * (dataset seed and image index, run seed and epoch and position, cue seed and class), never from the clock
 * or the thread schedule. {@link org.mergelab.data.DataFingerprint} hashes what a model was trained on;
 * {@link org.mergelab.data.CueGallery} draws the pictures in {@code docs/}.
 */
package org.mergelab.data;
