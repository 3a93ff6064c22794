package org.mergelab.lineage;

import java.util.Objects;
import java.util.StringJoiner;

/**
 * The task an artefact was trained or evaluated on.
 *
 * @param dataset dataset name, e.g. {@code "fashion-mnist"} (required)
 * @param split split or task slice, e.g. {@code "classes-0-4"} (nullable)
 * @param cue the cue of the cue protocol, e.g. {@code "color-patch"} (nullable)
 */
public record TaskRecord(String dataset, String split, String cue) {

    /** Requires a non-blank dataset. */
    public TaskRecord {
        Objects.requireNonNull(dataset, "task dataset");
        if (dataset.isBlank()) {
            throw new IllegalArgumentException("task dataset must not be blank");
        }
    }

    /** {@code dataset/split/cue}, leaving out absent parts. */
    public String describe() {
        StringJoiner j = new StringJoiner("/");
        j.add(dataset);
        if (split != null) {
            j.add(split);
        }
        if (cue != null) {
            j.add(cue);
        }
        return j.toString();
    }
}
