package org.mergelab.experiment;

import org.mergelab.data.Split;

/**
 * A training task: which part of the training set, with which cue.
 *
 * @param name identifies the task within a run (e.g. {@code pretrain}, {@code t1},
 *     {@code task-specific-t2}); it seeds the task's data order, so the incremental and parallel
 *     versions of one task see the same batches
 * @param split the part of the training set
 * @param cue a cue name, or {@code none}
 */
public record TaskSpec(String name, Split split, String cue) {

    /** Pre-training: the whole training set, no cue. */
    public static final TaskSpec PRETRAIN = new TaskSpec("pretrain", Split.ALL, "none");

    /** Validates; missing keys default to name {@code task}, split {@code all}, cue {@code none}. */
    public TaskSpec {
        name = name == null ? "task" : name;
        split = split == null ? Split.ALL : split;
        if (name.isBlank()) {
            throw new IllegalArgumentException("task.name is empty");
        }
        cue = cue == null ? "none" : cue;
    }

    /** True when images carry a cue. */
    public boolean hasCue() {
        return !cue.equals("none");
    }
}
