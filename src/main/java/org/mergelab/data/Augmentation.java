package org.mergelab.data;

import java.util.SplittableRandom;

/**
 * Training augmentation on 3 x 32 x 32 uint8 CHW images: a random crop of the image zero-padded by
 * {@code padding} pixels on each side (shift by dx, dy uniform in {@code [-padding, padding]}), then a
 * horizontal flip with probability {@code flipProbability}. Defaults: padding 4, flip 0.5 (the usual
 * CIFAR recipe). Apply it BEFORE a cue so a crop or flip never moves the cue; use none for evaluation.
 */
public final class Augmentation {
    private final int padding;
    private final double flipProbability;

    private Augmentation(int padding, double flipProbability) {
        this.padding = padding;
        this.flipProbability = flipProbability;
    }

    /** Padding 4, flip probability 0.5. */
    public static Augmentation standard() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int padding() {
        return padding;
    }

    public double flipProbability() {
        return flipProbability;
    }

    /**
     * Writes the augmented copy of the image at {@code src[srcOff..]} to {@code dst[dstOff..]} (distinct
     * arrays or non-overlapping ranges), drawing shift and flip from {@code rng}.
     */
    public void apply(byte[] src, int srcOff, byte[] dst, int dstOff, SplittableRandom rng) {
        int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        boolean flip = flipProbability > 0 && rng.nextDouble() < flipProbability;
        shiftFlip(src, srcOff, dst, dstOff, dx, dy, flip);
    }

    /**
     * {@code dst(c, y, x) = src(c, y + dy, x' + dx)} with {@code x' = flip ? 31 - x : x}, zero outside the
     * source image.
     */
    static void shiftFlip(byte[] src, int srcOff, byte[] dst, int dstOff, int dx, int dy, boolean flip) {
        final int w = ImageDataset.WIDTH;
        int xs = Math.max(0, -dx); // first crop column with a source pixel
        int xe = Math.min(w, w - dx); // one past the last
        for (int c = 0; c < ImageDataset.CHANNELS; c++) {
            int sp = srcOff + c * ImageDataset.PLANE;
            int dp = dstOff + c * ImageDataset.PLANE;
            for (int y = 0; y < w; y++) {
                int sy = y + dy;
                int drow = dp + y * w;
                if (sy < 0 || sy >= w || xs >= xe) {
                    java.util.Arrays.fill(dst, drow, drow + w, (byte) 0);
                    continue;
                }
                int srow = sp + sy * w;
                if (!flip) {
                    java.util.Arrays.fill(dst, drow, drow + xs, (byte) 0);
                    System.arraycopy(src, srow + xs + dx, dst, drow + xs, xe - xs);
                    java.util.Arrays.fill(dst, drow + xe, drow + w, (byte) 0);
                } else {
                    for (int x = 0; x < w; x++) {
                        int cx = w - 1 - x;
                        dst[drow + x] = (cx >= xs && cx < xe) ? src[srow + cx + dx] : 0;
                    }
                }
            }
        }
    }

    /** {@code augmentation(pad=4,flip=0.5)}. */
    public String describe() {
        return "augmentation(pad=" + padding + ",flip=" + flipProbability + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder; all values optional. */
    public static final class Builder {
        private int padding = 4;
        private double flipProbability = 0.5;

        private Builder() {}

        /** Zero padding on each side before the 32 x 32 crop (default 4). */
        public Builder optPadding(int padding) {
            this.padding = padding;
            return this;
        }

        /** Probability of a horizontal flip (default 0.5). */
        public Builder optFlipProbability(double p) {
            this.flipProbability = p;
            return this;
        }

        public Augmentation build() {
            if (padding < 0 || padding > 16) {
                throw new IllegalArgumentException("augmentation: padding " + padding + " must be in [0, 16]");
            }
            if (!(flipProbability >= 0 && flipProbability <= 1)) {
                throw new IllegalArgumentException("augmentation: flip probability " + flipProbability
                        + " must be in [0, 1]");
            }
            return new Augmentation(padding, flipProbability);
        }
    }
}
