package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.List;

/**
 * Builds cues by their config names. All cues take their randomness from one cue seed (the config's
 * {@code cue_seed}):
 * <ul>
 *   <li>{@code color}: {@link ColorPatchCue} 4 x 4 at the top-left corner;</li>
 *   <li>{@code noise}: {@link NoisePatchCue} 8 x 8 binary, bottom-right, patterns seeded by (cueSeed, class);</li>
 *   <li>{@code noise-blend}: {@link NoiseBlendCue} s = 0.25, seeded by a seed derived from cueSeed
 *       (a strong distribution shift; see its Javadoc);</li>
 *   <li>{@code stripes}: {@link StripesCue} 8 x 8 binary stripes at the bottom-left corner, no seed needed;</li>
 *   <li>{@code frame}: {@link CheckerFrameCue} a 2 px binary checkerboard frame along all four edges, cell size,
 *       phase and polarity per class, their assignment to classes seeded by a seed derived from cueSeed;</li>
 *   <li>{@code color-conflict}, {@code noise-conflict}, {@code noise-blend-conflict},
 *       {@code stripes-conflict}, {@code frame-conflict}: the same cues through a {@link ConflictCue} with the
 *       derangement {@link #derangement(int, long)}, shared by every conflict probe of a run.</li>
 * </ul>
 */
public final class Cues {

    /** Names accepted by {@link #byName}. */
    public static final List<String> NAMES = List.of("color", "noise", "noise-blend", "stripes", "frame",
            "color-conflict", "noise-conflict", "noise-blend-conflict", "stripes-conflict", "frame-conflict");

    private Cues() {}

    /**
     * The cue called {@code name} with its defaults.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Cue byName(String name, int numClasses, long cueSeed) {
        return byName(name, numClasses, cueSeed, java.util.Map.of());
    }

    /**
     * The cue called {@code name} with the settings given for its kind (a conflict cue uses those of
     * the cue it wraps); absent settings keep the defaults.
     *
     * @param settings cue kind (e.g. {@code color}) to settings
     * @throws IllegalArgumentException for an unknown name, or settings that do not fit the cue
     */
    public static Cue byName(String name, int numClasses, long cueSeed, java.util.Map<String, CueSettings> settings) {
        for (String kind : settings.keySet()) {
            if (kind.endsWith("-conflict") || !NAMES.contains(kind)) {
                throw new IllegalArgumentException("cues: unknown cue kind '" + kind + "'; known: "
                        + String.join(", ", NAMES.stream().filter(n -> !n.endsWith("-conflict")).toList()));
            }
        }
        CueSettings s = settings.getOrDefault(name, CueSettings.DEFAULTS);
        return switch (name) {
            case "color" -> {
                ColorPatchCue.Builder b = ColorPatchCue.builder();
                patch(name, s, b::optSize, b::optPosition);
                yield b.build();
            }
            case "noise" -> {
                NoisePatchCue.Builder b = NoisePatchCue.builder().setNumClasses(numClasses).setSeed(cueSeed);
                patch(name, s, b::optSize, b::optPosition);
                yield b.build();
            }
            case "noise-blend" -> {
                if (s.size() != null || s.hasPosition()) {
                    throw new IllegalArgumentException("cues.noise-blend: covers the whole image; size, x and y do not apply");
                }
                NoiseBlendCue.Builder b = NoiseBlendCue.builder().setNumClasses(numClasses)
                        .setSeed(Seeds.derive(cueSeed, "noise-blend"));
                if (s.strength() != null) {
                    b.optStrength(s.strength().floatValue());
                }
                yield b.build();
            }
            case "stripes" -> {
                StripesCue.Builder b = StripesCue.builder().setNumClasses(numClasses);
                patch(name, s, b::optSize, b::optPosition);
                yield b.build();
            }
            case "frame" -> {
                if (s.hasPosition()) {
                    throw new IllegalArgumentException("cues.frame: the frame runs along all four edges; x and y do not "
                            + "apply (got x=" + s.x() + ", y=" + s.y() + ")");
                }
                if (s.strength() != null) {
                    throw new IllegalArgumentException("cues.frame: 'strength' applies to noise-blend only (got "
                            + s.strength() + ")");
                }
                CheckerFrameCue.Builder b = CheckerFrameCue.builder().setNumClasses(numClasses)
                        .setSeed(Seeds.derive(cueSeed, "frame"));
                if (s.size() != null) {
                    b.optWidth(s.size());
                }
                yield b.build();
            }
            default -> {
                if (name.endsWith("-conflict") && NAMES.contains(name)) {
                    String inner = name.substring(0, name.length() - "-conflict".length());
                    yield new ConflictCue(byName(inner, numClasses, cueSeed, settings), derangement(numClasses, cueSeed));
                }
                throw new IllegalArgumentException("unknown cue '" + name + "'; known cues: " + String.join(", ", NAMES));
            }
        };
    }

    /** Hands the size and position given in {@code s} to a patch cue's builder; strength does not apply. */
    private static void patch(String name, CueSettings s, java.util.function.IntFunction<?> size,
            java.util.function.BiFunction<Integer, Integer, ?> position) {
        if (s.strength() != null) {
            throw new IllegalArgumentException("cues." + name + ": 'strength' applies to noise-blend only");
        }
        if (s.size() != null) {
            size.apply(s.size());
        }
        if (s.hasPosition()) {
            position.apply(s.x(), s.y());
        }
    }

    /** The derangement used by every conflict cue built from {@code cueSeed}. */
    public static Derangement derangement(int numClasses, long cueSeed) {
        return Derangement.seeded(numClasses, Seeds.derive(cueSeed, "derangement"));
    }
}
