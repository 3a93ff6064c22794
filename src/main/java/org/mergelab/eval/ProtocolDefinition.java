package org.mergelab.eval;

/**
 * A protocol: the cue of the first task (theta1, at alpha = 0) and of the second (theta2, at
 * alpha = 1). {@code task-specific} is (color, noise), {@code shared} is (color, color).
 *
 * @param name protocol name as it appears in results
 * @param firstCue cue of T1
 * @param secondCue cue of T2
 */
public record ProtocolDefinition(String name, String firstCue, String secondCue) {

    /** The task-specific protocol of PROTOCOL.md. */
    public static final ProtocolDefinition TASK_SPECIFIC = new ProtocolDefinition("task-specific", "color", "noise");

    /** The shared protocol of PROTOCOL.md. */
    public static final ProtocolDefinition SHARED = new ProtocolDefinition("shared", "color", "color");

    /**
     * Where cue {@code cue} was learned on this protocol's path: 0 for T1's cue (theta1 is always the
     * first cue's model, so a shared cue refers to 0), 1 for T2's, null when neither task carries it.
     */
    public Double referenceAlpha(String cue) {
        if (cue.equals(firstCue)) {
            return 0.0;
        }
        if (cue.equals(secondCue)) {
            return 1.0;
        }
        return null;
    }
}
