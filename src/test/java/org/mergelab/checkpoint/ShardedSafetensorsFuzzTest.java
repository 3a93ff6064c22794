package org.mergelab.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mergelab.ParserFuzzing;

/**
 * Fuzzes a {@value ShardedSafetensors#INDEX_FILE_NAME} next to the two golden shards
 * ({@code safetensors/sharded/}) through {@link TensorSource#open}, reading every tensor. Documented:
 * {@link IOException} (a {@link CheckpointFormatException} for a malformed index or one that disagrees with its
 * shards, a {@link java.nio.file.NoSuchFileException} for a shard that is not there) naming the index or the shard.
 * Corpus: {@code fuzz/sharded-index/}.
 */
class ShardedSafetensorsFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(ShardedSafetensorsFuzzTest.class, "sharded-index");
    private static final Path INDEX = DIR.resolve(ShardedSafetensors.INDEX_FILE_NAME);

    static {
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            try {
                Files.copy(GoldenFiles.path("sharded/" + shard), DIR.resolve(shard));
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy the golden shard " + shard, e);
            }
        }
    }

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("sharded-index");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void openIndexAndReadEveryTensor(byte[] input) throws IOException {
        Files.write(INDEX, input);
        ParserFuzzing.check(DIR.toString(), List.of(IOException.class), () -> {
            try (TensorSource source = TensorSource.open(INDEX); Arena arena = Arena.ofConfined()) {
                for (TensorInfo info : source.tensors()) {
                    source.read(info.name(), arena).toFloats();
                }
            }
        });
    }
}
