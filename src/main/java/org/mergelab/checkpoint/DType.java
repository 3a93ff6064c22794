package org.mergelab.checkpoint;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of the safetensors format, with the names used in the file header.
 *
 * <p>{@link #F8_E4M3} is the "fn" variant (PyTorch {@code float8_e4m3fn}: bias 7, no infinities, a single NaN
 * pattern per sign, largest finite value 448); {@link #F8_E5M2} is IEEE-like (bias 15, with infinities and NaNs).
 * {@link #BOOL} is one byte per element, 0 or 1.
 */
public enum DType {
    F64("F64", 8, true),
    F32("F32", 4, true),
    F16("F16", 2, true),
    BF16("BF16", 2, true),
    I64("I64", 8, false),
    I32("I32", 4, false),
    I16("I16", 2, false),
    I8("I8", 1, false),
    U8("U8", 1, false),
    BOOL("BOOL", 1, false),
    F8_E4M3("F8_E4M3", 1, true),
    F8_E5M2("F8_E5M2", 1, true);

    private final String safetensorsName;
    private final int byteSize;
    private final boolean floatingPoint;

    DType(String safetensorsName, int byteSize, boolean floatingPoint) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** The name in a safetensors header, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is a floating-point type (F64, F32, F16, BF16 and both F8 kinds). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The dtype with the given safetensors header name.
     *
     * @throws IllegalArgumentException naming the unknown dtype and the known ones
     */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'; known: "
                + Arrays.stream(values()).map(DType::safetensorsName).collect(Collectors.joining(", ")));
    }
}
