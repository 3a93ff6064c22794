package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.SplittableRandom;

/**
 * Noise patch cue: one fixed binary black/white {@code size x size} pattern per class, grayscale (the same
 * value in all three channels), top-left corner at ({@code x}, {@code y}). Class {@code c}'s pattern comes
 * from a {@link SplittableRandom} seeded by {@code (seed, c)}. Defaults: size 8, bottom-right corner
 * (x = y = 32 - size), so it never overlaps the default {@link ColorPatchCue}. Name {@code noise}.
 */
public final class NoisePatchCue implements Cue {
    private final int numClasses;
    private final long seed;
    private final PatchPlacement placement;
    private final byte[][] patterns;

    private NoisePatchCue(int numClasses, long seed, PatchPlacement placement) {
        this.numClasses = numClasses;
        this.seed = seed;
        this.placement = placement;
        this.patterns = new byte[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            SplittableRandom r = new SplittableRandom(Seeds.derive(seed, c));
            byte[] p = new byte[placement.size() * placement.size()];
            for (int k = 0; k < p.length; k++) {
                p[k] = r.nextBoolean() ? (byte) 255 : 0;
            }
            patterns[c] = p;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The pattern of class {@code label}: {@code size*size} bytes, row-major, each 0 or 255 (a copy). */
    public byte[] pattern(int label) {
        CueLabels.check("noise cue", label, numClasses);
        return patterns[label].clone();
    }

    PatchPlacement placement() {
        return placement;
    }

    @Override
    public String name() {
        return "noise";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        CueLabels.check("noise cue", label, numClasses);
        placement.paintGray(pixels, offset, patterns[label]);
    }

    @Override
    public String describe() {
        return "noise-patch(" + placement.describe() + ",seed=" + seed + ",classes=" + numClasses + ",binary)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder: {@code setNumClasses}, {@code setSeed} required; size and position optional. */
    public static final class Builder {
        private int numClasses = -1;
        private Long seed;
        private int size = 8;
        private Integer x;
        private Integer y;

        private Builder() {}

        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** The cue seed from the config; each class's pattern derives from it. */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Side length (default 8). */
        public Builder optSize(int size) {
            this.size = size;
            return this;
        }

        /** Top-left corner (default bottom-right placement: 32 - size, 32 - size). */
        public Builder optPosition(int x, int y) {
            this.x = x;
            this.y = y;
            return this;
        }

        public NoisePatchCue build() {
            if (numClasses < 1) {
                throw new IllegalArgumentException("noise cue: setNumClasses must be >= 1, got " + numClasses);
            }
            if (seed == null) {
                throw new IllegalArgumentException("noise cue: setSeed is required (the cue seed from the config)");
            }
            return new NoisePatchCue(numClasses, seed,
                    PatchPlacement.of("noise cue", size, x, y, PatchPlacement.Corner.BOTTOM_RIGHT));
        }
    }
}
