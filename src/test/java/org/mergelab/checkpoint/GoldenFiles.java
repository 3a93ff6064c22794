package org.mergelab.checkpoint;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the golden files written by {@code src/test/resources/safetensors/make_golden.py}. */
final class GoldenFiles {
    private GoldenFiles() {}

    static Path path(String name) {
        try {
            return Path.of(GoldenFiles.class.getResource("/safetensors/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("golden file missing: " + name, e);
        }
    }
}
