package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;

/**
 * The result file of a unit that does not make a checkpoint ({@code units/NAME.json}): a format header, the unit's
 * name and key, and its rows, each a record. Written atomically; read back strictly (an unknown format or version,
 * a missing or unknown key is an error naming the file).
 */
final class UnitResults {

    /** The {@code format} of unit result files. */
    static final String FORMAT = "mergelab-unit-result";

    /** The version this mergelab writes and reads. */
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private UnitResults() {}

    /** The file's header and rows. */
    @JsonPropertyOrder({"format", "format_version", "unit", "unit_key", "rows"})
    record File<R>(String format, int formatVersion, String unit, String unitKey, List<R> rows) {}

    /** The header alone, for reading the key without the rows. */
    @JsonPropertyOrder({"format", "format_version", "unit", "unit_key"})
    private record Header(String format, int formatVersion, String unit, String unitKey) {}

    /** Writes a unit's rows atomically to its output. */
    static <R> void write(ExperimentUnit unit, List<R> rows) {
        try {
            AtomicFiles.writeString(unit.output(), JSON.writeValueAsString(new File<>(FORMAT, FORMAT_VERSION, unit.name(), unit.key(), rows)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + unit.output() + ": " + e.getMessage(), e);
        }
    }

    /** The unit key of a result file of this format, or null when the file is missing or is not one. */
    static String keyOf(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node != null && FORMAT.equals(node.path("format").asText()) ? node.path("unit_key").asText(null) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Reads a unit's rows.
     *
     * @throws ConfigException naming the file when it is not a result of this unit, has an unknown version, or a row
     *     lacks a key
     */
    static <R> List<R> read(ExperimentUnit unit, Class<R> rowType) {
        Path file = unit.output();
        JsonNode tree = ConfigReader.readTree(file);
        JsonNode rows = tree.path("rows");
        if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) {
            throw new ConfigException(file + ": not a unit result");
        }
        com.fasterxml.jackson.databind.node.ObjectNode header = object.deepCopy();
        header.remove("rows");
        Header h = ConfigReader.convertComplete(header, Header.class, file.toString());
        if (!FORMAT.equals(h.format())) {
            throw new ConfigException(file + ": format '" + h.format() + "' is not a unit result (" + FORMAT + ")");
        }
        if (h.formatVersion() != FORMAT_VERSION) {
            throw new ConfigException(file + ": unknown unit-result format_version " + h.formatVersion() + " (this mergelab reads "
                    + FORMAT_VERSION + ")");
        }
        if (!unit.key().equals(h.unitKey())) {
            throw new ConfigException(file + ": holds the result of another unit (unit key differs)");
        }
        if (!rows.isArray()) {
            throw new ConfigException(file + ": missing key 'rows'");
        }
        List<R> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(ConfigReader.convertComplete(rows.get(i), rowType, file + ": rows[" + i + "]"));
        }
        return out;
    }
}
