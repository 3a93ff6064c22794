package org.mergelab.data;

/**
 * Deterministic, well-separated RGB colours, one per class, for up to {@value #MAX_COLORS} classes.
 *
 * <p>Greedy farthest-point selection over the 16 x 16 x 16 RGB grid with levels {@code 0, 17, ..., 255},
 * starting from pure red (255, 0, 0); ties go to the first grid point in (r, g, b) order. Colour {@code k}
 * is the same for every class count, so the first {@code n} colours are the palette for {@code n} classes.
 * Minimum pairwise Euclidean RGB distance: 160 among the first 10 colours, 119 among 20, 54 among 100,
 * 38 among all 256 (checked in {@code PaletteTest}).
 */
public final class Palette {

    /** Number of colours available. */
    public static final int MAX_COLORS = 256;

    private static final int[] RGB = build();

    private Palette() {}

    /** Colour of class {@code label} as {@code 0xRRGGBB}. */
    public static int color(int label) {
        if (label < 0 || label >= MAX_COLORS) {
            throw new IllegalArgumentException("palette: label " + label + " outside [0, " + MAX_COLORS + ")");
        }
        return RGB[label];
    }

    /** Smallest Euclidean RGB distance between any two of the first {@code n} colours. */
    public static double minDistance(int n) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                best = Math.min(best, Math.sqrt(dist2(color(i), color(j))));
            }
        }
        return best;
    }

    static int dist2(int a, int b) {
        int dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF);
        int dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return dr * dr + dg * dg + db * db;
    }

    private static int[] build() {
        int levels = 16;
        int n = levels * levels * levels;
        int[] grid = new int[n];
        for (int i = 0; i < n; i++) {
            int r = 17 * (i / (levels * levels));
            int g = 17 * ((i / levels) % levels);
            int b = 17 * (i % levels);
            grid[i] = (r << 16) | (g << 8) | b;
        }
        int[] nearest = new int[n];
        java.util.Arrays.fill(nearest, Integer.MAX_VALUE);
        int[] out = new int[MAX_COLORS];
        int next = 0xFF0000;
        for (int k = 0; k < MAX_COLORS; k++) {
            out[k] = next;
            int bestIndex = -1;
            int bestDist = -1;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], dist2(grid[i], next));
                if (nearest[i] > bestDist) {
                    bestDist = nearest[i];
                    bestIndex = i;
                }
            }
            next = grid[bestIndex];
        }
        return out;
    }
}
