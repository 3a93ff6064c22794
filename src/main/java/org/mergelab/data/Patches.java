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
}
