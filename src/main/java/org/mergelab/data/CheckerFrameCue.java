package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Checkerboard frame cue: a thin border of {@code width} pixels along all four edges of the image, painted with a
 * binary black/white grayscale checkerboard whose cell size, phase and polarity encode the class. Unlike the patch cues it
 * sits in no single corner and carries its information in a spatial pattern spread around the whole image, not in
 * a colour or a local noise texture. Defaults: width 2, which on Fashion-MNIST (28 x 28 padded to 32 x 32) covers
 * exactly the black padding, so the garment itself is never covered. Name {@code frame}.
 *
 * <p>A frame pixel at column {@code x}, row {@code y} (those with {@code min(x, y, 31 - x, 31 - y) < width}) is
 * white (255) when {@code floor((x + phase) / cell) + floor((y + phase) / cell) + (inverted ? 1 : 0)} is even,
 * else black (0), in all three channels; pixels inside the frame are untouched.
 *
 * <p>Candidate patterns are enumerated in a fixed order: cell size 1, 2, 3, ... pixels; for each, phase
 * 0 .. cell - 1 (a diagonal shift by a whole cell gives the same board); for each, plain then inverted (the two
 * colours swapped); a candidate equal to an earlier one on the frame is skipped. The first {@code numClasses}
 * candidates are dealt to the classes by a permutation seeded from {@code seed} (the cue seed), so the set of
 * patterns depends only on the class count and the assignment on the cue seed. Ten classes use cell sizes 1 to 3;
 * a hundred classes, cell sizes up to 10.
 */
public final class CheckerFrameCue implements Cue {
    /** Widest frame allowed: a wider one would cover more than half of a 32 x 32 image. */
    public static final int MAX_WIDTH = 8;

    private final int numClasses;
    private final long seed;
    private final int width;
    /** Plane indices (row * 32 + column) of the frame's pixels, row-major. */
    private final int[] frame;
    /** Per class: cell size, phase and polarity. */
    private final int[] cells;
    private final int[] phases;
    private final boolean[] inverted;
    /** Per class: the value of each pixel of {@link #frame}, 0 or 255. */
    private final byte[][] patterns;

    private CheckerFrameCue(int numClasses, long seed, int width) {
        this.numClasses = numClasses;
        this.seed = seed;
        this.width = width;
        this.frame = framePixels(width);
        List<int[]> candidates = new ArrayList<>();
        List<byte[]> drawn = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int cell = 1; candidates.size() < numClasses && cell <= ImageDataset.WIDTH; cell++) {
            for (int phase = 0; phase < cell && candidates.size() < numClasses; phase++) {
                for (int inv = 0; inv < 2 && candidates.size() < numClasses; inv++) {
                    byte[] p = draw(frame, cell, phase, inv);
                    if (seen.add(Arrays.toString(p))) {
                        candidates.add(new int[] {cell, phase, inv});
                        drawn.add(p);
                    }
                }
            }
        }
        if (candidates.size() < numClasses) {
            throw new IllegalArgumentException("frame cue: a frame of width " + width + " has only " + candidates.size()
                    + " distinct checker patterns, fewer than numClasses=" + numClasses);
        }
        int[] order = Splits.all(numClasses);
        SplittableRandom r = new SplittableRandom(Seeds.derive(seed, "checker-frame"));
        for (int i = numClasses - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        this.cells = new int[numClasses];
        this.phases = new int[numClasses];
        this.inverted = new boolean[numClasses];
        this.patterns = new byte[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            cells[c] = candidates.get(order[c])[0];
            phases[c] = candidates.get(order[c])[1];
            inverted[c] = candidates.get(order[c])[2] == 1;
            patterns[c] = drawn.get(order[c]);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static int[] framePixels(int width) {
        int n = ImageDataset.WIDTH;
        int[] out = new int[n * n - (n - 2 * width) * (n - 2 * width)];
        int k = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                if (Math.min(Math.min(x, y), Math.min(n - 1 - x, n - 1 - y)) < width) {
                    out[k++] = y * n + x;
                }
            }
        }
        return out;
    }

    private static byte[] draw(int[] frame, int cell, int phase, int inv) {
        byte[] p = new byte[frame.length];
        for (int k = 0; k < frame.length; k++) {
            int x = frame[k] % ImageDataset.WIDTH;
            int y = frame[k] / ImageDataset.WIDTH;
            boolean white = ((x + phase) / cell + (y + phase) / cell + inv) % 2 == 0;
            p[k] = white ? (byte) 255 : 0;
        }
        return p;
    }

    /** Frame width in pixels. */
    public int width() {
        return width;
    }

    /** Checker cell size in pixels of class {@code label}'s pattern. */
    public int cellSize(int label) {
        CueLabels.check("frame cue", label, numClasses);
        return cells[label];
    }

    /** Phase in pixels (0 .. cell size - 1) of class {@code label}'s pattern. */
    public int phase(int label) {
        CueLabels.check("frame cue", label, numClasses);
        return phases[label];
    }

    /** True when class {@code label}'s pattern has the two colours swapped. */
    public boolean inverted(int label) {
        CueLabels.check("frame cue", label, numClasses);
        return inverted[label];
    }

    @Override
    public String name() {
        return "frame";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        CueLabels.check("frame cue", label, numClasses);
        byte[] p = patterns[label];
        for (int ch = 0; ch < ImageDataset.CHANNELS; ch++) {
            int plane = offset + ch * ImageDataset.PLANE;
            for (int k = 0; k < frame.length; k++) {
                pixels[plane + frame[k]] = p[k];
            }
        }
    }

    @Override
    public String describe() {
        return "checker-frame(width=" + width + ",seed=" + seed + ",classes=" + numClasses + ",binary,v1)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder: {@code setNumClasses}, {@code setSeed} required; width optional (default 2). */
    public static final class Builder {
        private int numClasses = -1;
        private Long seed;
        private int width = 2;

        private Builder() {}

        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** The cue seed from the config; the assignment of patterns to classes derives from it. */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Frame width in pixels, 1 .. {@value CheckerFrameCue#MAX_WIDTH} (default 2). */
        public Builder optWidth(int width) {
            this.width = width;
            return this;
        }

        public CheckerFrameCue build() {
            if (numClasses < 1) {
                throw new IllegalArgumentException("frame cue: setNumClasses must be >= 1, got " + numClasses);
            }
            if (seed == null) {
                throw new IllegalArgumentException("frame cue: setSeed is required (the cue seed from the config)");
            }
            if (width < 1 || width > MAX_WIDTH) {
                throw new IllegalArgumentException("frame cue: size " + width + " (the frame width) must be in [1, "
                        + MAX_WIDTH + "]");
            }
            return new CheckerFrameCue(numClasses, seed, width);
        }
    }
}
