package org.mergelab.data;

/** The label check every class-indexed cue makes before drawing. */
final class CueLabels {
    private CueLabels() {}

    /** @throws IllegalArgumentException naming the cue and the label when it is outside [0, numClasses) */
    static void check(String cue, int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException(cue + ": label " + label + " outside [0, " + numClasses + ")");
        }
    }
}
