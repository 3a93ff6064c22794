package org.mergelab.work;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claims on units of work in a directory that several workers share (local processes, or cluster nodes on a
 * network filesystem), so that each unit runs once and a dead worker's unit is taken over.
 *
 * <p>A claim is a file {@code <key>.claim.<generation>} made by exclusive create (O_CREAT|O_EXCL): of all who try,
 * one wins. The current claim on a key is its highest generation present. Its holder keeps it fresh with a
 * heartbeat: one daemon thread per directory sets each held claim file's modification time every quarter of the
 * heartbeat timeout. A claim is stale when this process has watched its file unchanged for the whole timeout, by
 * its own monotonic clock (so clocks of different machines need not agree); whoever then creates generation
 * {@code g+1} exclusively has taken it over, and the old holder's next heartbeat marks its {@link Claim} lost. A
 * claim of a process on this machine (same boot and pid namespace) that no longer runs is stale at once.
 *
 * <p>What the filesystem must guarantee (atomic exclusive create, modification times visible to other clients
 * within the timeout) is in {@code docs/workers.md}. The directory should hold claim files only; other names are
 * ignored. Closing the directory, or the JVM shutting down normally, releases the claims still held.
 */
public final class ClaimDirectory implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("[0-9A-Za-z_-]{1,128}");
    private static final Pattern CLAIM_FILE = Pattern.compile("([0-9A-Za-z_-]{1,128})\\.claim\\.([0-9]{1,18})");
    private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(20);

    private final Path dir;
    private final String workerId;
    private final Duration heartbeatTimeout;
    private final long timeoutNanos;
    private final Map<String, Claim> held = new ConcurrentHashMap<>();
    private final Map<String, Observation> observed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;
    private final Thread releaseAtShutdown;
    private volatile boolean heartbeatSuspended;
    private volatile boolean closed;

    /** What this process last saw of a key's current claim file, and since when (monotonic clock). */
    private record Observation(long generation, FileTime modified, String token, long sinceNanos) {

        boolean sameAs(long otherGeneration, FileTime otherModified, String otherToken) {
            return generation == otherGeneration && modified.equals(otherModified) && token.equals(otherToken);
        }
    }

    private ClaimDirectory(Path dir, String workerId, Duration heartbeatTimeout) {
        this.dir = dir;
        this.workerId = workerId;
        this.heartbeatTimeout = heartbeatTimeout;
        this.timeoutNanos = heartbeatTimeout.toNanos();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "claim-heartbeat-" + workerId);
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, timeoutNanos / 4);
        heartbeat.scheduleWithFixedDelay(this::heartbeatAll, period, period, TimeUnit.NANOSECONDS);
        this.releaseAtShutdown = new Thread(this::releaseAtShutdown, "claim-release-" + workerId);
        Runtime.getRuntime().addShutdownHook(releaseAtShutdown);
    }

    /**
     * Opens (creating it if missing) the claim directory {@code dir} for one worker.
     *
     * @param workerId names this worker in claim files and messages, e.g. {@code w3} or a Slurm task id
     * @param heartbeatTimeout how long a claim file may stay unchanged before its holder counts as dead; at least
     *     20 ms, and well above the filesystem's modification-time granularity and attribute caching
     */
    public static ClaimDirectory open(Path dir, String workerId, Duration heartbeatTimeout) throws IOException {
        if (workerId == null || workerId.isBlank() || workerId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("worker id must be a non-blank single line: '" + workerId + "'");
        }
        if (heartbeatTimeout == null || heartbeatTimeout.compareTo(SHORTEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException("heartbeat timeout must be at least " + SHORTEST_TIMEOUT.toMillis()
                    + " ms: " + heartbeatTimeout);
        }
        Files.createDirectories(dir);
        return new ClaimDirectory(dir, workerId, heartbeatTimeout);
    }

    /** A worker id for this process: host name and process id, e.g. {@code vm:4210}. */
    public static String processWorkerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** This worker's id. */
    public String workerId() {
        return workerId;
    }

    /** The heartbeat timeout this directory was opened with. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** The directory of the claim files. */
    public Path directory() {
        return dir;
    }

    /**
     * Claims the unit with key {@code unitKey} if nobody holds it, or takes it over if its claim is stale.
     *
     * @return the claim, or empty when another worker (or this directory already) holds a fresh claim on it
     * @throws IllegalArgumentException when the key is not made of {@code [0-9A-Za-z_-]} (1 to 128 characters)
     */
    public Optional<Claim> tryClaim(String unitKey) throws IOException {
        if (unitKey == null || !KEY.matcher(unitKey).matches()) {
            throw new IllegalArgumentException("unit key must be 1 to 128 characters of [0-9A-Za-z_-]: '"
                    + unitKey + "'");
        }
        if (closed) {
            throw new IllegalStateException("claim directory " + dir + " of worker " + workerId + " is closed");
        }
        if (held.containsKey(unitKey)) {
            return Optional.empty();
        }
        Map.Entry<Long, Path> current = generations(unitKey).lastEntry();
        long generation = 0;
        Optional<ClaimInfo> previous = Optional.empty();
        if (current != null) {
            Optional<ClaimInfo> stale = staleClaim(unitKey, current.getKey(), current.getValue());
            if (stale.isEmpty()) {
                return Optional.empty();
            }
            generation = current.getKey() + 1;
            previous = stale;
        }
        String token = UUID.randomUUID().toString();
        Path file = claimFile(unitKey, generation);
        try {
            ClaimFile.forThisProcess(unitKey, generation, token, workerId).createExclusively(file);
        } catch (FileAlreadyExistsException e) {
            return Optional.empty();
        }
        Claim claim = new Claim(this, unitKey, generation, token, file, previous);
        held.put(unitKey, claim);
        observed.remove(unitKey);
        return Optional.of(claim);
    }

    /**
     * The claims in the directory that are not known to be stale, whoever holds them (this worker included). A
     * claim seen for the first time counts as live until this directory has watched it unchanged for the timeout,
     * unless its holder is a process of this machine that no longer runs.
     */
    public List<ClaimInfo> live() throws IOException {
        Map<String, Map.Entry<Long, Path>> current = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.claim.*")) {
            for (Path file : files) {
                Matcher m = CLAIM_FILE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    long generation = Long.parseLong(m.group(2));
                    Map.Entry<Long, Path> seen = current.get(m.group(1));
                    if (seen == null || seen.getKey() < generation) {
                        current.put(m.group(1), Map.entry(generation, file));
                    }
                }
            }
        }
        List<ClaimInfo> live = new ArrayList<>();
        for (Map.Entry<String, Map.Entry<Long, Path>> e : current.entrySet()) {
            Map.Entry<Long, Path> claim = e.getValue();
            try {
                BasicFileAttributes attributes = Files.readAttributes(claim.getValue(), BasicFileAttributes.class);
                Optional<ClaimFile> content = ClaimFile.read(claim.getValue());
                if (!isStale(e.getKey(), claim.getKey(), attributes.lastModifiedTime(), content)) {
                    live.add(info(e.getKey(), claim.getKey(), attributes.lastModifiedTime(), content));
                }
            } catch (NoSuchFileException gone) {
                // released meanwhile
            }
        }
        return live;
    }

    /**
     * The claim on {@code key} whose file is {@code file}, if it is stale; empty while it is fresh (or vanished).
     */
    private Optional<ClaimInfo> staleClaim(String key, long generation, Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Optional<ClaimFile> content = ClaimFile.read(file);
            FileTime modified = attributes.lastModifiedTime();
            return isStale(key, generation, modified, content)
                    ? Optional.of(info(key, generation, modified, content))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private boolean isStale(String key, long generation, FileTime modified, Optional<ClaimFile> content) {
        if (content.isPresent() && content.get().holderIsDeadHere()) {
            return true;
        }
        String token = content.map(ClaimFile::token).orElse("");
        long now = System.nanoTime();
        Observation seen = observed.compute(key, (k, old) ->
                old != null && old.sameAs(generation, modified, token) ? old
                        : new Observation(generation, modified, token, now));
        return now - seen.sinceNanos() >= timeoutNanos;
    }

    private static ClaimInfo info(String key, long generation, FileTime modified, Optional<ClaimFile> content) {
        return content.map(c -> c.info(modified)).orElseGet(() -> ClaimFile.unknownHolder(key, generation, modified));
    }

    /** The claim files present for {@code key}, by generation. */
    NavigableMap<Long, Path> generations(String key) throws IOException {
        NavigableMap<Long, Path> found = new TreeMap<>();
        String prefix = key + ".claim.";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path file : files) {
                Matcher m = CLAIM_FILE.matcher(file.getFileName().toString());
                if (m.matches() && m.group(1).equals(key)) {
                    found.put(Long.parseLong(m.group(2)), file);
                }
            }
        }
        return found;
    }

    private Path claimFile(String key, long generation) {
        return dir.resolve(key + ".claim." + generation);
    }

    long heartbeatTimeoutNanos() {
        return timeoutNanos;
    }

    void forget(Claim claim) {
        held.remove(claim.key(), claim);
    }

    private void heartbeatAll() {
        if (heartbeatSuspended) {
            return;
        }
        for (Claim claim : held.values()) {
            claim.heartbeat();
        }
    }

    /** Stops heartbeating without releasing, as a stalled process would (tests). */
    void suspendHeartbeat() {
        heartbeatSuspended = true;
    }

    /** Heartbeats again after {@link #suspendHeartbeat()}; the next heartbeat finds out whether claims were lost. */
    void resumeHeartbeat() {
        heartbeatSuspended = false;
    }

    /** Stops the heartbeat and forgets every held claim without deleting its file, as a killed process would. */
    void abandon() {
        closed = true;
        heartbeat.shutdownNow();
        removeShutdownHook();
        for (Claim claim : held.values()) {
            claim.abandon();
        }
        held.clear();
    }

    private void releaseAll() throws IOException {
        IOException first = null;
        for (Claim claim : List.copyOf(held.values())) {
            try {
                claim.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void releaseAtShutdown() {
        try {
            releaseAll();
        } catch (IOException e) {
            System.err.println("cannot release the claims of worker " + workerId + " in " + dir + " (they go stale"
                    + " after " + heartbeatTimeout + "): " + e.getMessage());
        }
    }

    /** Releases every claim still held and stops the heartbeat. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.shutdownNow();
        removeShutdownHook();
        releaseAll();
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(releaseAtShutdown);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }

    @Override
    public String toString() {
        return "claims of worker " + workerId + " in " + dir;
    }
}
