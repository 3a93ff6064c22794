package org.mergelab.checkpoint;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;

/**
 * The one place that decides whether a command may write, or with {@code --force} replace, its output directory.
 * Every mergelab output directory carries a marker, {@value #MARKER_FILE}
 * ({@code {"format": "mergelab-output", "format_version": 1, "kind": "merge", "command": "merge"}}), written before
 * anything else.
 *
 * <p>{@link Builder#claim} refuses, with a one-line message naming the path and the reason, and before any work:
 * <ul>
 *   <li>a target that exists and is not a directory (a regular file, a link to one, a device);</li>
 *   <li>a target that is one of the command's inputs;</li>
 *   <li>a non-empty directory without the marker (mergelab did not make it), or whose marker names another kind of
 *       output, or a marker of an unknown format version;</li>
 *   <li>for a command that would delete in the target ({@link OutputKind#replacedWhole}, or {@code --force}): the
 *       current directory or an ancestor of it, and an ancestor of an input, all compared after resolving links;</li>
 *   <li>a non-empty {@link OutputKind#MERGE} output without {@code --force}, or one with a file or directory that
 *       is not writable (read-only, immutable: the old output could not be removed);</li>
 *   <li>a target that cannot be written: its parents are created and a probe file written, then both removed.</li>
 * </ul>
 * Nothing is created by a claim; {@link #create} makes the directory (and its missing parents) and the marker when
 * the command is about to write, and {@link #removeCreated} removes what {@code create} made when the command fails.
 */
public final class OutputDirectory {

    /** Name of the marker file in every mergelab output directory. */
    public static final String MARKER_FILE = ".mergelab-output";

    static final String MARKER_FORMAT = "mergelab-output";
    static final int MARKER_FORMAT_VERSION = 1;

