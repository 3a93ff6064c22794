package org.mergelab.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A permutation of {@code 0..n-1} with no fixed point ({@code map(c) != c} for every class), drawn
 * uniformly among derangements by rejection sampling of seeded Fisher-Yates shuffles. Used by
 * {@link ConflictCue}: class {@code c} is shown the cue of class {@code map(c)}.
 */
public final class Derangement {
    private final int[] map;
    private final long seed;

    private Derangement(int[] map, long seed) {
        this.map = map;
        this.seed = seed;
    }

    /**
     * A seeded derangement of {@code numClasses} classes.
     *
     * @throws IllegalArgumentException if {@code numClasses < 2} (no derangement exists)
     */
    public static Derangement seeded(int numClasses, long seed) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("derangement needs at least 2 classes, got " + numClasses);
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[numClasses];
        while (true) {
            for (int i = 0; i < numClasses; i++) {
                p[i] = i;
            }
            for (int i = numClasses - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = p[i];
                p[i] = p[j];
                p[j] = tmp;
            }
            boolean ok = true;
            for (int i = 0; i < numClasses && ok; i++) {
                ok = p[i] != i;
            }
            if (ok) {
                return new Derangement(p, seed);
            }
        }
    }

    /** The class whose cue class {@code label} is shown. */
    public int map(int label) {
        if (label < 0 || label >= map.length) {
            throw new IllegalArgumentException("derangement: label " + label + " outside [0, " + map.length + ")");
        }
        return map[label];
    }

    public int numClasses() {
        return map.length;
    }

    /** A copy of the mapping. */
    public int[] toArray() {
        return map.clone();
    }

    /** {@code derangement(n=..,seed=..)}. */
    public String describe() {
        return "derangement(n=" + map.length + ",seed=" + seed + ")";
    }

    @Override
    public String toString() {
        return describe() + Arrays.toString(map);
    }
}
