package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or safetensors file that does not follow its format: a malformed header, inconsistent offsets, a
 * truncated file, an unknown format version or a checkpoint id that does not match its tensors. The message names
 * the file, the tensor (where there is one) and the offending value.
 */
public class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with a complete message. */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /** An exception with a complete message and its cause. */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static CheckpointFormatException of(Path file, String problem) {
        return new CheckpointFormatException(file + ": " + problem);
    }

    static CheckpointFormatException of(Path file, String tensor, String problem) {
        return new CheckpointFormatException(file + ": tensor '" + tensor + "': " + problem);
    }
}
