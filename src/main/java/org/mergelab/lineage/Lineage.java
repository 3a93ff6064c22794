package org.mergelab.lineage;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.mergelab.config.CanonicalJson;

/**
 * What made an artefact: its kind, its checkpoint id, the lineage of every parent (nested: a merge holds the full
 * lineage of each input, as Tribuo's provenance does), the task, the config as given, seed, threads, software
 * versions, a data fingerprint, wall time and free-form extras (e.g. BatchNorm policy, merge method).
 *
 * <p>JSON form ({@link #toJson()}): snake_case names in a fixed order, {@code "format_version": 1} first, absent
 * optional values left out, {@code parents} and {@code extra} always present, two-space indent and {@code \n}
 * line ends. {@link #fromJson(String)} rejects unknown versions and unknown fields with a message naming them.
 * Wall time is recorded but is part of no id: {@link #reuseKey()} leaves it out at every level.
 *
 * <p>Build with {@link #builder()}: {@code setKind} is required; every {@code opt*} defaults to absent except
 * {@code optVersions} (default {@link VersionsRecord#current()}), {@code optParents} and {@code optExtra} (empty).
 *
 * @param kind what made it: {@code "pretrain"}, {@code "finetune"}, {@code "merge"}, {@code "import"}, ...
 *     (lower case letters, digits, '-' and '_')
 * @param checkpointId hex SHA-256 of the tensors (see {@code org.mergelab.checkpoint.CheckpointId}); nullable
 *     until the artefact is stored
 * @param parents lineage of every input, each with a checkpoint id
 * @param task task trained on, nullable
 * @param config training or merge config as given (a JSON object), nullable
 * @param seed root random seed, nullable
 * @param threads worker threads ({@code > 0}), nullable
 * @param versions software versions
 * @param dataFingerprint fingerprint of the training data, nullable
 * @param wallTimeSeconds wall time to make the artefact ({@code >= 0}), nullable; never part of an id
 * @param extra free-form string facts, sorted by key
 */
