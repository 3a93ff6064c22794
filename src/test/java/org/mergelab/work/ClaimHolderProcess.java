package org.mergelab.work;

import java.nio.file.Path;
import java.time.Duration;

/** A worker process for {@link TakeOverTest}: claims a key as worker {@code child}, says so, and holds it. */
public final class ClaimHolderProcess {

    private ClaimHolderProcess() {}

    /** Arguments: claim directory, unit key. */
    public static void main(String[] args) throws Exception {
        ClaimDirectory claims = ClaimDirectory.open(Path.of(args[0]), "child", Duration.ofMinutes(1));
        Claim claim = claims.tryClaim(args[1]).orElseThrow();
        System.out.println("claimed " + claim.key());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5));
    }
}
