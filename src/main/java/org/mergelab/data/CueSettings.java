package org.mergelab.data;

/**
 * Optional settings of one cue kind, as given under {@code cues:} in a config (YAML keys
 * {@code size}, {@code x}, {@code y}, {@code strength}); every absent value keeps the cue's default
 * (colour patch 4 x 4 at the top-left; noise and stripes patches 8 x 8 at the bottom-right and
 * bottom-left; checkerboard frame 2 px wide; noise blend strength 0.25).
 *
 * @param size side length in pixels of a patch cue; the width of the {@code frame} cue (1 to
 *     {@value CheckerFrameCue#MAX_WIDTH})
 * @param x left column of a patch cue (not for {@code frame} or {@code noise-blend})
 * @param y top row of a patch cue (not for {@code frame} or {@code noise-blend})
 * @param strength blend weight s of {@code noise-blend}
 */
public record CueSettings(Integer size, Integer x, Integer y, Double strength) {

    /** No setting: every default. */
    public static final CueSettings DEFAULTS = new CueSettings(null, null, null, null);

    /** Validates what is given. */
    public CueSettings {
        if (size != null && (size < 1 || size > ImageDataset.WIDTH)) {
            throw new IllegalArgumentException("cue size " + size + " is outside 1.." + ImageDataset.WIDTH);
        }
        if ((x == null) != (y == null)) {
            throw new IllegalArgumentException("cue position needs both x and y (got x=" + x + ", y=" + y + ")");
        }
    }

    boolean hasPosition() {
        return x != null;
    }
}
