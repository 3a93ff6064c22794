package org.mergelab.lineage;

import java.util.Objects;
import org.mergelab.Versions;
import org.mergelab.engine.EngineSettings;

/**
 * Versions of the software that made an artefact, and the engine setting its numbers depend on.
 *
 * @param mergelab mergelab version
 * @param djl DJL version
 * @param pytorch PyTorch (libtorch) version
 * @param jdk JDK version
 * @param onednnMaxCpuIsa the oneDNN instruction-set cap the engine ran under ({@link EngineSettings}), e.g.
 *     {@code AVX2} or {@code ALL}; null for a lineage written before mergelab recorded it (lineage format 1), and for
 *     an artefact made without the native engine (a merge: plain Java arithmetic, whatever the cap)
 */
public record VersionsRecord(String mergelab, String djl, String pytorch, String jdk, String onednnMaxCpuIsa) {

    /** Requires every version; the ISA cap may be null (unknown). */
    public VersionsRecord {
        Objects.requireNonNull(mergelab, "versions.mergelab");
        Objects.requireNonNull(djl, "versions.djl");
        Objects.requireNonNull(pytorch, "versions.pytorch");
        Objects.requireNonNull(jdk, "versions.jdk");
        if (onednnMaxCpuIsa != null && onednnMaxCpuIsa.isBlank()) {
            throw new IllegalArgumentException("versions.onednn_max_cpu_isa is blank");
        }
    }

    /**
     * The versions and engine setting of this running process (from {@link Versions} and {@link EngineSettings}); on
     * a machine's first use this runs the engine check that chooses the cap.
     */
    public static VersionsRecord current() {
        return new VersionsRecord(Versions.mergelab(), Versions.djl(), Versions.pytorch(), Versions.jdk(),
                EngineSettings.inEffect().onednnMaxCpuIsa());
    }

    /** The versions of this running process, for an artefact the native engine did not compute (no cap recorded). */
    public static VersionsRecord withoutEngine() {
        return new VersionsRecord(Versions.mergelab(), Versions.djl(), Versions.pytorch(), Versions.jdk(), null);
    }
}
