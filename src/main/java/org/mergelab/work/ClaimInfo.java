package org.mergelab.work;

import java.time.Instant;

/**
 * Who holds a claim, as its claim file says, for messages and for deciding what {@code --force} may do.
 *
 * @param key the unit's key
 * @param generation the claim's generation: 0 for a first claim, one more for each take-over
 * @param workerId the holder's worker id ({@code unknown} while the holder is still writing the file)
 * @param host the holder's host name
 * @param pid the holder's process id (-1 when unknown)
 * @param claimedAt when the holder claimed the unit, by the holder's clock
 * @param lastHeartbeat the claim file's modification time: the holder's last heartbeat, by the holder's clock
 */
public record ClaimInfo(String key, long generation, String workerId, String host, long pid, Instant claimedAt,
        Instant lastHeartbeat) {

    /** E.g. {@code worker w2 (pid 4711 on node07) since 2025-01-01T10:00:00Z}. */
    public String describe() {
        return "worker " + workerId + " (pid " + pid + " on " + host + ") since " + claimedAt;
    }
}
