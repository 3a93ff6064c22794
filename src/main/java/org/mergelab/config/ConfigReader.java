package org.mergelab.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads configuration records from YAML (a superset of JSON) strictly: an unknown key, a duplicate
 * key or a value of the wrong type is a {@link ConfigException} naming the file, the key path and
 * the known keys. Keys are snake_case.
 */
public final class ConfigReader {

    private static final ObjectMapper YAML = configure(new ObjectMapper(
            YAMLFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build()));

    private ConfigReader() {}

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The shared strict YAML mapper (snake_case keys). */
    public static ObjectMapper yaml() {
        return YAML;
    }

    /**
     * Reads a file into a record.
     *
     * @throws ConfigException naming the file and the key when it cannot be read
     */
    public static <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, type, file.toString());
    }

    /** Parses YAML text into a record; {@code source} names it in messages. */
    public static <T> T parse(String text, Class<T> type, String source) {
        try {
            T value = YAML.readValue(text, type);
            if (value == null) {
                throw new ConfigException(source + ": the configuration is empty");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(source + ": unknown key '" + path(e) + "' (known here: " + known + ")", e);
        } catch (JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root instanceof IllegalArgumentException || root instanceof ConfigException
                    ? root.getMessage() : e.getOriginalMessage();
            throw new ConfigException(source + ": bad value at '" + path(e) + "': " + why, e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Converts a tree (e.g. a part of a larger config) into a record, strictly. */
    public static <T> T convert(JsonNode node, Class<T> type, String source) {
        try {
            return parse(YAML.writeValueAsString(node), type, source);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Writes a record as YAML with every key, defaults included. */
    public static String toYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /** A record as a JSON tree (for lineage). */
    public static JsonNode toTree(Object value) {
        return YAML.valueToTree(value);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
