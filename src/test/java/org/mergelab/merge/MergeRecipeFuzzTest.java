package org.mergelab.merge;

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

/**
 * Fuzzes a merge recipe through {@link MergeRecipe#parse} (nothing is opened but the YAML). Documented:
 * {@link IllegalArgumentException} (an unsupported key or a bad value), {@link ConfigException} (YAML that
 * {@code ConfigReader} refuses: syntax, duplicate keys, anchors, size) and {@link IOException} (an unreadable file),
 * naming the recipe file. Corpus: {@code fuzz/recipe/}.
 */
class MergeRecipeFuzzTest {
    private static final Path DIR = ParserFuzzing.workDirectory(MergeRecipeFuzzTest.class, "recipe");
    private static final Path FILE = DIR.resolve("recipe.yaml");

    static Stream<Arguments> corpus() throws IOException {
        return ParserFuzzing.corpus("recipe");
    }

    @MethodSource("corpus")
    @FuzzTest // duration: jazzer.max_duration from the pom (mergelab.fuzz.seconds)
    void parseRecipe(byte[] input) throws IOException {
        Files.write(FILE, input);
        ParserFuzzing.check(FILE.toString(), List.of(IllegalArgumentException.class, ConfigException.class, IOException.class),
                () -> MergeRecipe.parse(FILE));
    }
}
