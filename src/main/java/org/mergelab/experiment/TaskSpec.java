package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.mergelab.data.Split;
import org.mergelab.data.Splits;

/**
 * A training task: which part of the training set, with which cue.
 *
 * @param name identifies the task within a run (e.g. {@code pretrain}, {@code t1},
 *     {@code task-specific-t2}); it seeds the task's data order, so the incremental and parallel
 *     versions of one task see the same batches
 * @param split the part of the training set: all, or half A or B; {@code all} when {@code part} is given
 * @param cue a cue name, or {@code none}
 * @param part which of {@code parts} disjoint pieces of the training set ({@link Splits#piece}, 0-based), or null;
 *     a sequence's task k trains on piece k - 1. Piece 0 and 1 of 2 are the halves A and B, and are written so
 * @param parts into how many pieces the training set is cut, or null (with {@code part})
 */
public record TaskSpec(String name, Split split, String cue, @JsonInclude(JsonInclude.Include.NON_NULL) Integer part,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer parts) {

    /** Pre-training: the whole training set, no cue. */
    public static final TaskSpec PRETRAIN = new TaskSpec("pretrain", Split.ALL, "none");

    /**
     * Validates; missing keys default to name {@code task}, split {@code all}, cue {@code none}. Piece 0 or 1 of 2 is
     * the same task as split A or B, and becomes that split (so both name one unit of work and one checkpoint).
     */
    public TaskSpec {
        name = name == null ? "task" : name;
        if (name.isBlank()) {
            throw new IllegalArgumentException("task.name is empty");
        }
        cue = cue == null ? "none" : cue;
        if ((part == null) != (parts == null)) {
            throw new IllegalArgumentException("task: part and parts go together (part " + part + ", parts " + parts + ")");
        }
        if (part != null) {
            if (split != null && split != Split.ALL) {
                throw new IllegalArgumentException("task: give split or part, not both (split " + split.yamlName()
                        + ", part " + part + ")");
            }
            if (parts < 2 || part < 0 || part >= parts) {
                throw new IllegalArgumentException("task: part " + part + " of " + parts + " is not one of 0.." + (parts - 1)
                        + " with parts >= 2");
            }
            if (parts == 2) {
                split = part == 0 ? Split.A : Split.B;
                part = null;
                parts = null;
            }
        }
        split = split == null ? Split.ALL : split;
    }

    /** A task on all of the training set or one of its halves. */
    public TaskSpec(String name, Split split, String cue) {
        this(name, split, cue, null, null);
    }

    /** A task on piece {@code part} (0-based) of {@code parts} disjoint pieces of the training set. */
    public static TaskSpec onPiece(String name, int part, int parts, String cue) {
        return new TaskSpec(name, null, cue, part, parts);
    }

    /** True when images carry a cue. */
    public boolean hasCue() {
        return !cue.equals("none");
    }

    /** The training ids of this task, sorted ascending; {@code splitSeed} draws the halves or pieces. */
    public int[] ids(int trainSize, long splitSeed) {
        return part == null ? split.ids(trainSize, splitSeed) : Splits.piece(trainSize, splitSeed, part, parts);
    }

    /** The part of the training set as the lineage names it: {@code all}, {@code a}, {@code b} or {@code 3/5} (1-based). */
    public String splitName() {
        return part == null ? split.yamlName() : (part + 1) + "/" + parts;
    }
}
