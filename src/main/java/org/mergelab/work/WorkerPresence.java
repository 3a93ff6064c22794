package org.mergelab.work;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Which workers are present in a shared output directory, by an operating-system lock on one file in it: every
 * worker holds a shared lock for as long as it runs, and a worker that starts while no other is present holds the
 * exclusive lock until it {@link #share()}s. Only a worker that was {@link #alone()} may delete what a killed
 * worker left (temporaries): no other worker can be writing one then, and none that arrives meanwhile writes
 * anything before it has the shared lock, which waits for the exclusive one to be given up.
 *
 * <p>Claims tell which units are being run; they do not tell that a worker has started and not yet claimed
 * anything, or has released its claims and is writing the run's reports. This lock covers the whole of a worker's
 * life. The operating system releases it when the process dies, however it dies. On a network filesystem the lock
 * is only as good as the filesystem's locking (NFSv4 locks are; see {@code docs/workers.md}).
 *
 * <p>Runs of the same JVM on one directory share one lock: a second one is never alone, and waits until the first
 * has given up the exclusive lock.
 */
public final class WorkerPresence implements AutoCloseable {

    /** Name of the lock file in the claims directory (which holds claim files, and ignores other names). */
    public static final String LOCK_FILE = "workers.lock";

    private static final Map<Path, Holder> HELD = new HashMap<>();

    /** This JVM's channel and lock on one lock file, with the number of runs using it. */
    private static final class Holder {
        final FileChannel channel;
        FileLock lock;
        int users;

        Holder(FileChannel channel) {
            this.channel = channel;
        }

        boolean exclusive() {
            return lock != null && !lock.isShared();
        }
    }

    private final Path file;
    private final Holder holder;
    private final boolean alone;
    private boolean closed;

    private WorkerPresence(Path file, Holder holder, boolean alone) {
        this.file = file;
        this.holder = holder;
        this.alone = alone;
    }

    /**
     * Enters {@code dir} (creating it): takes the exclusive lock when no other worker is present, or else waits
     * for a shared one (while a worker that was alone finishes its clean-up).
     */
    public static WorkerPresence enter(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(LOCK_FILE).toAbsolutePath().normalize();
        synchronized (HELD) {
            Holder holder = HELD.get(file);
            while (holder != null && holder.exclusive()) {
                try {
                    HELD.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting to enter " + dir);
                }
                holder = HELD.get(file);
            }
            if (holder != null) {
                holder.users++;
                return new WorkerPresence(file, holder, false);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                holder = new Holder(channel);
                holder.lock = channel.tryLock(0, Long.MAX_VALUE, false);
                boolean alone = holder.lock != null;
                if (!alone) {
                    holder.lock = channel.lock(0, Long.MAX_VALUE, true); // waits while a lone worker cleans up
                }
                holder.users = 1;
                HELD.put(file, holder);
                return new WorkerPresence(file, holder, alone);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /** Whether no other worker (of any process on this filesystem) was present when this one entered. */
    public boolean alone() {
        return alone;
    }

    /** Gives up the exclusive lock for a shared one, so that other workers may enter; a no-op when shared. */
    public void share() throws IOException {
        synchronized (HELD) {
            if (closed || !holder.exclusive()) {
                return;
            }
            holder.lock.release();
            holder.lock = null;
            try {
                holder.lock = holder.channel.lock(0, Long.MAX_VALUE, true);
            } finally {
                HELD.notifyAll();
            }
        }
    }

    /** Leaves the directory: the lock is released when the last run of this JVM in it leaves. */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            if (--holder.users == 0) {
                HELD.remove(file);
                try {
                    holder.channel.close(); // releases the lock
                } finally {
                    HELD.notifyAll();
                }
            }
        }
    }
}
