package org.mergelab.data;

import java.util.Arrays;

/**
 * Per-channel normalisation of uint8 pixels to float: {@code (x / 255 - mean[c]) / std[c]}.
 * Implemented by a 256-entry lookup table per channel, so converting an image costs one load per pixel.
 */
public final class Normalization {
    private final float[] mean;
    private final float[] std;
    private final float[][] table;

    private Normalization(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
        this.table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (float) ((v / 255.0 - mean[c]) / std[c]);
            }
        }
    }

    /**
     * Given statistics in the [0, 1] scale, three values each.
     *
     * @throws IllegalArgumentException for a wrong length or a std that is not positive and finite
     */
    public static Normalization of(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("normalization: need 3 means and 3 stds, got " + Arrays.toString(mean)
                    + " and " + Arrays.toString(std));
        }
        for (int c = 0; c < 3; c++) {
            if (!(std[c] > 0f) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalization: channel " + c + " has mean " + mean[c] + ", std "
                        + std[c] + " (std must be positive and finite)");
            }
        }
        return new Normalization(mean.clone(), std.clone());
    }

    /** Mean 0, std 1: plain {@code x / 255}. */
    public static Normalization unit() {
        return of(new float[] {0, 0, 0}, new float[] {1, 1, 1});
    }

    /** Per-channel mean and (population) std over all pixels of all images of {@code ds}. */
    public static Normalization fromDataset(ImageDataset ds) {
        return fromDataset(ds, Splits.all(ds.size()));
    }

    /** Per-channel mean and (population) std over the images {@code ids} of {@code ds}, computed exactly. */
    public static Normalization fromDataset(ImageDataset ds, int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("normalization: no images to compute statistics of " + ds.name());
        }
        long[] sum = new long[3];
        long[] sq = new long[3];
        byte[] px = ds.pixels();
        for (int id : ids) {
            int off = ds.imageOffset(id);
            for (int c = 0; c < 3; c++) {
                long s = 0;
                long q = 0;
                int base = off + c * ImageDataset.PLANE;
                for (int p = 0; p < ImageDataset.PLANE; p++) {
                    int v = px[base + p] & 0xFF;
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                sq[c] += q;
            }
        }
        double n = (double) ids.length * ImageDataset.PLANE;
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / n;
            double var = Math.max(0, sq[c] / n - m * m);
            mean[c] = (float) (m / 255.0);
            std[c] = (float) (Math.sqrt(var) / 255.0);
            if (std[c] == 0f) {
                throw new IllegalArgumentException("normalization: channel " + c + " of " + ds.name()
                        + " is constant (" + m + "), std 0");
            }
        }
        return new Normalization(mean, std);
    }

    /** A copy of the three means ([0, 1] scale). */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the three standard deviations ([0, 1] scale). */
    public float[] std() {
        return std.clone();
    }

    /** Converts one CHW uint8 image at {@code src[srcOff..]} into 3072 floats at {@code dst[dstOff..]}. */
    public void apply(byte[] src, int srcOff, float[] dst, int dstOff) {
        for (int c = 0; c < 3; c++) {
            float[] t = table[c];
            int s = srcOff + c * ImageDataset.PLANE;
            int d = dstOff + c * ImageDataset.PLANE;
            for (int p = 0; p < ImageDataset.PLANE; p++) {
                dst[d + p] = t[src[s + p] & 0xFF];
            }
        }
    }

    /** {@code normalization(mean=[..],std=[..])}. */
    public String describe() {
        return "normalization(mean=" + Arrays.toString(mean) + ",std=" + Arrays.toString(std) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
