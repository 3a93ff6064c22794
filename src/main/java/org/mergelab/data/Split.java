package org.mergelab.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which training images a task trains on: all of them, or one of the two disjoint seeded halves of
 * {@link Splits#halves} (PROTOCOL.md: task T1 trains on {@code a}, T2 on {@code b}). YAML and JSON names are
 * lower case: {@code all}, {@code a}, {@code b}.
 */
public enum Split {
    /** Every training image, {@code 0..n-1}. */
    ALL,
    /** The first half of a seeded shuffle, {@code ceil(n/2)} ids. */
    A,
    /** The rest, {@code floor(n/2)} ids, disjoint from {@link #A}. */
    B;

    /** The name in configs: {@code all}, {@code a} or {@code b}. */
    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The split called {@code name} in a config.
     *
     * @throws IllegalArgumentException naming the value and the known names when there is no such split
     */
    @JsonCreator
    public static Split of(String name) {
        for (Split split : values()) {
            if (split.yamlName().equals(name)) {
                return split;
            }
        }
        throw new IllegalArgumentException("split: unknown split '" + name + "' (known: "
                + Arrays.stream(values()).map(Split::yamlName).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * The training ids of this split of a training set of {@code trainSize} images, sorted ascending;
     * {@code splitSeed} draws the halves (unused by {@link #ALL}).
     */
    public int[] ids(int trainSize, long splitSeed) {
        return switch (this) {
            case ALL -> Splits.all(trainSize);
            case A -> Splits.halves(trainSize, splitSeed).a();
            case B -> Splits.halves(trainSize, splitSeed).b();
        };
    }
}
