package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The temporaries and staging directories this process is writing, deleted by a JVM shutdown hook: a command
 * stopped by SIGINT (Ctrl-C), SIGTERM or an early {@code System.exit} leaves none of them behind. (SIGKILL runs no
 * hook: {@link StagingDirectory#removeAbandoned} deals with what it leaves.)
 *
 * <p>Publishing (renaming a staging directory onto its final name) runs under a lock the hook also takes, so the hook
 * never deletes a directory while it becomes the output, and nothing is published once the hook has started.
 */
final class ShutdownCleanup {

    private static final Set<Path> PATHS = ConcurrentHashMap.newKeySet();
    private static final ReentrantLock PUBLISHING = new ReentrantLock();
    private static volatile boolean shuttingDown;

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

    /** Something that moves files into place. */
    interface Publication {
        void run() throws IOException;
    }

    /**
     * Runs {@code publication} while the shutdown hook cannot run.
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

    private static void run() {
        boolean locked = false;
        try {
            // a publication in progress finishes first (it renames, or deletes an old output, then returns)
            locked = PUBLISHING.tryLock(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shuttingDown = true;
        try {
            for (Path p : List.copyOf(PATHS)) {
                deleteTree(p);
            }
        } finally {
            if (locked) {
                PUBLISHING.unlock();
            }
        }
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
                deleteRecursively(root);
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                // a writer thread added or removed a file meanwhile (or the disk refused): walk again
                Thread.onSpinWait();
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
}
