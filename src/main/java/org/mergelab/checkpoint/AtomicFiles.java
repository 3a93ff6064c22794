package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writing files so that nothing half-written is ever visible under a final name: every output goes
 * to {@code <name>.tmp-<12 hex>} in the same directory and is renamed atomically when complete. A
 * temporary not yet renamed is deleted when the JVM shuts down (SIGINT, SIGTERM, exit); a process
 * killed with SIGKILL leaves only such temporaries, which {@link #removeTemporaries} deletes (and
 * {@link StagingDirectory#removeAbandoned}, for staging directories). Publishing a directory (one or more renames
 * onto final names, {@link #publish}) and that shutdown hook exclude each other.
 */
public final class AtomicFiles {

    private static final Pattern TEMPORARY = Pattern.compile(".*\\.tmp-[0-9a-f]{12}");
    private static final Pattern TEMPORARY_SUFFIX = Pattern.compile("\\.tmp-[0-9a-f]{12}(?=/|$)");

    private static final ReentrantLock PUBLISHING = new ReentrantLock();
    private static volatile boolean shuttingDown;

    private AtomicFiles() {}

    /** Something that moves files into place. */
    interface Publication {
        void run() throws IOException;
    }

    /**
     * Runs {@code publication} while the shutdown hook cannot run, so the hook never deletes a directory while it
     * becomes the output.
     *
     * @throws IOException when the JVM is already shutting down (nothing is published then)
     */
    static void publish(Publication publication) throws IOException {
        PUBLISHING.lock();
        try {
            if (shuttingDown) {
                throw new IOException("mergelab is shutting down; the output was not published");
            }
            publication.run();
        } finally {
            PUBLISHING.unlock();
        }
    }

    /**
     * For the shutdown hook: lets a publication in progress finish (it renames, or deletes an old output, then
     * returns; at most 60 s are waited), refuses every later one, and runs {@code cleanup} meanwhile.
     */
    static void afterLastPublication(Runnable cleanup) {
        boolean locked = false;
        try {
            locked = PUBLISHING.tryLock(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shuttingDown = true;
        try {
            cleanup.run();
        } finally {
            if (locked) {
                PUBLISHING.unlock();
            }
        }
    }

    /** Deletes a file, or a directory and everything in it, deepest first, never following links. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * A fresh temporary path beside {@code target}, deleted (with everything in it, if it becomes a
     * directory) when the JVM shuts down before it is moved by {@link #moveAtomically}.
     */
    public static Path temporarySibling(Path target) {
        Path name = target.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("not a file name: " + target);
        }
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        Path temporary = target.resolveSibling(name + ".tmp-" + HexFormat.of().formatHex(random));
        ShutdownCleanup.register(temporary);
        return temporary;
    }

    /** Renames {@code from} onto {@code to} atomically, replacing it; deletes {@code from} on failure. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(from);
            throw e;
        } finally {
            ShutdownCleanup.forget(from);
        }
    }

    /** Writes UTF-8 text to {@code target} through a temporary file and an atomic rename. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes bytes to {@code target} through a temporary file and an atomic rename. When the temporary vanishes before
     * the rename (another mergelab process sharing the directory, a worker of the same run starting up, removed what
     * it took for a killed writer's leftover), it is written again, up to three times.
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                writeOnce(target, bytes);
                return;
            } catch (IOException e) {
                if (!(e.getCause() instanceof NoSuchFileException gone) || !isTemporary(Path.of(String.valueOf(gone.getFile())))
                        || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static void writeOnce(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = temporarySibling(target);
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(tmp, bytes);
            moveAtomically(tmp, target);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        } finally {
            Files.deleteIfExists(tmp);
            ShutdownCleanup.forget(tmp);
        }
    }

    /**
     * The path a temporary stands for: {@code path} with the temporary suffix removed from each of its names, so
     * {@code out.tmp-<hex>/model.safetensors.tmp-<hex>} becomes {@code out/model.safetensors}. Messages name this
     * path, which the user chose, rather than a temporary they never see.
     */
    public static Path finalPath(Path path) {
        return Path.of(TEMPORARY_SUFFIX.matcher(path.toString()).replaceAll(""));
    }

    /**
     * An error for a failed write of {@code target} (or of a temporary for it) that names the final path and the
     * reason, e.g. {@code cannot write out/model.safetensors: No space left on device}.
     */
    public static IOException cannotWrite(Path target, IOException cause) {
        Path shown = finalPath(target);
        String reason = cause.getMessage();
        if (cause instanceof FileSystemException f) {
            Path file = f.getFile() == null ? shown : finalPath(Path.of(f.getFile()));
            reason = file.equals(shown) ? reason(f) : file + ": " + reason(f);
        }
        return new IOException("cannot write " + shown + ": " + reason, cause);
    }

    /**
     * Why a file operation failed, without the path: the operating system's reason, or for the exceptions that
     * carry none the condition their type stands for (for example "no such file or directory").
     */
    public static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        return switch (e) {
            case NoSuchFileException _ -> "no such file or directory";
            case AccessDeniedException _ -> "permission denied";
            case FileAlreadyExistsException _ when isFile(e.getFile()) -> "exists and is not a directory";
            case FileAlreadyExistsException _ -> "already exists";
            case NotDirectoryException _ -> "not a directory";
            case DirectoryNotEmptyException _ -> "directory not empty";
            default -> e.getClass().getSimpleName();
        };
    }

    /** Whether {@code file} names something that exists and is not a directory (where one was to be created). */
    private static boolean isFile(String file) {
        return file != null && Files.exists(Path.of(file)) && !Files.isDirectory(Path.of(file));
    }

    /** True for a name made by {@link #temporarySibling}. */
    public static boolean isTemporary(Path file) {
        Path name = file.getFileName();
        return name != null && TEMPORARY.matcher(name.toString()).matches();
    }

    /**
     * True for a temporary ({@link #isTemporary}) whose name is {@code targetName}, a dot and more: one that
     * {@link #temporarySibling} makes for a target of that name, being written by another writer.
     */
    public static boolean isTemporaryOf(Path file, String targetName) {
        Path name = file.getFileName();
        return name != null && name.toString().startsWith(targetName + ".") && isTemporary(file);
    }

    /**
     * Deletes every temporary left under {@code dir} (recursively) by a killed writer.
     *
     * @return the files deleted
     */
    public static List<Path> removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found;
        try (Stream<Path> walk = Files.walk(dir)) {
            found = walk.filter(Files::isRegularFile).filter(AtomicFiles::isTemporary).toList();
        }
        for (Path p : found) {
            Files.deleteIfExists(p);
        }
        return found;
    }
}
