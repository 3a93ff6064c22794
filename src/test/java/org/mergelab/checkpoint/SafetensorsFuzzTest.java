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
 * Fuzzes a single safetensors file through {@link TensorSource#open} (header, offsets, then every tensor mapped and
 * converted to floats). Documented: {@link IOException} (a {@link CheckpointFormatException} for a malformed file)
 * naming the file. Corpus: {@code fuzz/safetensors/}.
 */
class SafetensorsFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(SafetensorsFuzzTest.class, "safetensors");
    private static final Path FILE = DIR.resolve("input.safetensors");

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("safetensors");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void openAndReadEveryTensor(byte[] input) throws IOException {
        Files.write(FILE, input);
        ParserFuzzing.check(DIR.toString(), List.of(IOException.class), () -> {
            try (TensorSource source = TensorSource.open(FILE); Arena arena = Arena.ofConfined()) {
                for (TensorInfo info : source.tensors()) {
                    source.read(info.name(), arena).toFloats();
                }
            }
        });
    }
}
