package org.mergelab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @TempDir Path dir;

    record Pair(Integer a, Map<String, Integer> b) {}

    @Test
    void readsAPlainFileAsRecordAndTree() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), "a: 1\nb: {x: 2}\n");
        assertThat(ConfigReader.read(file, Pair.class)).isEqualTo(new Pair(1, Map.of("x", 2)));
        assertThat(ConfigReader.readTree(file).get("b").get("x").asInt()).isEqualTo(2);
    }

    @Test
    void aCharacterYamlDoesNotAllowIsAConfigErrorNamingTheFile() throws Exception {
        // found by MergeRecipeFuzzTest: SnakeYAML's ReaderException escaped the anchor scan undocumented
        Path file = Files.writeString(dir.resolve("ctl.yaml"), "merge_method: linear\nmodels: [\u0001]\n");
        assertThatThrownBy(() -> ConfigReader.readTree(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML: character U+0001 at character 30 is not allowed");
        assertThatThrownBy(() -> ConfigReader.read(file, Pair.class)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void refusesAFileOverOneMebibyteBeforeParsingIt() throws Exception {
        // not even valid YAML: the size alone is refused
        Path file = Files.writeString(dir.resolve("big.yaml"), "a: [" + "1, ".repeat(400_000));
        assertThat(Files.size(file)).isGreaterThan(ConfigReader.MAX_FILE_BYTES);
        assertThatThrownBy(() -> ConfigReader.readTree(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("limit of 1048576 bytes");
        Path justUnder = Files.writeString(dir.resolve("under.yaml"),
                "a: 1\n#" + "x".repeat((int) ConfigReader.MAX_FILE_BYTES - 7) + "\n");
        assertThat(Files.size(justUnder)).isEqualTo(ConfigReader.MAX_FILE_BYTES);
        assertThat(ConfigReader.read(justUnder, Pair.class).a()).isEqualTo(1);
    }

    @Test
    void refusesAnchorsAndAliasesNamingTheLine() {
        assertThatThrownBy(() -> ConfigReader.parse("a: 1\nb: &x {y: 2}\n", Pair.class, "f.yaml"))
                .hasMessage("f.yaml: line 2: YAML anchor '&x' is not accepted; write the value out where it is used");
        assertThatThrownBy(() -> ConfigReader.parse("a: *z\n", Pair.class, "f.yaml"))
                .hasMessageContaining("f.yaml: line 1: YAML alias '*z'");
    }

    @Test
    void namesTheFileAndLineOfDuplicateKeysSyntaxErrorsAndBadNumbers() {
        assertThatThrownBy(() -> ConfigReader.parse("a: 1\nb: {y: 2, y: 3}\n", Pair.class, "f.yaml"))
                .hasMessageStartingWith("f.yaml: duplicate key at line 2").hasMessageContaining("'y' is given twice");
        assertThatThrownBy(() -> ConfigReader.parse("a: [1\nb: 2\n", Pair.class, "f.yaml"))
                .hasMessageStartingWith("f.yaml: not valid YAML at line 2: ");
        assertThatThrownBy(() -> ConfigReader.parse("a: 1\nb: {x: .nan}\n", Pair.class, "f.yaml"))
                .hasMessage("f.yaml: bad value at 'b': '.nan' is not a number");
        assertThatThrownBy(() -> ConfigReader.parse("[a, .nan]\n", JsonNode.class, "f.yaml"))
                .hasMessageStartingWith("f.yaml: bad number at line 1: ").hasMessageContaining("'.nan'");
    }

    @Test
    void refusesWhatIsNotARegularFile() throws Exception {
        Path fifo = dir.resolve("fifo.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> ConfigReader.readTree(fifo)).hasMessageContaining(fifo + ": is not a regular file");
        assertThatThrownBy(() -> ConfigReader.readTree(dir)).hasMessageContaining(dir + ": is a directory");
        assertThatThrownBy(() -> ConfigReader.readTree(dir.resolve("none.yaml")))
                .hasMessageContaining("config file not found: " + dir.resolve("none.yaml"));
    }
}
