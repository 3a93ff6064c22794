package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AtomicFilesTest {

    @Test
    void finalPathDropsTheTemporarySuffixOfEveryName() {
        Path out = Path.of("/data/out");
        Path staged = AtomicFiles.temporarySibling(AtomicFiles.temporarySibling(out).resolve("model.safetensors"));
        assertThat(AtomicFiles.finalPath(staged)).isEqualTo(Path.of("/data/out/model.safetensors"));
        assertThat(AtomicFiles.finalPath(Path.of("/data/a.tmp-1234/b"))).isEqualTo(Path.of("/data/a.tmp-1234/b"));
    }

    @Test
    void cannotWriteNamesTheFinalPathAndTheReason() {
        Path target = Path.of("/data/out/model.safetensors");
        Path temporary = AtomicFiles.temporarySibling(target);
        assertThat(AtomicFiles.cannotWrite(target, new IOException("No space left on device")))
                .hasMessage("cannot write /data/out/model.safetensors: No space left on device");
        assertThat(AtomicFiles.cannotWrite(target, new NoSuchFileException(temporary.toString())))
                .hasMessage("cannot write /data/out/model.safetensors: no such file or directory");
        assertThat(AtomicFiles.cannotWrite(target, new FileSystemException("/data", null, "Not a directory")))
                .hasMessage("cannot write /data/out/model.safetensors: /data: Not a directory");
    }
}