    /** Writes the small records of this package (marker, staging owner) as JSON with snake_case keys. */
    static final ObjectMapper RECORD_JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * The marker's content.
     *
     * @param format always {@value #MARKER_FORMAT}
     * @param formatVersion {@value #MARKER_FORMAT_VERSION}
     * @param kind what the directory holds
     * @param command the command that made it ({@code run} and {@code demo} both make {@link OutputKind#EXPERIMENT})
     */
    @JsonPropertyOrder({"format", "format_version", "kind", "command"})
    record Marker(String format, int formatVersion, OutputKind kind, String command) {}

    private final Path path;
    private final OutputKind kind;
    private final String command;
    private final boolean force;
    private final boolean existing;
    private final List<Path> created = new ArrayList<>();

    private OutputDirectory(Builder b, Path path, boolean existing) {
        this.path = path;
        this.kind = b.kind;
        this.command = b.command;
        this.force = b.force;
        this.existing = existing;
    }

    /** A builder; {@code set*} for required values, {@code opt*} for optional ones. */
    public static Builder builder() {
        return new Builder();
    }

    /** The directory, absolute and normalised. */
    public Path path() {
        return path;
    }

    /** What it holds. */
    public OutputKind kind() {
        return kind;
    }

    /** The command writing it. */
    public String command() {
        return command;
    }

    /** Whether {@code --force} was given. */
    public boolean force() {
        return force;
    }

    /** True when the directory held an output of this kind at the claim (a marked, non-empty directory). */
    public boolean existing() {
        return existing;
    }

    /**
     * Creates the directory and its missing parents (remembered for {@link #removeCreated}) and writes the marker
     * when it has none. For a kind that is resumed or rewritten in place; a {@link OutputKind#MERGE} output is
     * written through a {@link StagingDirectory} instead.
     */
    public void create() throws IOException {
        if (kind.replacedWhole()) {
            throw new IllegalStateException(kind.markerName() + " outputs are staged (StagingDirectory), not created");
        }
        created.addAll(createDirectories(path));
        if (!Files.exists(path.resolve(MARKER_FILE), LinkOption.NOFOLLOW_LINKS)) {
            writeMarker(path, kind, command);
        }
    }


    /**
     * Deletes the directories {@link #create} made, with everything in them (only this command wrote there); a
     * directory that existed before is left. Best effort: for the failure path of a command.
     */
    public void removeCreated() {
        if (!created.isEmpty()) {
            try {
                AtomicFiles.deleteRecursively(created.getFirst());
            } catch (IOException | UncheckedIOException e) {
                // best effort: the failure being reported matters more
            }
            created.clear();
        }
    }

    /** True when {@code dir} carries a marker of {@code kind}. */
    public static boolean isMarked(Path dir, OutputKind kind) {
        try {
            Marker m = readMarker(dir);
            return m != null && m.kind() == kind;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- marker

    static void writeMarker(Path dir, OutputKind kind, String command) throws IOException {
        Marker m = new Marker(MARKER_FORMAT, MARKER_FORMAT_VERSION, kind, command);
        AtomicFiles.writeString(dir.resolve(MARKER_FILE), RECORD_JSON.writeValueAsString(m) + "\n");
    }

    /**
     * The marker of {@code dir}, or null when it has none.
     *
     * @throws IllegalArgumentException naming the file when it is unreadable, not a marker, or of an unknown version
     */
    static Marker readMarker(Path dir) {
        Path file = dir.resolve(MARKER_FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(file + ": a mergelab marker is a regular file");
            }
            JsonNode node = ConfigReader.yaml().readTree(Files.readString(file));
            if (node == null || !MARKER_FORMAT.equals(node.path("format").asText())) {
                throw new IllegalArgumentException(file + ": not a mergelab output marker (format is not '"
                        + MARKER_FORMAT + "')");
            }
            if (node.path("format_version").asInt(-1) != MARKER_FORMAT_VERSION) {
                throw new IllegalArgumentException(file + ": unknown marker format_version " + node.get("format_version")
                        + " (this mergelab reads " + MARKER_FORMAT_VERSION + ")");
            }
            return ConfigReader.convert(node, Marker.class, file.toString());
        } catch (JsonProcessingException | ConfigException e) {
            throw new IllegalArgumentException(file + ": unreadable mergelab marker: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + reason(e), e);
        }
    }

    // ---------------------------------------------------------------- helpers shared with StagingDirectory, OutputFile

    /** Creates {@code dir} and its missing parents; returns those created, outermost first. */
    static List<Path> createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        List<Path> made = new ArrayList<>();
        try {
            for (Path p : missing) {
                try {
                    Files.createDirectory(p);
                    made.add(p);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(p)) {
                        throw e;
                    }
                    // another process made it at the same moment: it is not ours to remove
                }
            }
        } catch (IOException e) {
            removeEmpty(made);
            throw e;
        }
        return made;
    }

    /** Deletes directories made by {@link #createDirectories} that are still empty, innermost first. */
    static void removeEmpty(List<Path> made) {
        for (Path p : made.reversed()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (something else was put there) or not removable: leave it and its parents
            }
        }
    }

    /** {@code path} with the links of its existing part resolved (the rest appended as given). */
    static Path resolveLinks(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Deque<Path> rest = new ArrayDeque<>();
        Path p = abs;
        while (p != null && !Files.exists(p)) {
            rest.push(p.getFileName());
            p = p.getParent();
        }
        Path resolved;
        try {
            resolved = p == null ? abs.getRoot() : p.toRealPath();
        } catch (IOException e) {
            resolved = p;
        }
        for (Path name : rest) {
            resolved = resolved.resolve(name);
        }
        return resolved;
    }

    /** The reason of a file-system failure, with the file it concerns. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() == null) {
            return f.getClass().getSimpleName() + ": " + f.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * True when {@code dir} is empty or holds only what another mergelab process claiming it at this moment makes for
     * an instant: a writability probe, or the marker's temporary before its rename. Several workers of one run start
     * on the same new directory at once.
     */
    static boolean holdsOnlyTransients(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.allMatch(p -> PROBE.matcher(p.getFileName().toString()).matches()
                    || AtomicFiles.isTemporaryOf(p, MARKER_FILE));
        }
    }

    /** The names {@link #probeWritable} gives its probe files. */
    private static final java.util.regex.Pattern PROBE = java.util.regex.Pattern.compile("\\.mergelab-probe-[0-9]+\\.tmp");

    static boolean isEmptyDirectory(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Checks that a probe file can be written in {@code dir}, or where {@code dir} would be made (its nearest existing
     * ancestor): a path under /proc, on a read-only file system or through a regular file fails here, before work.
     */
    static void probeWritable(Path dir, String what) {
        Path first = dir;
        while (first != null && !Files.exists(first)) {
            first = first.getParent();
        }
        if (first != null && !Files.isDirectory(first)) {
            throw new IllegalArgumentException(what + " cannot be created: " + first + " is not a directory");
        }
        // the probe goes into the directory if it exists, else into its nearest existing ancestor, where the missing
        // directories would be made: no directory is made and removed again, which would pull the directory from
        // under another mergelab process (a worker of the same run) claiming the same new directory at this moment
        Path probe = null;
        try {
            probe = Files.createTempFile(first == null ? dir : first, ".mergelab-probe-", ".tmp");
        } catch (IOException e) {
            // name the directory, not the probe's temporary name
            String why = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : reason(e);
            throw new IllegalArgumentException(what + " cannot be written: no file can be made in " + dir + " ("
                    + why + ")", e);
        } finally {
            try {
                if (probe != null) {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException ignored) {
                // the directory was writable a moment ago; nothing else to do
            }
        }
    }

    /**
     * Builds an {@link OutputDirectory} claim. Required: {@link #setPath}, {@link #setCommand}. Optional: no
     * {@code --force}, no inputs.
     */
    public static final class Builder {
        private Path path;
        private OutputKind kind;
        private String command;
        private boolean force;
        private final List<Path> inputs = new ArrayList<>();

        private Builder() {}

        /** The directory given as {@code --out} (required). */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /** The command ({@code merge}, {@code run}, ...) and the kind of output it writes (required). */
        public Builder setCommand(String command, OutputKind kind) {
            this.command = command;
            this.kind = kind;
            return this;
        }

        /** Whether {@code --force} was given; default false. */
        public Builder optForce(boolean force) {
            this.force = force;
            return this;
        }

        /** Files and directories the command reads (recipe, models, configs, checkpoints); nulls are skipped. */
        public Builder optInputs(Collection<Path> inputs) {
            inputs.stream().filter(Objects::nonNull).forEach(this.inputs::add);
            return this;
        }

        /**
         * Applies the rules of {@link OutputDirectory}; creates nothing.
         *
         * @throws IllegalArgumentException naming the path and the reason when the command may not write there
         */
        public OutputDirectory claim() {
            Objects.requireNonNull(path, "path is required (setPath)");
            Objects.requireNonNull(kind, "command and kind are required (setCommand)");
            if (path.toString().isEmpty()) {
                throw new IllegalArgumentException("output directory: an empty path means the current directory; "
                        + "name a directory");
            }
            Path abs = path.toAbsolutePath().normalize();
            Path real = resolveLinks(abs);
            String what = "output " + abs;
            boolean exists = Files.isDirectory(abs);
            boolean deletes = kind.replacedWhole() || force;
            if (deletes && exists) {
                Path cwd = resolveLinks(Path.of(""));
                if (cwd.startsWith(real)) {
                    throw new IllegalArgumentException(what + " is " + (cwd.equals(real) ? "the current directory"
                            : "an ancestor of the current directory " + cwd) + "; mergelab never "
                            + (kind.replacedWhole() ? "replaces" : "deletes in") + " it: choose another --out");
                }
            }
            OutputFile.requireNotAnInput(abs, inputs, what);
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
                throw new IllegalArgumentException(what + " is " + (Files.isRegularFile(abs) ? "a regular file" : "not a directory")
                        + "; --out names a directory, and mergelab never replaces a file with one");
            }
            for (Path input : inputs) {
                Path in = resolveLinks(input);
                if (deletes && exists && in.startsWith(real)) {
                    throw new IllegalArgumentException(what + " contains the input " + input
                            + "; mergelab never replaces a directory holding its inputs: choose another --out");
                }
            }
            boolean existing = false;
            try {
                if (exists && !holdsOnlyTransients(abs)) {
                    Marker m = readMarker(abs);
                    if (m == null) {
                        throw new IllegalArgumentException(what + " is not empty and was not made by mergelab (it has no "
                                + MARKER_FILE + "); mergelab writes only into a new or empty directory or one it made: "
                                + "choose another --out");
                    }
                    if (m.kind() != kind) {
                        throw new IllegalArgumentException(what + " holds the output of 'mergelab " + m.command()
                                + "' (" + m.kind().markerName() + "), not of 'mergelab " + command + "'; choose another --out");
                    }
                    if (kind.replacedWhole() && !force) {
                        throw new IllegalArgumentException(what + " exists and is not empty; use --force to replace it");
                    }
                    if (kind.replacedWhole()) {
                        requireRemovable(abs, what);
                    }
                    existing = true;
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(what + " cannot be read: " + reason(e), e);
            }
            probeWritable(kind.replacedWhole() && exists ? abs.getParent() : abs, what);
            return new OutputDirectory(this, abs, existing);
        }

        /** Every directory and file of the old output must be writable (not read-only, not immutable). */
        private static void requireRemovable(Path dir, String what) throws IOException {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(dir)) {
                all = walk.filter(p -> !Files.isSymbolicLink(p)).toList();
            }
            for (Path p : all) {
                if (!Files.isWritable(p)) {
                    throw new IllegalArgumentException(what + " cannot be replaced: " + p
                            + " is not writable, so the old output could not be removed");
                }
            }
        }
    }
}
