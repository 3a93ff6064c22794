package org.mergelab.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the second task's model is trained (PROTOCOL.md): {@link #INCREMENTAL} continues from theta1, so theta1
 * and theta2 are checkpoints of one run; {@link #PARALLEL} starts from theta0, so they are siblings. The YAML,
 * CSV and JSON name is the lower-case one ({@code incremental}, {@code parallel}); the declaration order is the
 * order of {@code results.csv}.
 */
public enum Regime {
    /** theta2 = train(theta1, T2). */
    INCREMENTAL("incremental"),
    /** theta2' = train(theta0, T2). */
    PARALLEL("parallel");

    private final String yamlName;

    Regime(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name in configs and result files. */
    @JsonValue
    public String yamlName() {
        return yamlName;
    }

    /**
     * The regime of a config or file name.
     *
     * @throws IllegalArgumentException naming the value and the known names
     */
    @JsonCreator
    public static Regime of(String name) {
        for (Regime r : values()) {
            if (r.yamlName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown regime '" + name + "' (known: " + known() + ")");
    }

    /** The known names, comma-separated. */
    public static String known() {
        return Arrays.stream(values()).map(Regime::yamlName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
