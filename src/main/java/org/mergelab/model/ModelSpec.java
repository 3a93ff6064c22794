package org.mergelab.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What network to build: a CIFAR-style ResNet (He et al. 2016, "Deep Residual Learning for Image
 * Recognition", arXiv 1512.03385, section 4.2) for 32x32 RGB input.
 *
 * @param architecture only {@code resnet} for now
 * @param depth 6n+2 layers (20, 32, 44, 56, ...); default 20
 * @param width channels of the first stage; the three stages have width, 2*width, 4*width
 *     (16 gives the standard ResNet-20 16/32/64, 8 a narrow variant for fast runs); default 16
 */
public record ModelSpec(String architecture, int depth, int width) {

    /** The standard ResNet-20 (16/32/64). */
    public static final ModelSpec RESNET20 = new ModelSpec("resnet", 20, 16);

    /** Validates the spec; every message names the bad value. */
    @JsonCreator
    public ModelSpec(
            @JsonProperty("architecture") String architecture,
            @JsonProperty("depth") Integer depth,
            @JsonProperty("width") Integer width) {
        this(architecture == null ? "resnet" : architecture, depth == null ? 20 : depth, width == null ? 16 : width);
    }

    /** Canonical constructor with validation. */
    public ModelSpec {
        if (!"resnet".equals(architecture)) {
            throw new IllegalArgumentException(
                    "model.architecture: unknown architecture '" + architecture + "' (known: resnet)");
        }
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException(
                    "model.depth: " + depth + " is not of the form 6n+2 with n >= 1 (e.g. 20, 32, 44, 56)");
        }
        if (width < 1 || width > 1024) {
            throw new IllegalArgumentException("model.width: " + width + " is outside 1..1024");
        }
    }

    /** Residual blocks per stage: (depth - 2) / 6. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }

    /** A short human-readable name such as {@code ResNet-20 (16/32/64)}. */
    public String displayName() {
        return "ResNet-" + depth + " (" + width + "/" + 2 * width + "/" + 4 * width + ")";
    }
}
