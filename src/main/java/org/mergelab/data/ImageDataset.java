package org.mergelab.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory image classification dataset: {@code N} images of shape 3 x 32 x 32 (CHW), uint8.
 *
 * <p>Layout: image {@code i} occupies {@code pixels[i*3072 .. i*3072+3071]}; within it the red plane
 * (1024 bytes, row-major, 32 rows of 32), then green, then blue. Bytes are unsigned: read them with
 * {@code pixels[k] & 0xFF}. {@code labels[i]} is in {@code [0, numClasses)}.
 *
 * <p>The arrays are shared, not copied (a dataset can be hundreds of megabytes): treat them as
 * read-only. Record equality is therefore identity of the arrays; compare contents with
 * {@link java.util.Arrays#equals(byte[], byte[])}.
 *
 * @param name        a short name identifying the source and part, e.g. {@code fashion-mnist/train}
 * @param numClasses  number of classes, at least 1
 * @param classNames  one name per class, {@code numClasses} entries
 * @param pixels      {@code N * 3072} bytes, CHW per image
 * @param labels      {@code N} labels
 */
public record ImageDataset(String name, int numClasses, List<String> classNames, byte[] pixels, int[] labels) {

    /** Image channels (RGB). */
    public static final int CHANNELS = 3;
    /** Image height in pixels. */
    public static final int HEIGHT = 32;
    /** Image width in pixels. */
    public static final int WIDTH = 32;
    /** Bytes in one channel plane: 32 * 32 = 1024. */
    public static final int PLANE = HEIGHT * WIDTH;
    /** Bytes per image: 3 * 32 * 32 = 3072. */
    public static final int IMAGE_BYTES = CHANNELS * PLANE;

    public ImageDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(classNames, "classNames of dataset " + name);
        Objects.requireNonNull(pixels, "pixels of dataset " + name);
        Objects.requireNonNull(labels, "labels of dataset " + name);
        if (numClasses < 1) {
            throw new IllegalArgumentException("dataset " + name + ": numClasses must be >= 1, got " + numClasses);
        }
        classNames = List.copyOf(classNames);
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException("dataset " + name + ": " + classNames.size()
                    + " class names for numClasses=" + numClasses);
        }
        if (pixels.length % IMAGE_BYTES != 0) {
            throw new IllegalArgumentException("dataset " + name + ": pixels.length=" + pixels.length
                    + " is not a multiple of " + IMAGE_BYTES + " (3x32x32)");
        }
        if (pixels.length / IMAGE_BYTES != labels.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + pixels.length / IMAGE_BYTES
                    + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("dataset " + name + ": label " + labels[i] + " of image " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
    }

    /** Number of images N. */
    public int size() {
        return labels.length;
    }

    /** Offset of image {@code i} in {@link #pixels()}: {@code i * 3072}. */
    public int imageOffset(int i) {
        Objects.checkIndex(i, labels.length);
        return i * IMAGE_BYTES;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** Number of images per class, an array of length {@code numClasses}. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /**
     * A new dataset holding copies of the rows {@code ids}, in that order (duplicates allowed).
     * The name is kept, so a fingerprint should record the ids, not the subset.
     *
     * @throws IndexOutOfBoundsException naming the id outside {@code [0, size())}
     */
    public ImageDataset subset(int[] ids) {
        byte[] px = new byte[Math.multiplyExact(ids.length, IMAGE_BYTES)];
        int[] lb = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            int id = ids[k];
            if (id < 0 || id >= labels.length) {
                throw new IndexOutOfBoundsException("dataset " + name + ": id " + id + " at position " + k
                        + " is outside [0, " + labels.length + ")");
            }
            System.arraycopy(pixels, id * IMAGE_BYTES, px, k * IMAGE_BYTES, IMAGE_BYTES);
            lb[k] = labels[id];
        }
        return new ImageDataset(name, numClasses, classNames, px, lb);
    }

    @Override
    public String toString() {
        return "ImageDataset[" + name + ", " + size() + " images, " + numClasses + " classes, counts="
                + (numClasses <= 20 ? Arrays.toString(classCounts()) : "...") + "]";
    }
}
