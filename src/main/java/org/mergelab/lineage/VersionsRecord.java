package org.mergelab.lineage;

import java.util.Objects;
import org.mergelab.Versions;

/**
 * Versions of the software that made an artefact.
 *
 * @param mergelab mergelab version
 * @param djl DJL version
 * @param pytorch PyTorch (libtorch) version
 * @param jdk JDK version
 */
public record VersionsRecord(String mergelab, String djl, String pytorch, String jdk) {

    /** Requires every version. */
    public VersionsRecord {
        Objects.requireNonNull(mergelab, "versions.mergelab");
        Objects.requireNonNull(djl, "versions.djl");
        Objects.requireNonNull(pytorch, "versions.pytorch");
        Objects.requireNonNull(jdk, "versions.jdk");
    }

    /** The versions of this running process (from {@link Versions}). */
    public static VersionsRecord current() {
        return new VersionsRecord(Versions.mergelab(), Versions.djl(), Versions.pytorch(), Versions.jdk());
    }
}
