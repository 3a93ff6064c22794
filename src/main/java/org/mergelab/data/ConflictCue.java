package org.mergelab.data;

import java.util.Objects;

/**
 * Conflict probe: draws the wrapped cue of class {@code derangement.map(label)} instead of {@code label}, so
 * the cue points to a wrong class. Accuracy is still measured against the true label. Name: the inner cue's
 * name plus {@code -conflict} (e.g. {@code color-conflict}).
 */
public final class ConflictCue implements Cue {
    private final Cue inner;
    private final Derangement derangement;

    public ConflictCue(Cue inner, Derangement derangement) {
        this.inner = Objects.requireNonNull(inner, "inner cue");
        this.derangement = Objects.requireNonNull(derangement, "derangement");
    }

    public Cue inner() {
        return inner;
    }

    public Derangement derangement() {
        return derangement;
    }

    @Override
    public String name() {
        return inner.name() + "-conflict";
    }

    @Override
    public void apply(byte[] pixels, int offset, int label) {
        inner.apply(pixels, offset, derangement.map(label));
    }

    @Override
    public String describe() {
        return "conflict(" + inner.describe() + "," + derangement.describe() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
