package org.mergelab.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SHA-256 of input files for lineage, with a cache so that merging the same inputs again does not read them again
 * (hashing runs at a few hundred MB/s to 1.7 GB/s per core: seconds per checkpoint). An entry is keyed by the file's
 * identity: its absolute path, device, inode, size, modification time and status-change time (ctime, which every
 * write sets and no user call can set back), all read before and after hashing; a file that changed while it was
 * hashed is not cached, and an entry whose identity differs is ignored and replaced.
 *
 * <p>The cache lives in the directory named by {@value #CACHE_ENV} ({@code off} turns it off), else in
 * {@code $XDG_CACHE_HOME/mergelab/sha256}, else {@code ~/.cache/mergelab/sha256}: one small text file per input
 * file, written atomically. It is only a shortcut: an unreadable or unwritable cache, or a filesystem without Unix
 * attributes, means the file is hashed, never an error.
 */
public final class FileHashes {

    /** Environment variable naming the cache directory, or {@code off}. */
    public static final String CACHE_ENV = "MERGELAB_HASH_CACHE";
    private static final String FORMAT = "mergelab-sha256-cache 1";
    private static final String ATTRIBUTES = "unix:dev,ino,size,lastModifiedTime,ctime";

    private final Path cacheDirectory;

    /** Hashes cached in {@code cacheDirectory}, or not cached when it is null. */
    public FileHashes(Path cacheDirectory) {
        this.cacheDirectory = cacheDirectory;
    }

    /** The cache the environment names (see the class Javadoc). */
    public static FileHashes fromEnvironment() {
        return new FileHashes(cacheDirectory(System.getenv()));
    }

    static Path cacheDirectory(Map<String, String> environment) {
        String named = environment.get(CACHE_ENV);
        if (named != null && !named.isBlank()) {
            return named.equals("off") ? null : Path.of(named);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("mergelab").resolve("sha256");
    }

    /** The SHA-256 of {@code file}'s bytes, lower-case hex; from the cache when the file has not changed. */
    public String sha256(Path file) {
        String before = identity(file);
        Path entry = before == null || cacheDirectory == null ? null
                : cacheDirectory.resolve(sha256Of(before.getBytes(StandardCharsets.UTF_8)));
        if (entry != null) {
            try {
                List<String> lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
                if (lines.size() == 3 && lines.get(0).equals(FORMAT) && lines.get(1).equals(before)
                        && lines.get(2).matches("[0-9a-f]{64}")) {
                    return lines.get(2);
                }
            } catch (IOException | UncheckedIOException e) {
                // no entry, or one we cannot read: hash the file
            }
        }
        String hash = sha256Uncached(file);
        if (entry != null && before.equals(identity(file))) {
            try {
                Files.createDirectories(cacheDirectory);
                AtomicFiles.writeString(entry, FORMAT + "\n" + before + "\n" + hash + "\n");
            } catch (IOException | UncheckedIOException e) {
                // the cache is a shortcut; the hash is right without it
            }
        }
        return hash;
    }

    /** The SHA-256 of {@code file}'s bytes, read in 1 MiB blocks; throws naming the file when it cannot be read. */
    public static String sha256Uncached(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot hash", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's identity, or null where the filesystem has no Unix attributes. */
    private static String identity(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES);
            return file.toAbsolutePath().normalize() + " dev=" + a.get("dev") + " ino=" + a.get("ino") + " size="
                    + a.get("size") + " mtime=" + a.get("lastModifiedTime") + " ctime=" + a.get("ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** The SHA-256 of {@code bytes}, lower-case hex. */
    public static String sha256Of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
