package org.mergelab.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.model.Network;

/**
 * The resumable state of a training run after a complete epoch: every network tensor (prefix
 * {@code model.}) and every momentum buffer (prefix {@code momentum.}), in one safetensors file
 * whose metadata holds the format version, the run's resume key and the number of epochs done.
 * Written to a temporary file and renamed, so a kill leaves either the previous state or the new
 * one.
 */
final class EpochState {

    static final String FILE_NAME = "epoch-state.safetensors";
    static final String FORMAT = "mergelab-epoch-state";
    static final String FORMAT_VERSION = "1";

    private EpochState() {}

    static void save(Path dir, String key, int epochsDone, Network network, SgdMomentum optimizer) {
        NamedTensors all = new NamedTensors();
        network.toTensors().forEach(e -> all.put("model." + e.getKey(), e.getValue()));
        optimizer.state().forEach(e -> all.put("momentum." + e.getKey(), e.getValue()));
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve(FILE_NAME), all, Map.of(
                    "format", FORMAT,
                    "format_version", FORMAT_VERSION,
                    "resume_key", key,
                    "epochs_done", Integer.toString(epochsDone)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write epoch state in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Restores the state of a run with the same key; returns the epochs already done (0 if none). */
    static int restore(Path dir, String key, Network network, SgdMomentum optimizer) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return 0;
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            Map<String, String> meta = reader.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new IOException(file + ": not an epoch state (format '" + meta.get("format") + "')");
            }
            if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
                throw new IOException(file + ": unknown epoch-state format_version '"
                        + meta.get("format_version") + "' (this mergelab reads " + FORMAT_VERSION + ")");
            }
            if (!key.equals(meta.get("resume_key"))) {
                // another run's state: not ours to resume from
                return 0;
            }
            NamedTensors all = reader.readAll();
            NamedTensors model = new NamedTensors();
            NamedTensors momentum = new NamedTensors();
            all.forEach(e -> {
                if (e.getKey().startsWith("model.")) {
                    model.put(e.getKey().substring("model.".length()), e.getValue());
                } else if (e.getKey().startsWith("momentum.")) {
                    momentum.put(e.getKey().substring("momentum.".length()), e.getValue());
                }
            });
            network.load(model);
            optimizer.load(momentum);
            return Integer.parseInt(meta.get("epochs_done"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the epoch state once the final checkpoint is safely written. */
    static void clear(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
