package org.mergelab.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checkpoint split over several safetensors files ("shards") with a {@code model.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {tensor name: shard file name}}}, as written by Hugging Face
 * transformers. Reading presents the union of the shards' tensors in {@code weight_map} order; opening checks that
 * every name in the map is in its shard and every tensor of every shard is mapped to that shard.
 *
 * <p>{@link #write} splits tensors, in order, into shards {@code model-00001-of-0000N.safetensors} whose tensor
 * bytes total at most {@code maxShardBytes} (a larger tensor gets a shard of its own, as in transformers); the index
 * metadata gets {@code total_size} (the sum of all tensor bytes, a JSON number as in transformers; read back as a
 * string).
 */
public final class ShardedSafetensors implements TensorSource {
    /** The index file name transformers uses. */
    public static final String INDEX_FILE_NAME = "model.safetensors.index.json";

    private static final Set<String> INDEX_KEYS = Set.of("metadata", "weight_map");

    private final Path index;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, SafetensorsReader> shardOf;
    private final List<SafetensorsReader> shards;

    private ShardedSafetensors(Path index, Map<String, String> metadata, List<TensorInfo> tensors,
            Map<String, SafetensorsReader> shardOf, List<SafetensorsReader> shards) {
        this.index = index;
        this.metadata = metadata;
        this.tensors = tensors;
        this.shardOf = shardOf;
        this.shards = shards;
    }

    /**
     * Opens an index file and every shard it names (relative to the index's directory).
     *
     * @throws CheckpointFormatException on a malformed index or an index and shards that disagree, naming both
     * @throws IOException naming the file for an index or shard that is not a regular file, or a shard whose link
     *     leads out of the index's directory (see {@link InputFiles})
     */
    public static ShardedSafetensors open(Path indexFile) throws IOException {
        InputFiles.requireRegularFile(indexFile);
        JsonNode root = StrictJson.readUtf8(indexFile, "index", Files.readAllBytes(indexFile), 0);
        if (root == null || !root.isObject()) {
            throw CheckpointFormatException.of(indexFile, "index is not a JSON object");
        }
        for (String key : (Iterable<String>) root::fieldNames) {
            if (!INDEX_KEYS.contains(key)) {
                throw CheckpointFormatException.of(indexFile, "unknown index key '" + key + "'");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw CheckpointFormatException.of(indexFile, "metadata must be an object, found " + meta);
            }
            for (Map.Entry<String, JsonNode> e : meta.properties()) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw CheckpointFormatException.of(indexFile, "metadata value of '" + e.getKey()
                            + "' must be a string or number, found " + e.getValue());
                }
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw CheckpointFormatException.of(indexFile, "weight_map must be an object, found " + weightMap);
        }
        Map<String, String> fileOf = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() || !isPlainFileName(v.textValue())) {
                throw CheckpointFormatException.of(indexFile, e.getKey(),
                        "weight_map value must be a file name in the index's directory, found " + v);
            }
            fileOf.put(e.getKey(), v.textValue());
        }

        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsReader> readerOfFile = new LinkedHashMap<>();
        try {
            for (String shardName : new java.util.LinkedHashSet<>(fileOf.values())) {
                Path shard = InputFiles.requireInside(dir, dir.resolve(shardName));
                readerOfFile.put(shardName, SafetensorsReader.open(shard));
            }
            Map<String, SafetensorsReader> shardOf = new LinkedHashMap<>();
            List<TensorInfo> infos = new ArrayList<>();
            for (Map.Entry<String, String> e : fileOf.entrySet()) {
                SafetensorsReader shard = readerOfFile.get(e.getValue());
                if (!shard.contains(e.getKey())) {
                    throw CheckpointFormatException.of(indexFile, e.getKey(), "the index maps it to shard "
                            + shard.path() + ", which does not contain it");
                }
                shardOf.put(e.getKey(), shard);
                infos.add(shard.info(e.getKey()));
            }
            for (Map.Entry<String, SafetensorsReader> e : readerOfFile.entrySet()) {
                for (TensorInfo t : e.getValue().tensors()) {
                    String mapped = fileOf.get(t.name());
                    if (!e.getKey().equals(mapped)) {
                        throw CheckpointFormatException.of(indexFile, t.name(), "found in shard "
                                + e.getValue().path() + " but the index "
                                + (mapped == null ? "does not list it" : "maps it to " + mapped));
                    }
                }
            }
            return new ShardedSafetensors(indexFile, Collections.unmodifiableMap(metadata), List.copyOf(infos),
                    shardOf, List.copyOf(readerOfFile.values()));
        } catch (IOException | RuntimeException e) {
            for (SafetensorsReader r : readerOfFile.values()) {
                try {
                    r.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Writes {@code tensors} as shards plus {@value #INDEX_FILE_NAME} into {@code dir}: everything goes to
     * temporary files first, then the shards and last the index are renamed into place.
     *
     * @param maxShardBytes most tensor bytes per shard ({@code > 0})
     * @param metadata written to the index (plus {@code total_size}) and to every shard's {@code __metadata__}
     * @return the index file
     */
    public static Path write(Path dir, NamedTensors tensors, Map<String, String> metadata, long maxShardBytes)
            throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
        }
        if (tensors.size() == 0) {
            throw new IllegalArgumentException(dir + ": no tensors to write");
        }
        List<List<String>> groups = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, Tensor> e : tensors) {
            long bytes = e.getValue().byteLength();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        groups.add(current);

        int n = groups.size();
        Map<Path, Path> renames = new LinkedHashMap<>(); // temporary -> final, index last
        Map<String, String> weightMap = new LinkedHashMap<>();
        try {
            for (int i = 0; i < n; i++) {
                String shardName = shardFileName(i + 1, n);
                Path shard = dir.resolve(shardName);
                List<TensorSpec> specs = new ArrayList<>();
                for (String name : groups.get(i)) {
                    specs.add(TensorSpec.of(name, tensors.get(name)));
                    weightMap.put(name, shardName);
                }
                try (SafetensorsWriter w = SafetensorsWriter.create(shard, specs, metadata)) {
                    for (String name : groups.get(i)) {
                        w.write(name, tensors.get(name));
                    }
                    renames.put(w.finishTemporary(false), shard);
                }
            }
            Path indexFile = dir.resolve(INDEX_FILE_NAME);
            Path indexTemp = AtomicFiles.temporarySibling(indexFile);
            renames.put(indexTemp, indexFile);
            writeIndex(indexTemp, weightMap, metadata, totalBytes);
            for (Map.Entry<Path, Path> r : renames.entrySet()) {
                AtomicFiles.moveAtomically(r.getKey(), r.getValue());
            }
            renames.clear();
            return indexFile;
        } finally {
            for (Path leftover : renames.keySet()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** The name of shard {@code shard} (from 1) of {@code shards}: {@code model-00001-of-00003.safetensors}. */
    public static String shardFileName(int shard, int shards) {
        return String.format("model-%05d-of-%05d.safetensors", shard, shards);
    }

    /**
     * Writes an index to {@code temporary} (a fresh name, from {@link AtomicFiles#temporarySibling}; the caller renames
     * it onto {@value #INDEX_FILE_NAME} after the shards): {@code metadata} in key order plus {@code total_size}, then
     * {@code weight_map} in the given order, pretty-printed with {@code "\n"} line ends.
     *
     * @param weightMap tensor name to shard file name, in tensor order
     * @param totalBytes the sum of all tensor bytes
     */
    public static void writeIndex(Path temporary, Map<String, String> weightMap, Map<String, String> metadata,
            long totalBytes) throws IOException {
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        ObjectNode meta = root.putObject("metadata");
        new TreeMap<>(metadata).forEach(meta::put);
        meta.put("total_size", totalBytes);
        ObjectNode weights = root.putObject("weight_map");
        weightMap.forEach(weights::put);
        Files.write(temporary, (StrictJson.PRETTY.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE_NEW);
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.equals(".")
                && !name.equals("..") && name.chars().noneMatch(Character::isISOControl);
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Tensor read(String name, Arena arena) throws IOException {
        return shardOf(name).read(name, arena);
    }

    @Override
    public Tensor read(String name, long fromElement, long toElement, Arena arena) throws IOException {
        return shardOf(name).read(name, fromElement, toElement, arena);
    }

    @Override
    public Tensor readCopy(String name, long fromElement, long toElement, ByteBuffer scratch) throws IOException {
        return shardOf(name).readCopy(name, fromElement, toElement, scratch);
    }

    private SafetensorsReader shardOf(String name) {
        SafetensorsReader shard = shardOf.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(index + ": no tensor '" + name + "'");
        }
        return shard;
    }

    /** The index file. */
    @Override
    public Path path() {
        return index;
    }

    /** The shard files, in order of first appearance in the index. */
    public List<Path> shardFiles() {
        return shards.stream().map(SafetensorsReader::path).toList();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsReader r : shards) {
            try {
                r.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ShardedSafetensors[" + index + ", " + shards.size() + " shards, " + tensors.size() + " tensors]";
    }
}
