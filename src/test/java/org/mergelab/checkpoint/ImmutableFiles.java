package org.mergelab.checkpoint;

import java.nio.file.Path;

/** Files no one can delete, not even root ({@code chattr +i}), for tests of a failing deletion. */
public final class ImmutableFiles {

    private ImmutableFiles() {}

    /** Makes {@code file} immutable; false when this file system or machine does not allow it. */
    public static boolean lock(Path file) throws Exception {
        return chattr("+i", file);
    }

    /** Makes {@code file} deletable again. */
    public static void unlock(Path file) throws Exception {
        chattr("-i", file);
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false; // no chattr here
        }
    }
}
