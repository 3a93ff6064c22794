package org.mergelab.work;

import java.nio.file.Path;

/**
 * A worker process for tests: enters {@code args[0]} (sharing the lock when {@code args[1]} is {@code share}), prints
 * "alone" or "shared", and stays until its standard input closes.
 */
public final class PresenceHoldingWorker {

    private PresenceHoldingWorker() {}

    public static void main(String[] args) throws Exception {
        try (WorkerPresence presence = WorkerPresence.enter(Path.of(args[0]))) {
            boolean share = args.length > 1 && args[1].equals("share");
            if (share) {
                presence.share();
            }
            System.out.println(presence.alone() ? "alone" : "shared");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our input
            }
        }
    }
}
