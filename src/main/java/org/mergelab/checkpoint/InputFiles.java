package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What mergelab agrees to read: regular files only (a FIFO would block the reader forever, a device never ends),
 * and from a model directory only files that, once links are resolved, are still inside it (a {@code tokenizer.json}
 * linked to {@code /etc/passwd} must not be copied into a merge people publish). Every check runs before the file
 * is opened and fails with an {@link IOException} naming the file and the reason.
 */
public final class InputFiles {

    private static final int FILE_TYPE_BITS = 0170000;
    private static final int FIFO = 0010000;
    private static final int SOCKET = 0140000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;

    private InputFiles() {}

    /**
     * Refuses {@code file} unless it is a regular file after following links: missing, a directory, a FIFO, a
     * socket or a device is an error naming it.
     *
     * @return {@code file}
     */
    public static Path requireRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null,
                    Files.isSymbolicLink(file) ? "a link to a file that does not exist" : "no such file");
        }
        if (attributes.isDirectory()) {
            throw new IOException(file + ": is a directory, not a file");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(file + ": is " + kind(file) + ", not a regular file; mergelab reads regular files only");
        }
        return file;
    }

    /**
     * Refuses {@code file}, a file that belongs to the model directory {@code dir} (a shard, a config or tokenizer
     * file), unless it is a regular file whose real path, links resolved, is inside the real path of {@code dir}.
     * One layout is allowed beside that, the Hugging Face hub cache, where a snapshot
     * {@code models--ORG--NAME/snapshots/REVISION/} links each of its files to {@code models--ORG--NAME/blobs/HASH}:
     * a file of a {@code snapshots/REVISION} directory may resolve to a file directly in the sibling {@code blobs}.
     *
     * @return {@code file}
     */
    public static Path requireInside(Path dir, Path file) throws IOException {
        requireRegularFile(file);
        Path realDir = dir.toRealPath();
        Path real = file.toRealPath();
        if (!real.startsWith(realDir) && !inHubCacheBlobs(realDir, real)) {
            throw new IOException(file + ": is a link to " + real + ", outside the model directory " + realDir
                    + "; mergelab reads and copies only files inside it (copy the file there to use it)");
        }
        return file;
    }

    /** True when {@code realDir} is {@code X/snapshots/REV} and {@code real} is a file directly in {@code X/blobs}. */
    private static boolean inHubCacheBlobs(Path realDir, Path real) {
        Path snapshots = realDir.getParent();
        if (snapshots == null || snapshots.getFileName() == null
                || !snapshots.getFileName().toString().equals("snapshots") || snapshots.getParent() == null) {
            return false;
        }
        return snapshots.getParent().resolve("blobs").equals(real.getParent());
    }

    /** Whether something, even a broken link, is at {@code file}. */
    public static boolean isPresent(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** "a FIFO", "a socket", "a device", or "not a regular file" when the kind cannot be told. */
    private static String kind(Path file) {
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & FILE_TYPE_BITS;
            return switch (type) {
                case FIFO -> "a FIFO (named pipe)";
                case SOCKET -> "a socket";
                case CHARACTER_DEVICE, BLOCK_DEVICE -> "a device";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