public record Lineage(
        String kind,
        String checkpointId,
        List<Lineage> parents,
        TaskRecord task,
        JsonNode config,
        Long seed,
        Integer threads,
        VersionsRecord versions,
        String dataFingerprint,
        Double wallTimeSeconds,
        SortedMap<String, String> extra) {

    /**
     * The JSON format version written. Version 2 added {@code versions.onednn_max_cpu_isa}; version 1 files (without
     * it) are still read, their ISA cap reads as unknown (null).
     */
    public static final int FORMAT_VERSION = 2;

    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> FIELDS = Set.of("format_version", "kind", "checkpoint_id", "task", "config",
            "seed", "threads", "versions", "data_fingerprint", "wall_time_seconds", "extra", "parents");

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectWriter PRETTY = MAPPER.writer(
            new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    /** Validates every field and takes immutable copies. */
    public Lineage {
        Objects.requireNonNull(kind, "lineage kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("lineage kind '" + kind
                    + "' must be lower case letters, digits, '-' or '_'");
        }
        if (checkpointId != null && !SHA256_HEX.matcher(checkpointId).matches()) {
            throw new IllegalArgumentException("checkpoint id '" + checkpointId
                    + "' is not 64 lower-case hex digits");
        }
        parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
        for (int i = 0; i < parents.size(); i++) {
            if (parents.get(i).checkpointId() == null) {
                throw new IllegalArgumentException("parent " + i + " (kind " + parents.get(i).kind()
                        + ") of a '" + kind + "' lineage has no checkpoint id");
            }
        }
        if (config != null && config.isNull()) {
            config = null;
        }
        if (config != null && !config.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object, found " + config);
        }
        config = config == null ? null : config.deepCopy();
        if (threads != null && threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        Objects.requireNonNull(versions, "versions");
        if (wallTimeSeconds != null && !(wallTimeSeconds >= 0 && Double.isFinite(wallTimeSeconds))) {
            throw new IllegalArgumentException("wall time must be finite and >= 0 seconds, got " + wallTimeSeconds);
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        Objects.requireNonNull(extra, "extra").forEach((k, v) -> sorted.put(
                Objects.requireNonNull(k, "extra key"), Objects.requireNonNull(v, () -> "extra value of '" + k + "'")));
        extra = Collections.unmodifiableSortedMap(sorted);
    }

    /** A copy of the config (JSON nodes are mutable), or null. */
    @Override
    public JsonNode config() {
        return config == null ? null : config.deepCopy();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this lineage's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.kind = kind;
        b.checkpointId = checkpointId;
        b.parents = new ArrayList<>(parents);
        b.task = task;
        b.config = config;
        b.seed = seed;
        b.threads = threads;
        b.versions = versions;
        b.dataFingerprint = dataFingerprint;
        b.wallTimeSeconds = wallTimeSeconds;
        b.extra = new TreeMap<>(extra);
        return b;
    }

    /** This lineage with another checkpoint id. */
    public Lineage withCheckpointId(String id) {
        return toBuilder().optCheckpointId(id).build();
    }

    /** The first 12 hex digits of the checkpoint id, or {@code "-"} without one. */
    public String shortId() {
        return checkpointId == null ? "-" : checkpointId.substring(0, 12);
    }

    // ---------------------------------------------------------------- JSON

    /** Pretty, deterministic JSON (see the class comment). */
    public String toJson() {
        try {
            return PRETTY.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON tree of {@link #toJson()}. */
    public ObjectNode toJsonNode() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("format_version", FORMAT_VERSION);
        n.put("kind", kind);
        if (checkpointId != null) {
            n.put("checkpoint_id", checkpointId);
        }
        if (task != null) {
            ObjectNode t = n.putObject("task");
            t.put("dataset", task.dataset());
            if (task.split() != null) {
                t.put("split", task.split());
            }
            if (task.cue() != null) {
                t.put("cue", task.cue());
            }
        }
        if (config != null) {
            n.set("config", config.deepCopy());
        }
        if (seed != null) {
            n.put("seed", seed);
        }
        if (threads != null) {
            n.put("threads", threads);
        }
        ObjectNode v = n.putObject("versions");
        v.put("mergelab", versions.mergelab());
        v.put("djl", versions.djl());
        v.put("pytorch", versions.pytorch());
        v.put("jdk", versions.jdk());
        if (versions.onednnMaxCpuIsa() != null) {
            v.put("onednn_max_cpu_isa", versions.onednnMaxCpuIsa());
        }
        if (dataFingerprint != null) {
            n.put("data_fingerprint", dataFingerprint);
        }
        if (wallTimeSeconds != null) {
            n.put("wall_time_seconds", wallTimeSeconds);
        }
        ObjectNode x = n.putObject("extra");
        extra.forEach(x::put);
        ArrayNode p = n.putArray("parents");
        for (Lineage parent : parents) {
            p.add(parent.toJsonNode());
        }
        return n;
    }

    /**
     * Parses {@link #toJson()} output.
     *
     * @throws IllegalArgumentException on invalid JSON, an unknown {@code format_version} (named), unknown or
     *     mistyped fields (named, with their path through the parents)
     */
    public static Lineage fromJson(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("lineage is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return fromJsonNode(root);
    }

    /** Parses a lineage JSON tree; see {@link #fromJson(String)}. */
    public static Lineage fromJsonNode(JsonNode node) {
        return fromJsonNode(node, "lineage");
    }

    private static Lineage fromJsonNode(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object, found " + n);
        }
        JsonNode version = n.get("format_version");
        if (version == null) {
            throw new IllegalArgumentException(where + " has no format_version");
        }
        if (!version.isInt() || version.intValue() < 1 || version.intValue() > FORMAT_VERSION) {
            throw new IllegalArgumentException(where + " has format_version " + version
                    + "; this mergelab reads versions 1 to " + FORMAT_VERSION);
        }
        for (String key : (Iterable<String>) n::fieldNames) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException(where + " has unknown field '" + key + "'");
            }
        }
        Builder b = builder()
                .setKind(text(n, "kind", where, true))
                .optCheckpointId(text(n, "checkpoint_id", where, false))
                .optDataFingerprint(text(n, "data_fingerprint", where, false));
        JsonNode task = n.get("task");
        if (task != null && !task.isNull()) {
            String w = where + ".task";
            requireOnly(task, w, Set.of("dataset", "split", "cue"));
            b.optTask(new TaskRecord(text(task, "dataset", w, true), text(task, "split", w, false),
                    text(task, "cue", w, false)));
        }
        b.optConfig(n.get("config"));
        JsonNode seed = n.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw new IllegalArgumentException(where + ".seed must be a 64-bit integer, found " + seed);
            }
            b.optSeed(seed.longValue());
        }
        JsonNode threads = n.get("threads");
        if (threads != null && !threads.isNull()) {
            if (!threads.isIntegralNumber() || !threads.canConvertToInt()) {
                throw new IllegalArgumentException(where + ".threads must be an integer, found " + threads);
            }
            b.optThreads(threads.intValue());
        }
        JsonNode versions = n.get("versions");
        String vw = where + ".versions";
        if (versions == null || !versions.isObject()) {
            throw new IllegalArgumentException(vw + " must be an object, found " + versions);
        }
        boolean hasIsa = version.intValue() >= 2;
        requireOnly(versions, vw, hasIsa ? Set.of("mergelab", "djl", "pytorch", "jdk", "onednn_max_cpu_isa")
                : Set.of("mergelab", "djl", "pytorch", "jdk"));
        b.optVersions(new VersionsRecord(text(versions, "mergelab", vw, true), text(versions, "djl", vw, true),
                text(versions, "pytorch", vw, true), text(versions, "jdk", vw, true),
                hasIsa ? text(versions, "onednn_max_cpu_isa", vw, false) : null));
        JsonNode wall = n.get("wall_time_seconds");
        if (wall != null && !wall.isNull()) {
            if (!wall.isNumber()) {
                throw new IllegalArgumentException(where + ".wall_time_seconds must be a number, found " + wall);
            }
            b.optWallTimeSeconds(wall.doubleValue());
        }
        JsonNode extra = n.get("extra");
        if (extra != null && !extra.isNull()) {
            if (!extra.isObject()) {
                throw new IllegalArgumentException(where + ".extra must be an object, found " + extra);
            }
            Map<String, String> m = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : extra.properties()) {
                m.put(e.getKey(), text(extra, e.getKey(), where + ".extra", true));
            }
            b.optExtra(m);
        }
        JsonNode parents = n.get("parents");
        if (parents != null && !parents.isNull()) {
            if (!parents.isArray()) {
                throw new IllegalArgumentException(where + ".parents must be an array, found " + parents);
            }
            List<Lineage> list = new ArrayList<>();
            for (int i = 0; i < parents.size(); i++) {
                list.add(fromJsonNode(parents.get(i), where + ".parents[" + i + "]"));
            }
            b.optParents(list);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key, String where, boolean required) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + " has no '" + key + "'");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "." + key + " must be a string, found " + v);
        }
        return v.textValue();
    }

    private static void requireOnly(JsonNode n, String where, Set<String> allowed) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " must be an object, found " + n);
        }
        for (String key : (Iterable<String>) n::fieldNames) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where + " has unknown field '" + key + "'");
            }
        }
    }

    // ---------------------------------------------------------------- reuse key

    /**
     * The lineage JSON without {@code wall_time_seconds} at any level (this lineage and every parent), with every
     * object's keys sorted (config included), so equal recipes give equal keys whatever the key order they were
     * given in. Note that it includes this lineage's own {@code checkpoint_id} when set.
     */
    public JsonNode reuseKey() {
        ObjectNode tree = toJsonNode(); // a fresh tree: its lineage objects may be changed
        dropWallTimes(tree);
        return CanonicalJson.sorted(tree);
    }

    /** Hex SHA-256 of the compact UTF-8 JSON of {@link #reuseKey()}. */
    public String reuseKeySha256() {
        return CanonicalJson.sha256(reuseKey());
    }

    /** Removes wall_time_seconds from a lineage object and its nested parents (not from their configs). */
    private static void dropWallTimes(ObjectNode lineage) {
        lineage.remove("wall_time_seconds");
        for (JsonNode parent : lineage.path("parents")) {
            dropWallTimes((ObjectNode) parent);
        }
    }

    // ---------------------------------------------------------------- builder

    /** Builds a {@link Lineage}; {@code set*} values are required, {@code opt*} ones optional. */
    public static final class Builder {
        private String kind;
        private String checkpointId;
        private List<Lineage> parents = new ArrayList<>();
        private TaskRecord task;
        private JsonNode config;
        private Long seed;
        private Integer threads;
        private VersionsRecord versions;
        private String dataFingerprint;
        private Double wallTimeSeconds;
        private Map<String, String> extra = new TreeMap<>();

        private Builder() {}

        /** Required: what made the artefact, e.g. {@code "merge"}. */
        public Builder setKind(String kind) {
            this.kind = kind;
            return this;
        }

        /** The artefact's checkpoint id; default absent (filled when the checkpoint is stored). */
        public Builder optCheckpointId(String checkpointId) {
            this.checkpointId = checkpointId;
            return this;
        }

        /** Lineage of the inputs; default none. */
        public Builder optParents(List<Lineage> parents) {
            this.parents = new ArrayList<>(parents);
            return this;
        }

        /** Adds one parent. */
        public Builder addParent(Lineage parent) {
            this.parents.add(parent);
            return this;
        }

        /** The task; default absent. */
        public Builder optTask(TaskRecord task) {
            this.task = task;
            return this;
        }

        /** The config as given (a JSON object, copied); default absent. */
        public Builder optConfig(JsonNode config) {
            this.config = config;
            return this;
        }

        /** The root seed; default absent. */
        public Builder optSeed(Long seed) {
            this.seed = seed;
            return this;
        }

        /** Worker threads; default absent. */
        public Builder optThreads(Integer threads) {
            this.threads = threads;
            return this;
        }

        /** Software versions; default {@link VersionsRecord#current()}. */
        public Builder optVersions(VersionsRecord versions) {
            this.versions = versions;
            return this;
        }

        /** Fingerprint of the data; default absent. */
        public Builder optDataFingerprint(String dataFingerprint) {
            this.dataFingerprint = dataFingerprint;
            return this;
        }

        /** Wall time in seconds; default absent. */
        public Builder optWallTimeSeconds(Double wallTimeSeconds) {
            this.wallTimeSeconds = wallTimeSeconds;
            return this;
        }

        /** Free-form facts (replacing earlier ones); default none. */
        public Builder optExtra(Map<String, String> extra) {
            this.extra = new TreeMap<>(extra);
            return this;
        }

        /** Adds one free-form fact. */
        public Builder putExtra(String key, String value) {
            this.extra.put(key, value);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the missing or bad value
         */
        public Lineage build() {
            if (kind == null) {
                throw new IllegalArgumentException("lineage kind is required (setKind)");
            }
            return new Lineage(kind, checkpointId, parents, task, config, seed, threads,
                    versions == null ? VersionsRecord.current() : versions, dataFingerprint, wallTimeSeconds,
                    new TreeMap<>(extra));
        }
    }
}
