package org.mergelab.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mergelab.ParserFuzzing;
import org.mergelab.ParserFuzzing.TwoFiles;

/**
 * Fuzzes the IDX reader through {@link FashionMnist#load(Path, boolean)}. An input is {@link TwoFiles}: the image
 * file, then the label file; flag bit 0 gzips the image file, bit 1 the label file (otherwise the bytes are written
 * as they are under the {@code .gz} name), bit 2 selects the test split ({@code t10k-*}). Documented:
 * {@link IOException} naming the file. Corpus: {@code fuzz/idx/}.
 */
class FashionMnistFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(FashionMnistFuzzTest.class, "idx");

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("idx");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void loadImagesAndLabels(byte[] input) throws IOException {
        TwoFiles files = TwoFiles.of(input);
        boolean train = !files.flag(2);
        String prefix = train ? "train" : "t10k";
        Files.write(DIR.resolve(prefix + "-images-idx3-ubyte.gz"), files.flag(0) ? gzip(files.first()) : files.first());
        Files.write(DIR.resolve(prefix + "-labels-idx1-ubyte.gz"), files.flag(1) ? gzip(files.second()) : files.second());
        ParserFuzzing.check(DIR.toString(), List.of(IOException.class), () -> FashionMnist.load(DIR, train));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
