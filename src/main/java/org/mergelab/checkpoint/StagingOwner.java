package org.mergelab.checkpoint;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that made a staging directory, recorded in it ({@value StagingDirectory#OWNER_FILE}) so that a later
 * command can prove the directory abandoned: same host, same boot ({@code /proc/sys/kernel/random/boot_id}), and
 * the pid is free or now belongs to a process that started at another time.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param host the host name, or null when unknown
 * @param bootId the kernel's boot id, or null when unknown (not Linux)
 * @param pid the process id
 * @param processStart the process start time (ISO-8601), or null when unknown
 */
@JsonPropertyOrder({"format", "format_version", "host", "boot_id", "pid", "process_start"})
record StagingOwner(String format, int formatVersion, String host, String bootId, long pid, String processStart) {

    static final String FORMAT = "mergelab-staging";
    static final int FORMAT_VERSION = 1;

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    /** This process. */
    static StagingOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new StagingOwner(FORMAT, FORMAT_VERSION, currentHost(), readLine(BOOT_ID), self.pid(),
                start(self).map(Instant::toString).orElse(null));
    }

    /**
     * True when this record's process is provably gone, judged from {@code here} (the current process): both
     * records know host, boot and start time, host and boot are equal, and the pid is free or belongs to a process
     * with another start time. Anything else (another host, another boot, a live owner, an unknown field) is false.
     */
    boolean provablyGone(StagingOwner here) {
        if (host == null || bootId == null || processStart == null || here.host() == null || here.bootId() == null
                || !host.equals(here.host()) || !bootId.equals(here.bootId())) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        Optional<Instant> start = start(process.get());
        return start.isPresent() && !start.get().toString().equals(processStart);
    }

    private static Optional<Instant> start(ProcessHandle process) {
        return process.info().startInstant();
    }

    private static String currentHost() {
        String name = readLine(HOSTNAME);
        if (name != null) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    private static String readLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
