package org.mergelab.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * This worker's claim on one unit, made by {@link ClaimDirectory#tryClaim}: its claim file
 * {@code <key>.claim.<generation>} is kept fresh by the directory's heartbeat until {@link #close()} deletes it.
 *
 * <p>The claim is lost when another worker took it over (a higher generation exists) or its file disappeared or
 * was replaced, as the next heartbeat finds out; or when heartbeats have failed for the whole timeout. A lost
 * claim stays lost.
 */
public final class Claim implements AutoCloseable {

    private final ClaimDirectory directory;
    private final String key;
    private final long generation;
    private final String token;
    private final Path file;
    private final Optional<ClaimInfo> tookOverFrom;
    private volatile long lastHeartbeatNanos;
    private volatile String lostReason;
    private boolean closed;

    Claim(ClaimDirectory directory, String key, long generation, String token, Path file,
            Optional<ClaimInfo> tookOverFrom) {
        this.directory = directory;
        this.key = key;
        this.generation = generation;
        this.token = token;
        this.file = file;
        this.tookOverFrom = tookOverFrom;
        this.lastHeartbeatNanos = System.nanoTime();
    }

    /** The claimed unit's key. */
    public String key() {
        return key;
    }

    /** 0 for a first claim, one more for each take-over of a dead holder. */
    public long generation() {
        return generation;
    }

    /** The holder whose stale claim this one replaced, if it was a take-over. */
    public Optional<ClaimInfo> tookOverFrom() {
        return tookOverFrom;
    }

    /** True once another worker took this claim over, or it could not be kept alive: stop, do not publish. */
    public boolean lost() {
        return lostReason != null;
    }

    /** Why the claim was lost, e.g. {@code taken over: generation 2 exists}; empty while it is held. */
    public Optional<String> lostReason() {
        return Optional.ofNullable(lostReason);
    }

    /**
     * One heartbeat: checks that no higher generation exists and that the file is still this claim's, then sets
     * its modification time to now.
     */
    void heartbeat() {
        if (lost()) {
            return;
        }
        try {
            NavigableMap<Long, Path> generations = directory.generations(key);
            Map.Entry<Long, Path> highest = generations.lastEntry();
            if (highest != null && highest.getKey() > generation) {
                markLost("taken over: " + highest.getValue().getFileName() + " exists");
                return;
            }
            if (!isStillMine()) {
                markLost("claim file " + file + " was deleted or replaced: another worker took it over");
                return;
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            lastHeartbeatNanos = System.nanoTime();
        } catch (NoSuchFileException e) {
            markLost("claim file " + file + " was deleted: another worker took it over");
        } catch (IOException | RuntimeException e) {
            if (System.nanoTime() - lastHeartbeatNanos > directory.heartbeatTimeoutNanos()) {
                markLost("heartbeat failing for the whole timeout: " + e);
            }
        }
    }

    private boolean isStillMine() throws IOException {
        Optional<ClaimFile> content = ClaimFile.read(file);
        return content.isPresent() && content.get().token().equals(token);
    }

    private void markLost(String reason) {
        if (lostReason == null) {
            lostReason = reason;
        }
    }

    /**
     * Releases the claim: deletes its file, and the files of the lower generations it replaced. A lost claim
     * deletes only its own file, and only if it still is its own.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        directory.forget(this);
        if (lost()) {
            try {
                if (isStillMine()) {
                    Files.deleteIfExists(file);
                }
            } catch (NoSuchFileException e) {
                // already gone
            }
            return;
        }
        for (Path lower : directory.generations(key).headMap(generation, false).values()) {
            Files.deleteIfExists(lower);
        }
        Files.deleteIfExists(file);
    }

    /** Forgets the claim without deleting its file, as a killed process would. */
    void abandon() {
        closed = true;
    }

    @Override
    public String toString() {
        return file.getFileName() + (lost() ? " (lost: " + lostReason + ")" : "");
    }
}
