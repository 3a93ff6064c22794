package org.mergelab.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.InputFiles;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.StagingDirectory;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.lineage.Lineage;

/**
 * Runs a {@link MergeRecipe} into an output directory: claims it, merges with {@link StreamingMerge} into a staging
 * directory, copies the config and tokenizer files and the recipe, writes the lineage (every input's files with their
 * SHA-256, and the lineage each input carries as a parent), and publishes the staging directory.
 *
 * <p>The output holds the model files, {@value #RECIPE_FILE_NAME}, {@value #LINEAGE_FILE_NAME} and whichever of
 * {@link #CONFIG_FILES} are beside the recipe's config source.
 */
public final class RecipeMerge {

    /** Name of the recipe copy in the output directory. */
    public static final String RECIPE_FILE_NAME = "mergelab-recipe.yaml";
    /** Name of the lineage file in the output directory (and beside an input, where its lineage is read from). */
    public static final String LINEAGE_FILE_NAME = "mergelab-lineage.json";
    /** Files copied from the base (or first) model's directory: HF config and tokenizer. */
    public static final List<String> CONFIG_FILES = List.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
            "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt");

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecipeMerge() {}

    /**
     * What {@link #merge} wrote.
     *
     * @param directory the output directory
     * @param merge the merged model files
     * @param copiedFiles config and tokenizer files copied
     * @param warnings everything accepted but not applied
     */
    public record Outcome(Path directory, StreamingMerge.Result merge, List<String> copiedFiles,
            List<String> warnings) {}

    /**
     * Parses {@code recipe}, merges into {@code outputDirectory} and writes the recipe copy and lineage there.
     * The output directory is claimed first ({@link OutputDirectory}: never an input, the recipe, the current
     * directory or an ancestor of them; a non-empty one only if mergelab's merge marker is in it, and only with
     * {@code force}, which replaces it). Everything is written to a sibling {@link StagingDirectory} and moved into
     * place at the end, after the old output is gone, so a failure or an interruption leaves no output.
     *
     * @param warnings receives each warning as it arises
     */
    public static Outcome merge(Path recipe, Path outputDirectory, boolean force, Consumer<String> warnings)
            throws IOException {
        MergeRecipe parsed = MergeRecipe.parse(recipe);
        parsed.warnings().forEach(warnings);
        return run(parsed, outputDirectory, force, warnings, Runtime.getRuntime().availableProcessors(),
                StreamingMerge.DEFAULT_MAX_SHARD_BYTES);
    }

    /** Runs a parsed recipe; see {@link #merge}. */
    static Outcome run(MergeRecipe recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            int threads, long maxShardBytes) throws IOException {
        OutputDirectory target = OutputDirectory.builder()
                .setPath(outputDirectory)
                .setCommand("merge", OutputKind.MERGE)
                .optForce(force)
                .optInputs(recipe.inputs())
                .claim();
        Path out = target.path();
        List<String> outcomeWarnings = new ArrayList<>(recipe.warnings());
        long start = System.nanoTime();
        List<TensorSource> opened = new ArrayList<>();
        try {
            List<CompletableFuture<ObjectNode>> inputs = new ArrayList<>();
            List<TensorSource> modelSources;
            TensorSource baseSource;
            SliceStack stack = null;
            if (recipe.slices().isEmpty()) {
                modelSources = openAll(recipe.models(), opened);
                baseSource = recipe.base() == null ? null : openAll(List.of(recipe.base()), opened).getFirst();
                for (int i = 0; i < modelSources.size(); i++) {
                    inputs.add(describe("model", recipe.models().get(i), modelSources.get(i)));
                }
                if (baseSource != null) {
                    inputs.add(describe("base", recipe.base(), baseSource));
                }
            } else {
                Map<Path, TensorSource> byPath = openSlices(recipe, opened);
                byPath.forEach((path, source) -> inputs.add(describe(path.equals(recipe.base()) ? "base" : "model",
                        path, source)));
                stack = SliceStack.plan(recipe, byPath);
                modelSources = stack.models();
                baseSource = stack.base();
            }
            List<TensorSource> fisherSources = recipe.fisher() == null ? null : openAll(recipe.fisher(), opened);
            if (fisherSources != null) {
                for (int i = 0; i < fisherSources.size(); i++) {
                    inputs.add(describe("fisher", recipe.fisher().get(i), fisherSources.get(i)));
                }
            }
            try (StagingDirectory stagingDirectory = StagingDirectory.create(target)) {
                Path staging = stagingDirectory.path();
                StreamingMerge.Result result = StreamingMerge.builder()
                        .setMethod(recipe.method())
                        .setModels(modelSources)
                        .optBase(baseSource)
                        .optFisher(fisherSources)
                        .optTensorParameters(stack != null ? stack.parameters() : recipe.tensorParameters(
                                modelSources.getFirst().tensors().stream().map(t -> t.name()).toList()))
                        .optSeed(recipe.seed())
                        .optOutputDType(recipe.outputDType())
                        .optThreads(threads)
                        .optMaxShardBytes(maxShardBytes)
                        .setOutputDirectory(staging)
                        .optMetadata(Map.of("format", "pt", "mergelab_merge_method", recipe.method().name()))
                        .build()
                        .run();
                List<String> copied = copyConfigFiles(recipe, staging, stack == null ? null : stack.layers());
                if (copied.isEmpty()) {
                    String message = "no config or tokenizer files next to " + recipe.configSource()
                            + "; the output holds weights only" + (recipe.tree().has("tokenizer_source")
                                    || recipe.tree().has("tokenizer") ? " (tokenizer_source/tokenizer ignored)" : "");
                    outcomeWarnings.add(message);
                    warnings.accept(message);
                }
                Files.copy(recipe.file(), staging.resolve(RECIPE_FILE_NAME));
                Lineage lineage = lineage(recipe, inputs, result, threads, (System.nanoTime() - start) / 1e9);
                AtomicFiles.writeString(staging.resolve(LINEAGE_FILE_NAME), lineage.toJson());
                closeAll(opened);
                stagingDirectory.publish();
                List<Path> finalFiles = result.files().stream().map(f -> out.resolve(f.getFileName())).toList();
                return new Outcome(out, new StreamingMerge.Result(finalFiles, result.tensors(), result.tensorBytes()),
                        copied, outcomeWarnings);
            }
        } finally {
            closeAll(opened);
        }
    }

    /**
     * The merge's lineage: the recipe, every input described (an input's own lineage becomes a parent, referred to by
     * its checkpoint id), the parameters as given, the output dtype and files.
     */
    private static Lineage lineage(MergeRecipe recipe, List<CompletableFuture<ObjectNode>> inputs,
            StreamingMerge.Result result, int threads, double wallTimeSeconds) throws IOException {
        ArrayNode described = JSON.createArrayNode();
        List<Lineage> parents = new ArrayList<>();
        for (CompletableFuture<ObjectNode> input : inputs) {
            ObjectNode node;
            try {
                node = input.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            JsonNode lineage = node.get("lineage");
            if (lineage != null) {
                Lineage parent = Lineage.fromJsonNode(lineage);
                if (parent.checkpointId() != null) {
                    parents.add(parent);
                    node.remove("lineage");
                    node.put("lineage_checkpoint_id", parent.checkpointId());
                }
            }
            described.add(node);
        }
        ObjectNode config = JSON.createObjectNode();
        config.set("recipe", recipe.tree());
        config.put("merge_method", recipe.method().name());
        config.set("inputs", described);
        config.set("parameters", recipe.parameters().toJson());
        config.put("output_dtype", recipe.outputDType() == null ? "first model's, per tensor"
                : recipe.outputDType().safetensorsName());
        ArrayNode files = config.putArray("output_files");
        result.files().forEach(f -> files.add(f.getFileName().toString()));
        return Lineage.builder()
                .setKind("merge")
                .optParents(parents)
                .optConfig(config)
                .optSeed(recipe.seed())
                .optThreads(threads)
                .putExtra("merge_method", recipe.method().name())
                .optWallTimeSeconds(wallTimeSeconds)
                .build();
    }

    /** Opens every path, adding each source to {@code opened} (which the caller closes) as soon as it is open. */
    private static List<TensorSource> openAll(List<Path> paths, List<TensorSource> opened) throws IOException {
        List<TensorSource> sources = new ArrayList<>();
        for (Path path : paths) {
            TensorSource source = TensorSource.open(path);
            opened.add(source);
            sources.add(source);
        }
        return sources;
    }

    private static void closeAll(List<TensorSource> opened) throws IOException {
        for (TensorSource s : opened) {
            s.close();
        }
        opened.clear();
    }

    /** Path, files with SHA-256 (hashed on a background thread) and embedded lineage of one input. */
    private static CompletableFuture<ObjectNode> describe(String role, Path given, TensorSource source) {
        List<Path> files = new ArrayList<>();
        files.add(source.path());
        if (source instanceof ShardedSafetensors sharded) {
            files.addAll(sharded.shardFiles());
        }
        Map<String, String> metadata = source.metadata();
        return CompletableFuture.supplyAsync(() -> {
            ObjectNode node = JSON.createObjectNode();
            node.put("role", role);
            node.put("path", given.toString());
            ArrayNode hashed = node.putArray("files");
            for (Path f : files) {
                hashed.addObject().put("file", f.toAbsolutePath().normalize().toString())
                        .put("sha256", sha256(f));
            }
            JsonNode lineage = embeddedLineage(given, metadata);
            if (lineage != null) {
                node.set("lineage", lineage);
            }
            return node;
        });
    }

    /** The input's own lineage: {@code lineage} in its metadata, else a {@value #LINEAGE_FILE_NAME} beside it. */
    private static JsonNode embeddedLineage(Path given, Map<String, String> metadata) {
        try {
            if (metadata.containsKey("lineage")) {
                return Lineage.fromJson(metadata.get("lineage")).toJsonNode();
            }
            Path dir = Files.isDirectory(given) ? given : given.toAbsolutePath().getParent();
            Path file = dir.resolve(LINEAGE_FILE_NAME);
            if (InputFiles.isPresent(file)) {
                return Lineage.fromJson(Files.readString(InputFiles.requireInside(dir, file))).toJsonNode();
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 20];
            while (in.read(buffer) >= 0) {
                // digesting
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot hash", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies whichever of {@link #CONFIG_FILES} are in the recipe's config directory; returns their names. With
     * {@code layers} (a slices recipe), the copied {@code config.json} gets that layer count under whichever of
     * {@code num_hidden_layers}, {@code n_layer}, {@code num_layers} it has, as mergekit updates it.
     */
    private static List<String> copyConfigFiles(MergeRecipe recipe, Path staging, Integer layers) throws IOException {
        Path dir = recipe.configDirectory();
        List<String> copied = new ArrayList<>();
        for (String name : CONFIG_FILES) {
            Path source = dir.resolve(name);
            if (InputFiles.isPresent(source)) {
                Path checked = InputFiles.requireInside(dir, source);
                if (layers != null && name.equals("config.json")) {
                    JsonNode config = JSON.readTree(checked.toFile());
                    if (config instanceof ObjectNode object) {
                        for (String key : List.of("num_hidden_layers", "n_layer", "num_layers")) {
                            if (object.has(key)) {
                                object.put(key, layers);
                            }
                        }
                    }
                    Files.writeString(staging.resolve(name),
                            JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
                } else {
                    Files.copy(checked, staging.resolve(name));
                }
                copied.add(name);
            }
        }
        return copied;
    }

    /** Opens every model the slices name, once each, in order of first mention. */
    private static Map<Path, TensorSource> openSlices(MergeRecipe recipe, List<TensorSource> opened)
            throws IOException {
        Map<Path, TensorSource> byPath = new LinkedHashMap<>();
        for (RecipeSlice slice : recipe.slices()) {
            for (RecipeSlice.Source source : slice.sources()) {
                if (!byPath.containsKey(source.model())) {
                    byPath.put(source.model(), openAll(List.of(source.model()), opened).getFirst());
                }
            }
        }
        return byPath;
    }
}
