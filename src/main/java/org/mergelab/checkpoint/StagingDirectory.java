package org.mergelab.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mergelab.config.ConfigReader;

/**
 * A directory {@code DIR.tmp-<12 hex>/} beside an output {@code DIR} that is replaced as a whole
 * ({@link OutputKind#MERGE}): everything is written there, then {@link #publish} renames it onto {@code DIR}.
 *
 * <ul>
 *   <li>It records its owner ({@value #OWNER_FILE}: host, boot id, pid, process start time) and carries mergelab's
 *       marker from the start.</li>
 *   <li>SIGINT, SIGTERM or an exit before publishing delete it (a JVM shutdown hook); {@link #close} deletes it
 *       after a failure, with the parent directories {@link #create} made.</li>
 *   <li>After a SIGKILL, the next {@link #create} for the same {@code DIR} removes the staging directories it can
 *       prove abandoned ({@link #removeAbandoned}); those of another host or boot, or of a live process, are
 *       left.</li>
 *   <li>{@link #publish} replaces an old output only once it is gone: the old directory is moved aside, deleted,
 *       and only then is the new one renamed into place; when the old one cannot be deleted, what remains of it is
 *       moved back and nothing is published.</li>
 * </ul>
 */
public final class StagingDirectory implements AutoCloseable {

    /** Name of the owner record in a staging directory. */
    public static final String OWNER_FILE = ".mergelab-staging";

    private final OutputDirectory target;
    private final Path path;
    private final List<Path> createdParents;
    private boolean published;

    private StagingDirectory(OutputDirectory target, Path path, List<Path> createdParents) {
        this.target = target;
        this.path = path;
        this.createdParents = createdParents;
    }

