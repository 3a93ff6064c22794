package org.mergelab.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The content of a claim file {@code <key>.claim.<generation>}: who holds the claim, and a random token that tells
 * this holder's file from a later one of the same name. Format {@code mergelab-claim}, version 1, JSON:
 *
 * <pre>{"format":"mergelab-claim","version":1,"key":"…","generation":0,"token":"…","workerId":"w1",
 * "host":"node07","pid":4711,"processStartMillis":1735725600000,"pidNamespace":"…","claimedAt":"2025-…Z"}</pre>
 *
 * {@code processStartMillis} is -1 when the platform does not tell; {@code pidNamespace} (Linux: boot id and pid
 * namespace) is empty when unknown, and then no claim is judged dead by its process id.
 */
record ClaimFile(String format, int version, String key, long generation, String token, String workerId, String host,
        long pid, long processStartMillis, String pidNamespace, String claimedAt) {

    static final String FORMAT = "mergelab-claim";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The claim this process makes now. */
    static ClaimFile forThisProcess(String key, long generation, String token, String workerId) {
        ThisProcess self = ThisProcess.IDENTITY;
        return new ClaimFile(FORMAT, VERSION, key, generation, token, workerId, self.host(), self.pid(),
                self.startMillis(), self.pidNamespace(), Instant.now().toString());
    }

    /**
     * Creates {@code file} exclusively (O_CREAT|O_EXCL) with this content.
     *
     * @throws java.nio.file.FileAlreadyExistsException when another claimer created it first
     */
    void createExclusively(Path file) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(this);
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }
    }

    /**
     * Reads a claim file; empty while its creator has not yet written it, or when it is not a claim file of a
     * version this code knows.
     *
     * @throws java.nio.file.NoSuchFileException when it was deleted meanwhile
     */
    static Optional<ClaimFile> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            ClaimFile content = JSON.readValue(bytes, ClaimFile.class);
            return FORMAT.equals(content.format) && content.version == VERSION ? Optional.of(content)
                    : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The public view of this claim, with the file's modification time as the last heartbeat. */
    ClaimInfo info(FileTime modified) {
        return new ClaimInfo(key, generation, workerId, host, pid, instant(claimedAt, modified), modified.toInstant());
    }

    /** What is known of a claim whose file could not be read (being written, or of another version). */
    static ClaimInfo unknownHolder(String key, long generation, FileTime modified) {
        return new ClaimInfo(key, generation, "unknown", "unknown", -1, modified.toInstant(), modified.toInstant());
    }

    /**
     * Whether the holder was a process of this machine (same boot, same pid namespace) that no longer runs: its
     * pid is gone, or now belongs to a process started at another time.
     */
    boolean holderIsDeadHere() {
        ThisProcess self = ThisProcess.IDENTITY;
        if (pidNamespace.isEmpty() || !pidNamespace.equals(self.pidNamespace())) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return processStartMillis >= 0 && started.isPresent() && started.get().toEpochMilli() != processStartMillis;
    }

    private static Instant instant(String text, FileTime fallback) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return fallback.toInstant();
        }
    }

    /** This process as claim files describe it. */
    record ThisProcess(String host, long pid, long startMillis, String pidNamespace) {

        static final ThisProcess IDENTITY = detect();

        private static ThisProcess detect() {
            ProcessHandle self = ProcessHandle.current();
            long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
            return new ThisProcess(detectHostName(), self.pid(), start, detectPidNamespace());
        }

        private static String detectHostName() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            } catch (IOException | RuntimeException e) {
                try {
                    return java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException f) {
                    return "unknown";
                }
            }
        }

        /** Linux: boot id and pid namespace, so that a pid is only looked up where it means the same process. */
        private static String detectPidNamespace() {
            try {
                String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                        .strip();
                String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
                return boot + "/" + namespace;
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
