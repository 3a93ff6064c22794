package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashesTest {

    @TempDir Path dir;

    /** SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void aSecondHashOfAnUnchangedFileComesFromTheCacheAndAChangedFileIsHashedAgain() throws IOException {
        Path cache = dir.resolve("cache");
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "abc");
        FileHashes hashes = new FileHashes(cache);
        assertThat(hashes.sha256(file)).isEqualTo(ABC).isEqualTo(FileHashes.sha256Uncached(file));
        List<Path> entries;
        try (var listing = Files.list(cache)) {
            entries = listing.toList();
        }
        assertThat(entries).hasSize(1);

        // the entry is used: a forged hash in it comes back while the file is unchanged
        String forged = "0".repeat(64);
        Files.writeString(entries.getFirst(), Files.readString(entries.getFirst()).replace(ABC, forged));
        assertThat(hashes.sha256(file)).isEqualTo(forged);

        // same size, mtime set back: ctime still moves, so the file is hashed again
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.writeString(file, "abd");
        Files.setLastModifiedTime(file, mtime);
        assertThat(hashes.sha256(file)).isEqualTo(FileHashes.sha256Uncached(file)).isNotEqualTo(forged);
    }

    @Test
    void aCorruptEntryOrAnUnwritableCacheMeansTheFileIsHashed() throws IOException {
        Path file = dir.resolve("a.bin");
        Files.writeString(file, "abc");
        Path cache = dir.resolve("cache");
        new FileHashes(cache).sha256(file);
        try (var listing = Files.list(cache)) {
            Files.writeString(listing.findFirst().orElseThrow(), "garbage");
        }
        assertThat(new FileHashes(cache).sha256(file)).isEqualTo(ABC);
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        assertThat(new FileHashes(notADirectory.resolve("cache")).sha256(file)).isEqualTo(ABC);
        assertThat(new FileHashes(null).sha256(file)).isEqualTo(ABC);
    }

    @Test
    void theCacheDirectoryComesFromTheEnvironment() {
        assertThat(FileHashes.cacheDirectory(Map.of(FileHashes.CACHE_ENV, "/x/y"))).isEqualTo(Path.of("/x/y"));
        assertThat(FileHashes.cacheDirectory(Map.of(FileHashes.CACHE_ENV, "off"))).isNull();
        assertThat(FileHashes.cacheDirectory(Map.of("XDG_CACHE_HOME", "/c"))).isEqualTo(Path.of("/c/mergelab/sha256"));
        assertThat(FileHashes.cacheDirectory(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "mergelab", "sha256"));
    }
}
