package org.mergelab.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What happens to BatchNorm running statistics when two models are merged (PROTOCOL.md):
 * {@link #INTERPOLATE} merges them like every other tensor; {@link #RECALIBRATE} re-estimates them on a seeded
 * calibration sample of the two tasks' training images. The YAML, CSV and JSON name is the lower-case one; the
 * declaration order is the order of {@code results.csv}.
 */
public enum BatchNormPolicy {
    /** Running mean and variance interpolated with the weights. */
    INTERPOLATE("interpolate"),
    /** Running mean and variance re-estimated on {@code calibration_images} training images. */
    RECALIBRATE("recalibrate");

    private final String yamlName;

    BatchNormPolicy(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name in configs and result files. */
    @JsonValue
    public String yamlName() {
        return yamlName;
    }

    /**
     * The policy of a config or file name.
     *
     * @throws IllegalArgumentException naming the value and the known names
     */
    @JsonCreator
    public static BatchNormPolicy of(String name) {
        for (BatchNormPolicy p : values()) {
            if (p.yamlName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown BatchNorm policy '" + name + "' (known: " + known() + ")");
    }

    /** The known names, comma-separated. */
    public static String known() {
        return Arrays.stream(values()).map(BatchNormPolicy::yamlName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
