package org.mergelab.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mergelab.ParserFuzzing;
import org.mergelab.ParserFuzzing.TwoFiles;
import org.mergelab.data.CifarDataset.Variant;

/**
 * Fuzzes the CIFAR binary reader through {@link CifarDataset#load}. An input is {@link TwoFiles}: the class-names
 * file, then the data file; flag bit 0 selects CIFAR-100 (else CIFAR-10), bit 1 writes the names file, bit 2 puts
 * the files in the variant's subdirectory ({@code cifar-10-batches-bin}, ...), bit 3 loads the training set (every
 * CIFAR-10 training batch gets the same data). Documented: {@link IOException} naming the file. Corpus:
 * {@code fuzz/cifar/}.
 */
class CifarDatasetFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(CifarDatasetFuzzTest.class, "cifar");

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("cifar");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void loadRecordsAndNames(byte[] input) throws IOException {
        TwoFiles files = TwoFiles.of(input);
        Variant variant = files.flag(0) ? Variant.CIFAR100 : Variant.CIFAR10;
        boolean train = files.flag(3);
        ParserFuzzing.emptyDirectory(DIR);
        Path root = files.flag(2) ? Files.createDirectory(DIR.resolve(variant.subdir)) : DIR;
        if (files.flag(1)) {
            Files.write(root.resolve(variant.namesFile), files.first());
        }
        for (String name : dataFiles(variant, train)) {
            Files.write(root.resolve(name), files.second());
        }
        ParserFuzzing.check(DIR.toString(), List.of(IOException.class), () -> CifarDataset.load(DIR, variant, train));
    }

    private static List<String> dataFiles(Variant variant, boolean train) {
        if (variant == Variant.CIFAR100) {
            return List.of(train ? "train.bin" : "test.bin");
        }
        return train ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin") : List.of("test_batch.bin");
    }
}
