package org.mergelab;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiresInstalledTest {
    @Test
    void skipsLocallyFailsOnCi(@TempDir Path dir) {
        Path missing = dir.resolve("not-installed");
        String before = System.getProperty("mergelab.ci");
        try {
            System.setProperty("mergelab.ci", "false");
            assertThatThrownBy(() -> RequiresInstalled.paths("pkg-x", missing))
                    .isInstanceOf(TestAbortedException.class).hasMessageContaining("not-installed")
                    .hasMessageContaining("pkg-x");
            System.setProperty("mergelab.ci", "true");
            assertThatThrownBy(() -> RequiresInstalled.paths("pkg-x", missing))
                    .isInstanceOf(AssertionFailedError.class).hasMessageContaining("mergelab.ci=true");
            assertThatCode(() -> RequiresInstalled.paths("pkg-x", dir)).doesNotThrowAnyException();
        } finally {
            if (before == null) {
                System.clearProperty("mergelab.ci");
            } else {
                System.setProperty("mergelab.ci", before);
            }
        }
    }
}
