package org.mergelab.data;

/**
 * Colour patch cue: a {@code size x size} square with top-left corner at ({@code x}, {@code y}), filled with
 * {@link Palette#color(int)} of the label. Defaults: size 4, position (0, 0) (top-left corner of the image).
 * Name {@code color}.
 */
public final class ColorPatchCue implements Cue {
    private final PatchPlacement placement;

    private ColorPatchCue(PatchPlacement placement) {
        this.placement = placement;
    }

    /** The default cue: 4 x 4 at (0, 0). */
    public static ColorPatchCue defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    PatchPlacement placement() {
        return placement;
    }

    @Override
    public String name() {
        return "color";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        int rgb = Palette.color(label);
        placement.fill(pixels, offset, new byte[] {(byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb});
    }

    @Override
    public String describe() {
        return "color-patch(" + placement.describe() + ",palette=farthest-rgb-v1)";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder; all values optional. */
    public static final class Builder {
        private int size = 4;
        private Integer x;
        private Integer y;

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
            return new ColorPatchCue(PatchPlacement.of("color cue", size, x, y, PatchPlacement.Corner.TOP_LEFT));
        }
    }
}
