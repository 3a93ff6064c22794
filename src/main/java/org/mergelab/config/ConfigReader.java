package org.mergelab.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
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
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads configuration records from YAML (a superset of JSON) strictly: an unknown key, a duplicate
 * key or a value of the wrong type is a {@link ConfigException} naming the file, the key path and
 * the known keys. Keys are snake_case. Files are refused before parsing when they are not regular files
 * or hold more than {@link #MAX_FILE_BYTES} (1 MiB); YAML anchors and aliases are refused, naming the line.
 */
public final class ConfigReader {

    private static final ObjectMapper YAML = configure(new ObjectMapper(
            YAMLFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build()));

    /** Largest configuration file read (1 MiB): a larger one is refused before it is parsed. */
    public static final long MAX_FILE_BYTES = 1L << 20;

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
        return parse(readText(file), type, file.toString());
    }

    /**
     * Reads a file as a tree, with the checks of {@link #read}: a regular file of at most {@link #MAX_FILE_BYTES},
     * UTF-8, valid YAML without duplicate keys, anchors or aliases.
     *
     * @throws ConfigException naming the file, the line and the reason
     */
    public static JsonNode readTree(Path file) {
        String text = readText(file);
        String source = file.toString();
        requireNoAnchorsOrAliases(text, source);
        try {
            JsonNode tree = YAML.readTree(text);
            return tree == null ? YAML.missingNode() : tree;
        } catch (JsonProcessingException e) {
            throw notValidYaml(source, e);
        }
    }

    /** The text of a configuration file, refusing what is not a regular UTF-8 file of at most 1 MiB. */
    private static String readText(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (attributes.isDirectory()) {
            throw new ConfigException(file + ": is a directory, not a config file");
        }
        if (!attributes.isRegularFile()) {
            // a FIFO would block the reader forever, a device never ends
            throw new ConfigException(file + ": is not a regular file (a FIFO, socket or device); "
                    + "mergelab reads config files that are regular files only");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw tooLarge(file, attributes.size());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1); // the file may have grown since its size was read
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(file, bytes.length);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": is not UTF-8 text", e);
        }
    }

    private static ConfigException tooLarge(Path file, long bytes) {
        return new ConfigException(file + ": " + bytes + (bytes > MAX_FILE_BYTES + 1 ? "" : " or more") + " bytes is "
                + "over the limit of " + MAX_FILE_BYTES + " bytes (1 MiB) for a config file; nothing was parsed");
    }

    /** Parses YAML text into a record; {@code source} names it in messages. */
    public static <T> T parse(String text, Class<T> type, String source) {
        requireNoAnchorsOrAliases(text, source);
        T value = mapStrictly(() -> YAML.readValue(text, type), source);
        if (value == null) {
            throw new ConfigException(source + ": the configuration is empty");
        }
        return value;
    }

    /** Reads JSON or YAML into a value. */
    private interface Mapping<T> {
        T map() throws JsonProcessingException;
    }

    /** Runs a mapping, turning Jackson's exceptions into one-line {@link ConfigException}s naming the source and key. */
    private static <T> T mapStrictly(Mapping<T> mapping, String source) {
        try {
            return mapping.map();
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(source + ": unknown key '" + path(e) + "' (known here: " + known + ")", e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException syntax && syntax.getOriginalMessage() != null
                    && syntax.getOriginalMessage().startsWith("Duplicate field ")) { // inside a nested value
                throw notValidYaml(source, syntax);
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root instanceof NumberFormatException
                    ? root.getMessage().replaceFirst("^For input string: \"(.*)\"$", "'$1'") + " is not a number"
                    : root instanceof IllegalArgumentException || root instanceof ConfigException
                    ? root.getMessage() : e.getOriginalMessage();
            throw new ConfigException(source + ": bad value at '" + path(e) + "': " + why, e);
        } catch (JsonProcessingException e) {
            throw notValidYaml(source, e);
        }
    }

    /**
     * Refuses YAML anchors ({@code &name}) and aliases ({@code *name}): the reader would take an alias for a string
     * holding its name, and a value shared between keys is easy to miss when one reads a recipe.
     */
    private static void requireNoAnchorsOrAliases(String text, String source) {
        Iterable<Event> events = new Yaml().parse(new StringReader(text));
        try {
            for (Event event : events) {
                String what = switch (event) {
                    case AliasEvent alias -> "alias '*" + alias.getAnchor() + "'";
                    case NodeEvent node when node.getAnchor() != null -> "anchor '&" + node.getAnchor() + "'";
                    default -> null;
                };
                if (what != null) {
                    throw new ConfigException(source + ": line " + (event.getStartMark().getLine() + 1) + ": YAML "
                            + what + " is not accepted; write the value out where it is used");
                }
            }
        } catch (MarkedYAMLException e) {
            throw new ConfigException(source + ": not valid YAML at line " + (e.getProblemMark().getLine() + 1)
                    + ": " + e.getProblem(), e);
        } catch (ReaderException e) {
            // a character YAML does not allow (control characters, some non-printable code points); found by fuzzing
            throw new ConfigException(String.format("%s: not valid YAML: character U+%04X at character %d is not"
                    + " allowed in YAML", source, e.getCodePoint(), e.getPosition()), e);
        } catch (YAMLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                    .orElse(e.getClass().getSimpleName());
            throw new ConfigException(source + ": not valid YAML: " + message, e);
        }
    }

    /** A syntax error (or duplicate key, or malformed number) as one line naming the file and the line. */
    private static ConfigException notValidYaml(String source, JsonProcessingException e) {
        String problem = e.getOriginalMessage();
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        if (e instanceof com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException marked
                && marked.getProblemMark() != null) {
            problem = marked.getProblem();
            line = marked.getProblemMark().getLine() + 1;
        }
        String what = "not valid YAML";
        if (problem != null && problem.startsWith("Duplicate field ")) {
            what = "duplicate key";
            problem = problem.substring("Duplicate field ".length()) + " is given twice";
        } else if (problem != null && problem.startsWith("Malformed numeric value")) {
            what = "bad number";
        }
        return new ConfigException(source + ": " + what + (line > 0 ? " at line " + line : "") + ": " + problem, e);
    }

    /** Converts a tree (e.g. a part of a larger config) into a record, strictly. */
    public static <T> T convert(JsonNode node, Class<T> type, String source) {
        try {
            return parse(YAML.writeValueAsString(node), type, source);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts a tree that mergelab wrote (a record read back from a lineage or a result file) strictly and
     * completely: besides the checks of {@link #convert}, every key the record writes must be present in the
     * tree, so that a missing key is an error rather than a silent default.
     *
     * @throws ConfigException naming the source and the first missing key path
     */
    public static <T> T convertComplete(JsonNode node, Class<T> type, String source) {
        T value = mapStrictly(() -> YAML.treeToValue(node, type), source);
        if (value == null) {
            throw new ConfigException(source + ": the value is empty");
        }
        String missing = firstMissingKey("", toTree(value), node);
        if (missing != null) {
            throw new ConfigException(source + ": missing key '" + missing + "'");
        }
        return value;
    }

    /** The first key path of {@code full} absent from {@code given}, descending into objects; null when none. */
    private static String firstMissingKey(String path, JsonNode full, JsonNode given) {
        if (!full.isObject() || !given.isObject()) {
            return null;
        }
        for (var it = full.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String p = path.isEmpty() ? key : path + "." + key;
            if (!given.has(key)) {
                return p;
            }
            String deeper = firstMissingKey(p, full.get(key), given.get(key));
            if (deeper != null) {
                return deeper;
            }
        }
        return null;
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
