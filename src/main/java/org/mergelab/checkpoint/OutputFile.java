package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The rules for a command whose {@code --out} is one file ({@code fisher}, {@code show-cues}), the file-sized
 * counterpart of {@link OutputDirectory}. {@link #claim} refuses, naming the path and the reason, before any work:
 * a target that is a directory or not a regular file; one of the command's inputs (after resolving links); an
 * existing file that mergelab did not write (the command says how to recognise its own); a target that cannot be
 * written (its missing parents are created and a probe file written, then both removed). The file itself is
 * written atomically by the command ({@link AtomicFiles}); {@link #createParents} makes the missing parents when
 * it is about to write and {@link #removeCreatedParents} removes them when it fails.
 */
public final class OutputFile {

    private final Path path;
    private final List<Path> created = new ArrayList<>();

    private OutputFile(Path path) {
        this.path = path;
    }

    /**
     * Applies the rules; creates nothing.
     *
     * @param file the {@code --out} file
     * @param inputs what the command reads (nulls skipped)
     * @param madeByMergelab recognises a file this command wrote earlier (which may be replaced)
     * @param command the command, for messages
     * @throws IllegalArgumentException naming the path and the reason
     */
    public static OutputFile claim(Path file, Collection<Path> inputs, Predicate<Path> madeByMergelab, String command) {
        Objects.requireNonNull(file, "file");
        if (file.toString().isEmpty()) {
            throw new IllegalArgumentException("output file: the path is empty; name a file");
        }
        Path abs = file.toAbsolutePath().normalize();
        String what = "output " + abs;
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(what + " is a directory; --out names a file");
        }
        requireNotAnInput(abs, inputs, what);
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(what + " exists and is not a regular file; choose another --out");
            }
            if (!madeByMergelab.test(abs)) {
                throw new IllegalArgumentException(what + " exists and was not written by 'mergelab " + command
                        + "'; mergelab replaces only its own outputs: remove it or choose another --out");
            }
        }
        Path parent = abs.getParent();
        OutputDirectory.probeWritable(parent, what);
        return new OutputFile(abs);
    }

    /**
     * Refuses an output that is one of {@code inputs} after resolving links.
     *
     * @throws IllegalArgumentException starting with {@code what}
     */
    public static void requireNotAnInput(Path output, Collection<Path> inputs, String what) {
        Path real = OutputDirectory.resolveLinks(output);
        for (Path input : inputs) {
            if (input != null && OutputDirectory.resolveLinks(input).equals(real)) {
                throw new IllegalArgumentException(what + " is the input " + input + "; choose another --out");
            }
        }
    }

    /** The file, absolute and normalised. */
    public Path path() {
        return path;
    }

    /** Creates the missing parent directories (remembered for {@link #removeCreatedParents}). */
    public void createParents() throws IOException {
        created.addAll(OutputDirectory.createDirectories(path.getParent()));
    }

    /** Removes the parents {@link #createParents} made, when they are still empty. */
    public void removeCreatedParents() {
        OutputDirectory.removeEmpty(created);
        created.clear();
    }
}
