package org.mergelab.checkpoint;

import java.util.Objects;
import org.mergelab.lineage.Lineage;

/**
 * Weights by name plus the lineage that says what made them; stored by {@link CheckpointStore}.
 *
 * @param tensors the weights
 * @param lineage what made them; its checkpoint id, once set, equals {@code CheckpointId.of(tensors)}
 */
public record Checkpoint(NamedTensors tensors, Lineage lineage) {

    /** Requires both parts. */
    public Checkpoint {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(lineage, "lineage");
    }

    /** The content id of the tensors (computed, see {@link CheckpointId#of}). */
    public String id() {
        return CheckpointId.of(tensors);
    }
}
