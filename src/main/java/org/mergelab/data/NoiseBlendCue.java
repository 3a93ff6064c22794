package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.SplittableRandom;

/**
 * Whole-image noise blend: {@code x' = (1 - s) x + s n_label}, where {@code n_label} is a fixed grayscale
 * 32 x 32 image of uniform values 0..255 per class, seeded by {@code (seed, class)}, and {@code s} the
 * strength (default 0.25). Name {@code noise-blend}.
 *
 * <p><b>Warning:</b> this is a strong distribution shift, not a small cue. In a reference run on
 * Fashion-MNIST (s = 0.25) a model trained on it kept about 15% base accuracy, so every merge toward it
 * collapsed and the protocol measured the shift instead of the cue (PROTOCOL.md). Use it only on purpose;
 * {@link NoisePatchCue} is the default noise cue.
 */
public final class NoiseBlendCue implements Cue {
    private final int numClasses;
    private final long seed;
    private final float strength;
    /** Per class, per pixel: round(s * n * 256), added to (1 - s) * x scaled by 256. */
    private final int[][] scaledNoise;
    private final int keep;

    private NoiseBlendCue(int numClasses, long seed, float strength) {
        this.numClasses = numClasses;
        this.seed = seed;
        this.strength = strength;
        this.keep = Math.round((1 - strength) * 256);
        this.scaledNoise = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            SplittableRandom r = new SplittableRandom(Seeds.derive(seed, c));
            int[] n = new int[ImageDataset.PLANE];
            for (int p = 0; p < n.length; p++) {
                n[p] = Math.round(strength * r.nextInt(256) * 256);
            }
            scaledNoise[c] = n;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public float strength() {
        return strength;
    }

    @Override
    public String name() {
        return "noise-blend";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        CueLabels.check("noise-blend cue", label, numClasses);
        int[] n = scaledNoise[label];
        for (int ch = 0; ch < 3; ch++) {
            int plane = offset + ch * ImageDataset.PLANE;
            for (int p = 0; p < ImageDataset.PLANE; p++) {
                int v = ((pixels[plane + p] & 0xFF) * keep + n[p] + 128) >> 8;
                pixels[plane + p] = (byte) Math.min(255, v);
            }
        }
    }

    @Override
    public String describe() {
        return "noise-blend(strength=" + strength + ",seed=" + seed + ",classes=" + numClasses + ",uniform-gray)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder: {@code setNumClasses}, {@code setSeed} required; strength optional (default 0.25). */
    public static final class Builder {
        private int numClasses = -1;
        private Long seed;
        private float strength = 0.25f;

        private Builder() {}

        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Blend strength s in (0, 1] (default 0.25). */
        public Builder optStrength(float strength) {
            this.strength = strength;
            return this;
        }

        public NoiseBlendCue build() {
            if (numClasses < 1) {
                throw new IllegalArgumentException("noise-blend cue: setNumClasses must be >= 1, got " + numClasses);
            }
            if (seed == null) {
                throw new IllegalArgumentException("noise-blend cue: setSeed is required (the cue seed from the config)");
            }
            if (!(strength > 0f && strength <= 1f)) {
                throw new IllegalArgumentException("noise-blend cue: strength " + strength + " must be in (0, 1]");
            }
            return new NoiseBlendCue(numClasses, seed, strength);
        }
    }
}
