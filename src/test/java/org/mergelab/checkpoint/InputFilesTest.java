package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files of a model directory are read only when they resolve inside it, or into the hub cache's blobs. */
class InputFilesTest {

    @TempDir Path dir;

    @Test
    void aLinkOutOfTheModelDirectoryIsRefusedNamingBothPaths() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        Path secret = Files.writeString(dir.resolve("secret.txt"), "x");
        Path link = Files.createSymbolicLink(model.resolve("tokenizer.json"), secret);
        assertThatThrownBy(() -> InputFiles.requireInside(model, link))
                .hasMessageContaining("tokenizer.json").hasMessageContaining("outside the model directory");
        Path inside = Files.writeString(model.resolve("config.json"), "{}");
        assertThat(InputFiles.requireInside(model, inside)).isEqualTo(inside);
    }

    @Test
    void aHuggingFaceHubSnapshotMayLinkIntoItsBlobsButNowhereElse() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("hub/models--org--tiny"));
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abc"));
        Path blob = Files.writeString(blobs.resolve("9f86d081884c7d65"), "{}");
        Path config = Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/9f86d081884c7d65"));
        assertThat(InputFiles.requireInside(snapshot, config)).isEqualTo(config);
        // a blob of another repository, or a file beside the blobs, is still outside
        Path other = Files.createDirectories(dir.resolve("hub/models--org--other/blobs"));
        Path foreign = Files.writeString(other.resolve("aa"), "{}");
        Path link = Files.createSymbolicLink(snapshot.resolve("tokenizer.json"), foreign);
        assertThatThrownBy(() -> InputFiles.requireInside(snapshot, link)).hasMessageContaining("outside");
        Path beside = Files.writeString(repo.resolve("refs.txt"), "main");
        Path link2 = Files.createSymbolicLink(snapshot.resolve("vocab.txt"), beside);
        assertThatThrownBy(() -> InputFiles.requireInside(snapshot, link2)).hasMessageContaining("outside");
        // the rule needs the snapshots/REVISION layout
        Path plain = Files.createDirectories(repo.resolve("plain"));
        Path link3 = Files.createSymbolicLink(plain.resolve("config.json"), blob);
        assertThatThrownBy(() -> InputFiles.requireInside(plain, link3)).hasMessageContaining("outside");
    }
}