    /**
     * Removes abandoned staging directories of the target, creates its missing parents and a fresh staging
     * directory with the owner record and the marker.
     */
    public static StagingDirectory create(OutputDirectory target) throws IOException {
        if (!target.kind().replacedWhole()) {
            throw new IllegalStateException(target.kind().markerName() + " outputs are written in place, not staged");
        }
        Path out = target.path();
        removeAbandoned(out);
        List<Path> parents = OutputDirectory.createDirectories(out.getParent());
        Path staging = AtomicFiles.temporarySibling(out);
        try {
            Files.createDirectory(staging);
            writeOwner(staging);
            OutputDirectory.writeMarker(staging, target.kind(), target.command());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging);
            OutputDirectory.removeEmpty(parents);
            throw new IOException("cannot create a staging directory beside " + out + ": "
                    + (e instanceof IOException io ? OutputDirectory.reason(io) : e.getMessage()), e);
        }
        return new StagingDirectory(target, staging, parents);
    }

    /** The staging directory: write the output here. */
    public Path path() {
        return path;
    }

    /**
     * Moves the staging directory onto the target. An old output there (which must still be empty, or carry the
     * marker of this kind with {@code --force} given) is moved aside and deleted first; if that fails, what remains
     * of it is moved back and the new output is not published.
     *
     * @throws IOException naming the output and the reason when nothing was published
     */
    public void publish() throws IOException {
        Path out = target.path();
        AtomicFiles.publish(() -> {
            if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                requireStillReplaceable(out);
                removeOld(out);
            }
            Files.delete(path.resolve(OWNER_FILE));
            Files.move(path, out, StandardCopyOption.ATOMIC_MOVE);
            ShutdownCleanup.forget(path);
            published = true;
        });
    }

    /** Deletes the staging directory unless it was published, and the parents {@link #create} made if empty. */
    @Override
    public void close() {
        if (!published) {
            deleteQuietly(path);
            OutputDirectory.removeEmpty(createdParents);
        }
    }

    private void requireStillReplaceable(Path out) throws IOException {
        String why = null;
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            why = "is no longer a directory";
        } else if (!OutputDirectory.isEmptyDirectory(out)) {
            try {
                OutputDirectory.Marker m = OutputDirectory.readMarker(out);
                if (m == null || m.kind() != target.kind()) {
                    why = "no longer carries mergelab's " + target.kind().markerName() + " marker";
                } else if (!target.force()) {
                    why = "was written meanwhile (use --force to replace it)";
                }
            } catch (IllegalArgumentException e) {
                why = "has an unreadable marker (" + e.getMessage() + ")";
            }
        }
        if (why != null) {
            throw new IOException("output " + out + " " + why + "; the new output was not published");
        }
    }

    /** Moves the old output aside and deletes it; on failure moves what remains back. */
    private static void removeOld(Path out) throws IOException {
        Path aside = AtomicFiles.temporarySibling(out);
        Files.move(out, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
            writeOwner(aside); // a SIGKILL from here on leaves a directory the next command can prove abandoned
            deleteKeepingMarkerLast(aside);
        } catch (IOException | UncheckedIOException e) {
            String reason = e instanceof IOException io ? OutputDirectory.reason(io) : e.getMessage();
            try {
                Files.deleteIfExists(aside.resolve(OWNER_FILE));
                Files.move(aside, out, StandardCopyOption.ATOMIC_MOVE);
                ShutdownCleanup.forget(aside);
            } catch (IOException restore) {
                e.addSuppressed(restore);
                throw new IOException("cannot remove the old output " + out + " (" + reason + "), and what remains of it "
                        + "could not be moved back from " + aside + "; the new output was not published", e);
            }
            throw new IOException("cannot remove the old output " + out + " (" + reason + "); what remains of it is "
                    + "back in place and the new output was not published", e);
        }
        ShutdownCleanup.forget(aside);
    }

    /** Deletes a directory tree, the marker and owner record last, so a partly deleted tree keeps its marker. */
    private static void deleteKeepingMarkerLast(Path dir) throws IOException {
        Set<Path> last = Set.of(dir, dir.resolve(OutputDirectory.MARKER_FILE), dir.resolve(OWNER_FILE));
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.filter(p -> !last.contains(p)).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.delete(p);
        }
        Files.deleteIfExists(dir.resolve(OutputDirectory.MARKER_FILE));
        Files.deleteIfExists(dir.resolve(OWNER_FILE));
        Files.delete(dir);
    }

    /**
     * Deletes the staging directories beside {@code target} ({@code NAME.tmp-<12 hex>}) whose owner record proves
     * them abandoned: made on this host since this boot by a process that is gone. A directory without a readable
     * owner record, or of another host or boot (a shared file system), or of a live process, is left.
     *
     * @return the directories deleted
     */
    public static List<Path> removeAbandoned(Path target) throws IOException {
        Path out = target.toAbsolutePath().normalize();
        Path parent = out.getParent();
        if (parent == null || out.getFileName() == null || !Files.isDirectory(parent)) {
            return List.of();
        }
        Pattern name = Pattern.compile(Pattern.quote(out.getFileName().toString()) + "\\.tmp-[0-9a-f]{12}");
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(parent)) {
            candidates = entries.filter(p -> name.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        StagingOwner here = StagingOwner.current();
        List<Path> removed = new ArrayList<>();
        for (Path dir : candidates) {
            StagingOwner owner = readOwner(dir);
            if (owner != null && owner.provablyGone(here)) {
                AtomicFiles.deleteRecursively(dir);
                removed.add(dir);
            }
        }
        return removed;
    }

    private static void writeOwner(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(OWNER_FILE),
                OutputDirectory.RECORD_JSON.writeValueAsString(StagingOwner.current()) + "\n");
    }

    /** The owner record of a staging directory, or null when it is missing, unreadable or of an unknown version. */
    static StagingOwner readOwner(Path dir) {
        Path file = dir.resolve(OWNER_FILE);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            JsonNode node = ConfigReader.yaml().readTree(Files.readString(file));
            if (node == null || !StagingOwner.FORMAT.equals(node.path("format").asText())
                    || node.path("format_version").asInt(-1) != StagingOwner.FORMAT_VERSION) {
                return null;
            }
            return ConfigReader.convert(node, StagingOwner.class, file.toString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteRecursively(dir);
            ShutdownCleanup.forget(dir);
        } catch (IOException | UncheckedIOException e) {
            // left for the shutdown hook or the next command's removeAbandoned
        }
    }
}
