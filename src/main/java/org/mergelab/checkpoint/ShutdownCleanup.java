package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporaries and staging directories this process is writing, deleted by a JVM shutdown hook: a command
 * stopped by SIGINT (Ctrl-C), SIGTERM or an early {@code System.exit} leaves none of them behind. (SIGKILL runs no
 * hook: {@link StagingDirectory#removeAbandoned} deals with what it leaves.)
 *
 * <p>The hook waits for a publication in progress and stops later ones ({@link AtomicFiles#publish}), so it never
 * deletes a directory while it becomes the output.
 */
final class ShutdownCleanup {

    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("mergelab-cleanup").unstarted(ShutdownCleanup::run));
    }

    private ShutdownCleanup() {}

    /** Deletes {@code path} (a file, or a directory with everything in it) if the JVM shuts down first. */
    static void register(Path path) {
        PATHS.add(path.toAbsolutePath().normalize());
    }

    /** {@code path} was published or deleted: the hook leaves it alone. */
    static void forget(Path path) {
        PATHS.remove(path.toAbsolutePath().normalize());
    }

    private static void run() {
        AtomicFiles.afterLastPublication(() -> {
            for (Path p : List.copyOf(PATHS)) {
                deleteTree(p);
            }
        });
    }

    /**
     * Deletes a file or a directory tree without following links, retrying while other threads of this process
     * still create files in it. Best effort: a path that cannot be deleted is left.
     */
    private static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                AtomicFiles.deleteRecursively(root);
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                // a writer thread added or removed a file meanwhile (or the disk refused): walk again
                Thread.onSpinWait();
            }
        }
    }
}
