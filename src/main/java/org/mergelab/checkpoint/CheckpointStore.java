package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mergelab.lineage.Lineage;

/**
 * Our checkpoints on disk: a safetensors file whose {@code __metadata__} holds {@code format} =
 * {@value #FORMAT}, {@code format_version} = {@value #FORMAT_VERSION}, {@code checkpoint_id} (see
 * {@link CheckpointId}) and {@code lineage} (the lineage JSON), plus {@code <stem>.lineage.json} beside it with the
 * same lineage, for {@link org.mergelab.lineage.LineageTree}. Both files are written to temporaries and renamed,
 * so neither final name ever holds a partial file.
 */
public final class CheckpointStore {
    /** The {@code format} metadata value. */
    public static final String FORMAT = "mergelab-checkpoint";
    /** The {@code format_version} written and the only one read. */
    public static final String FORMAT_VERSION = "1";

    private static final String SUFFIX = ".safetensors";

    private CheckpointStore() {}

    /**
     * Writes {@code file} (name ending {@code .safetensors}) and its {@code .lineage.json}. The lineage's checkpoint
     * id is filled in if absent.
     *
     * @return {@code file}
     * @throws IllegalArgumentException if the lineage carries a different checkpoint id than the tensors'
     */
    public static Path write(Path file, Checkpoint checkpoint) throws IOException {
        Path sidecar = lineageFile(file);
        String id = CheckpointId.of(checkpoint.tensors());
        Lineage lineage = checkpoint.lineage();
        if (lineage.checkpointId() == null) {
            lineage = lineage.withCheckpointId(id);
        } else if (!lineage.checkpointId().equals(id)) {
            throw new IllegalArgumentException(file + ": lineage says checkpoint id " + lineage.checkpointId()
                    + " but the tensors hash to " + id);
        }
        String lineageJson = lineage.toJson();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("format_version", FORMAT_VERSION);
        metadata.put("checkpoint_id", id);
        metadata.put("lineage", lineageJson);

        List<TensorSpec> specs = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : checkpoint.tensors()) {
            specs.add(TensorSpec.of(e.getKey(), e.getValue()));
        }
        Path weightsTemp = null;
        Path sidecarTemp = AtomicFiles.temporarySibling(sidecar);
        try {
            try (SafetensorsWriter w = SafetensorsWriter.create(file, specs, metadata)) {
                for (Map.Entry<String, Tensor> e : checkpoint.tensors()) {
                    w.write(e.getKey(), e.getValue());
                }
                weightsTemp = w.finishTemporary(false);
            }
            Files.writeString(sidecarTemp, lineageJson + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            AtomicFiles.moveAtomically(weightsTemp, file);
            weightsTemp = null;
            AtomicFiles.moveAtomically(sidecarTemp, sidecar);
        } finally {
            if (weightsTemp != null) {
                Files.deleteIfExists(weightsTemp);
            }
            Files.deleteIfExists(sidecarTemp);
        }
        return file;
    }

    /**
     * Reads a checkpoint written by {@link #write}, checking format, version and that the stored id matches the
     * tensors.
     *
     * @throws CheckpointFormatException naming the file and the bad value: not a mergelab checkpoint, an unknown
     *     format version, a corrupted checkpoint (id mismatch) or an unreadable lineage
     */
    public static Checkpoint read(Path file) throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            Map<String, String> meta = reader.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw CheckpointFormatException.of(file, "not a mergelab checkpoint: __metadata__ format is "
                        + (meta.containsKey("format") ? "'" + meta.get("format") + "'" : "absent")
                        + ", expected '" + FORMAT + "'");
            }
            String version = meta.get("format_version");
            if (!FORMAT_VERSION.equals(version)) {
                throw CheckpointFormatException.of(file, "unknown mergelab checkpoint format_version '" + version
                        + "'; this mergelab reads version " + FORMAT_VERSION);
            }
            String stored = meta.get("checkpoint_id");
            NamedTensors tensors = reader.readAll();
            String actual = CheckpointId.of(tensors);
            if (!actual.equals(stored)) {
                throw CheckpointFormatException.of(file, "corrupted checkpoint: stored checkpoint_id " + stored
                        + " but the tensors hash to " + actual);
            }
            String lineageJson = meta.get("lineage");
            if (lineageJson == null) {
                throw CheckpointFormatException.of(file, "__metadata__ has no lineage");
            }
            Lineage lineage;
            try {
                lineage = Lineage.fromJson(lineageJson);
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(file + ": bad lineage: " + e.getMessage(), e);
            }
            if (!actual.equals(lineage.checkpointId())) {
                throw CheckpointFormatException.of(file, "lineage checkpoint_id " + lineage.checkpointId()
                        + " differs from the tensors' id " + actual);
            }
            return new Checkpoint(tensors, lineage);
        }
    }

    /** {@code dir/model.safetensors} -> {@code dir/model.lineage.json}. */
    public static Path lineageFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            throw new IllegalArgumentException("checkpoint file name must end with " + SUFFIX + ": " + file);
        }
        return file.resolveSibling(name.substring(0, name.length() - SUFFIX.length()) + ".lineage.json");
    }
}
