package org.mergelab.experiment;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mergelab.ParserFuzzing;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;

/**
 * Fuzzes an experiment file as {@code mergelab run} reads it: {@link ConfigReader#read} into an
 * {@link ExperimentConfig} (defaults and validation included). Documented: {@link ConfigException} naming the file.
 * Corpus: {@code fuzz/experiment-config/}.
 */
class ExperimentConfigFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(ExperimentConfigFuzzTest.class, "experiment-config");
    private static final Path FILE = DIR.resolve("experiment.yaml");

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("experiment-config");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void readExperimentConfig(byte[] input) throws IOException {
        Files.write(FILE, input);
        ParserFuzzing.check(FILE.toString(), List.of(ConfigException.class),
                () -> ConfigReader.read(FILE, ExperimentConfig.class));
    }
}
