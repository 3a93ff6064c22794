package org.mergelab.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stripes cue: a {@code size x size} binary black/white grayscale patch of stripes whose orientation, period
 * and phase encode the class, top-left corner at ({@code x}, {@code y}). Defaults: size 8 at the bottom-left
 * corner (0, 24), so it overlaps neither the default {@link ColorPatchCue} (top-left) nor the default
 * {@link NoisePatchCue} (bottom-right). Name {@code stripes}. Deterministic without a seed.
 *
 * <p>Class patterns are enumerated in a fixed order: orientation (horizontal, vertical, diagonal,
 * anti-diagonal) fastest, then phase 0 .. period-1, then period 2, 3, 4, ... pixels (white for the first
 * half of each period, rounded up); a candidate equal to an earlier pattern is skipped, so all classes' patterns are distinct.
 * With the default size, more than 100 classes fit.
 */
public final class StripesCue implements Cue {
    private final int numClasses;
    private final PatchPlacement placement;
    private final byte[][] patterns;

    private StripesCue(int numClasses, PatchPlacement placement) {
        this.numClasses = numClasses;
        this.placement = placement;
        this.patterns = enumerate(numClasses, placement.size());
    }

    public static Builder builder() {
        return new Builder();
    }

    private static byte[][] enumerate(int numClasses, int size) {
        List<byte[]> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int period = 2; period <= 2 * size && out.size() < numClasses; period++) {
            for (int phase = 0; phase < period && out.size() < numClasses; phase++) {
                for (int orientation = 0; orientation < 4 && out.size() < numClasses; orientation++) {
                    byte[] p = new byte[size * size];
                    int on = 0;
                    for (int r = 0; r < size; r++) {
                        for (int c = 0; c < size; c++) {
                            int w = switch (orientation) {
                                case 0 -> r;
                                case 1 -> c;
                                case 2 -> r + c;
                                default -> r - c + size;
                            };
                            boolean white = Math.floorMod(w + phase, period) < (period + 1) / 2;
                            p[r * size + c] = white ? (byte) 255 : 0;
                            on += white ? 1 : 0;
                        }
                    }
                    if (on > 0 && on < p.length && seen.add(java.util.Arrays.toString(p))) {
                        out.add(p);
                    }
                }
            }
        }
        if (out.size() < numClasses) {
            throw new IllegalArgumentException("stripes cue: a " + size + " x " + size + " patch has only " + out.size()
                    + " distinct stripe patterns, fewer than numClasses=" + numClasses);
        }
        return out.toArray(new byte[0][]);
    }

    /** The pattern of class {@code label}: {@code size*size} bytes, row-major, each 0 or 255 (a copy). */
    public byte[] pattern(int label) {
        CueLabels.check("stripes cue", label, numClasses);
        return patterns[label].clone();
    }

    PatchPlacement placement() {
        return placement;
    }

    @Override
    public String name() {
        return "stripes";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        CueLabels.check("stripes cue", label, numClasses);
        placement.paintGray(pixels, offset, patterns[label]);
    }

    @Override
    public String describe() {
        return "stripes-patch(" + placement.describe() + ",classes=" + numClasses + ",v1)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder: {@code setNumClasses} required; size and position optional. */
    public static final class Builder {
        private int numClasses = -1;
        private int size = 8;
        private Integer x;
        private Integer y;

        private Builder() {}

        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Side length (default 8). */
        public Builder optSize(int size) {
            this.size = size;
            return this;
        }

        /** Top-left corner (default bottom-left placement: 0, 32 - size). */
        public Builder optPosition(int x, int y) {
            this.x = x;
            this.y = y;
            return this;
        }

        public StripesCue build() {
            if (numClasses < 1) {
                throw new IllegalArgumentException("stripes cue: setNumClasses must be >= 1, got " + numClasses);
            }
            return new StripesCue(numClasses, PatchPlacement.of("stripes cue", size, x, y,
                    PatchPlacement.Corner.BOTTOM_LEFT));
        }
    }
}
