package org.mergelab.data;

/**
 * Where a square patch cue sits on a 3 x 32 x 32 CHW image: {@code size} x {@code size} pixels with the
 * top-left corner at column {@code x}, row {@code y}. Shared by {@link ColorPatchCue},
 * {@link NoisePatchCue} and {@link StripesCue}; built through {@link #of}, which validates that the patch
 * fits.
 *
 * @param size side length in pixels, 1..32
 * @param x left column, 0..32 - size
 * @param y top row, 0..32 - size
 */
record PatchPlacement(int size, int x, int y) {

    /** The corner a patch takes when no position is given. */
    enum Corner {
        TOP_LEFT, BOTTOM_LEFT, BOTTOM_RIGHT
    }

    /**
     * The placement of a patch of side {@code size} at ({@code x}, {@code y}), or in {@code corner} when
     * both are null.
     *
     * @param cue the cue's name for error messages, e.g. {@code color cue}
     * @throws IllegalArgumentException naming the cue, the key and its value when the patch does not fit
     */
    static PatchPlacement of(String cue, int size, Integer x, Integer y, Corner corner) {
        if (size < 1 || size > ImageDataset.WIDTH) {
            throw new IllegalArgumentException(cue + ": size " + size + " must be in [1, " + ImageDataset.WIDTH + "]");
        }
        if ((x == null) != (y == null)) {
            throw new IllegalArgumentException(cue + ": a position needs both x and y (got x=" + x + ", y=" + y + ")");
        }
        int px = x != null ? x : switch (corner) {
            case TOP_LEFT, BOTTOM_LEFT -> 0;
            case BOTTOM_RIGHT -> ImageDataset.WIDTH - size;
        };
        int py = y != null ? y : switch (corner) {
            case TOP_LEFT -> 0;
            case BOTTOM_LEFT, BOTTOM_RIGHT -> ImageDataset.HEIGHT - size;
        };
        requireInside(cue, "x", px, size, ImageDataset.WIDTH, px, py);
        requireInside(cue, "y", py, size, ImageDataset.HEIGHT, px, py);
        return new PatchPlacement(size, px, py);
    }

    private static void requireInside(String cue, String key, int value, int size, int extent, int px, int py) {
        if (value < 0 || value + size > extent) {
            throw new IllegalArgumentException(cue + ": " + key + " " + value + " must be in [0, " + (extent - size)
                    + "] for size " + size + " (a patch at (" + px + ", " + py + ") does not fit in "
                    + ImageDataset.WIDTH + " x " + ImageDataset.HEIGHT + ")");
        }
    }

    /** Fills the patch of one image (at {@code offset}) with one value per channel ({@code rgb[ch]}). */
    void fill(byte[] pixels, int offset, byte[] rgb) {
        for (int ch = 0; ch < ImageDataset.CHANNELS; ch++) {
            for (int row = 0; row < size; row++) {
                int start = rowStart(offset, ch, row);
                java.util.Arrays.fill(pixels, start, start + size, rgb[ch]);
            }
        }
    }

    /** Copies a gray {@code size x size} pattern (row-major bytes) into every channel of the patch. */
    void paintGray(byte[] pixels, int offset, byte[] pattern) {
        for (int ch = 0; ch < ImageDataset.CHANNELS; ch++) {
            for (int row = 0; row < size; row++) {
                System.arraycopy(pattern, row * size, pixels, rowStart(offset, ch, row), size);
            }
        }
    }

    private int rowStart(int offset, int ch, int row) {
        return offset + ch * ImageDataset.PLANE + (y + row) * ImageDataset.WIDTH + x;
    }

    /** {@code size=S,x=X,y=Y}, the part of a cue's {@link Cue#describe()} that places it. */
    String describe() {
        return "size=" + size + ",x=" + x + ",y=" + y;
    }
}
