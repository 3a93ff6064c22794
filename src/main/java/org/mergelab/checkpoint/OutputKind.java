package org.mergelab.checkpoint;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a mergelab output directory holds, as its marker ({@value OutputDirectory#MARKER_FILE}) records it. A
 * command writes only into a new or empty directory or one whose marker names its own kind.
 */
public enum OutputKind {
    /** A merged model ({@code mergelab merge}): staged beside the target and replaced as a whole. */
    MERGE(true),
    /** A cue-protocol experiment ({@code mergelab run}, {@code mergelab demo}): resumed in place, unit by unit. */
    EXPERIMENT(false),
    /** One trained task ({@code mergelab train}): resumed in place from its last complete epoch. */
    TRAIN(false),
    /** A comparison report ({@code mergelab compare}): plots and report.html, rewritten in place. */
    COMPARE(false);

    private final boolean replacedWhole;

    OutputKind(boolean replacedWhole) {
        this.replacedWhole = replacedWhole;
    }

    /** True when the command replaces the whole directory (so even an empty target is moved, not written into). */
    public boolean replacedWhole() {
        return replacedWhole;
    }

    /** The lower-case name in the marker file. */
    @JsonValue
    public String markerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
