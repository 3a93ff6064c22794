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
 *   <li>{@code color-conflict}, {@code noise-conflict}, {@code noise-blend-conflict},
 *       {@code stripes-conflict}: the same cues through a {@link ConflictCue} with the
 *       derangement {@link #derangement(int, long)}, shared by every conflict probe of a run.</li>
 * </ul>
 */
public final class Cues {

    /** Names accepted by {@link #byName}. */
    public static final List<String> NAMES = List.of("color", "noise", "noise-blend", "stripes", "color-conflict",
            "noise-conflict", "noise-blend-conflict", "stripes-conflict");

    private Cues() {}

    /**
     * The cue called {@code name} with its defaults.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Cue byName(String name, int numClasses, long cueSeed) {
        return switch (name) {
            case "color" -> ColorPatchCue.defaults();
            case "noise" -> NoisePatchCue.builder().setNumClasses(numClasses).setSeed(cueSeed).build();
            case "noise-blend" -> NoiseBlendCue.builder().setNumClasses(numClasses)
                    .setSeed(Seeds.derive(cueSeed, "noise-blend")).build();
            case "stripes" -> StripesCue.builder().setNumClasses(numClasses).build();
            default -> {
                if (name.endsWith("-conflict") && NAMES.contains(name)) {
                    String inner = name.substring(0, name.length() - "-conflict".length());
                    yield new ConflictCue(byName(inner, numClasses, cueSeed), derangement(numClasses, cueSeed));
                }
                throw new IllegalArgumentException("unknown cue '" + name + "'; known cues: " + String.join(", ", NAMES));
            }
        };
    }

    /** The derangement used by every conflict cue built from {@code cueSeed}. */
    public static Derangement derangement(int numClasses, long cueSeed) {
        return Derangement.seeded(numClasses, Seeds.derive(cueSeed, "derangement"));
    }
}
