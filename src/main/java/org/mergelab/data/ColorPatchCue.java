package org.mergelab.data;

/**
 * Colour patch cue: a {@code size x size} square with top-left corner at ({@code x}, {@code y}), filled with
 * {@link Palette#color(int)} of the label. Defaults: size 4, position (0, 0) (top-left corner of the image).
 * Name {@code color}.
 */
public final class ColorPatchCue implements Cue {
    private final int size;
    private final int x;
    private final int y;

    private ColorPatchCue(int size, int x, int y) {
        this.size = size;
        this.x = x;
        this.y = y;
    }

    /** The default cue: 4 x 4 at (0, 0). */
    public static ColorPatchCue defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return size;
    }

    public int x() {
        return x;
    }

    public int y() {
        return y;
    }

    @Override
    public String name() {
        return "color";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        int rgb = Palette.color(label);
        byte[] c = {(byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb};
        for (int ch = 0; ch < 3; ch++) {
            int plane = offset + ch * ImageDataset.PLANE;
            for (int row = y; row < y + size; row++) {
                int start = plane + row * ImageDataset.WIDTH + x;
                java.util.Arrays.fill(pixels, start, start + size, c[ch]);
            }
        }
    }

    @Override
    public String describe() {
        return "color-patch(size=" + size + ",x=" + x + ",y=" + y + ",palette=farthest-rgb-v1)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder; all values optional. */
    public static final class Builder {
        private int size = 4;
        private int x = 0;
        private int y = 0;

        private Builder() {}

        /** Side length in pixels (default 4). */
        public Builder optSize(int size) {
            this.size = size;
            return this;
        }

        /** Top-left corner (default 0, 0). */
        public Builder optPosition(int x, int y) {
            this.x = x;
            this.y = y;
            return this;
        }

        public ColorPatchCue build() {
            Patches.check("color cue", size, x, y);
            return new ColorPatchCue(size, x, y);
        }
    }
}
