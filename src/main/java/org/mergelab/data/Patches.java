package org.mergelab.data;

/** Shared validation for patch cues. */
final class Patches {
    private Patches() {}

    static void check(String what, int size, int x, int y) {
        if (size < 1 || size > ImageDataset.WIDTH) {
            throw new IllegalArgumentException(what + ": size " + size + " must be in [1, 32]");
        }
        if (x < 0 || y < 0 || x + size > ImageDataset.WIDTH || y + size > ImageDataset.HEIGHT) {
            throw new IllegalArgumentException(what + ": patch of size " + size + " at (" + x + ", " + y
                    + ") does not fit in 32 x 32");
        }
    }

    static void checkLabel(String what, int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException(what + ": label " + label + " outside [0, " + numClasses + ")");
        }
    }

    /**
     * Draws a gray-scale {@code size} x {@code size} pattern (row-major bytes) into every channel of one
     * CHW image at column {@code x}, row {@code y}.
     */
    static void paintGray(byte[] pixels, int offset, byte[] pattern, int size, int x, int y) {
        for (int ch = 0; ch < ImageDataset.CHANNELS; ch++) {
            int plane = offset + ch * ImageDataset.PLANE;
            for (int row = 0; row < size; row++) {
                System.arraycopy(pattern, row * size, pixels, plane + (y + row) * ImageDataset.WIDTH + x, size);
            }
        }
    }
}
