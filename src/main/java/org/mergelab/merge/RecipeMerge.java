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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.FileHashes;
import org.mergelab.checkpoint.InputFiles;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.StagingDirectory;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.lineage.Lineage;
import org.mergelab.lineage.VersionsRecord;

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
        return merge(recipe, outputDirectory, force, warnings, StreamingMerge.DEFAULT_MAX_SHARD_BYTES);
    }

    /** As {@link #merge(Path, Path, boolean, Consumer)}, with output shards of at most {@code maxShardBytes}. */
    public static Outcome merge(Path recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            long maxShardBytes) throws IOException {
        return merge(recipe, outputDirectory, force, warnings, maxShardBytes, Map.of());
    }

    /**
     * As {@link #merge(Path, Path, boolean, Consumer, long)}, with entries added to the lineage's {@code extra} (a
     * caller that decided the merge records why, e.g. {@code plan-merge}'s policy and decision).
     */
    public static Outcome merge(Path recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            long maxShardBytes, Map<String, String> extraLineage) throws IOException {
        MergeRecipe parsed = MergeRecipe.parse(recipe);
        parsed.warnings().forEach(warnings);
        return run(parsed, outputDirectory, force, warnings, Runtime.getRuntime().availableProcessors(), maxShardBytes,
                extraLineage);
    }

    /**
     * What {@link #dryRun} found.
     *
     * @param text the plan, as {@code mergelab merge --dry-run} prints it
     * @param tensors tensors the merge would write
     * @param tensorBytes their bytes
     */
    public record DryRun(String text, int tensors, long tensorBytes) {}

    /**
     * Input bytes per second on which {@link #dryRun} bases its time estimate: {@code mergelab merge} end to end
     * (merge, writing, SHA-256 of every input for the lineage) of two 512 MiB float32 models with {@code linear},
     * page cache warm, on mergelab's development machine (2 cores shared with other jobs, load about 9): 1 GiB of
     * input in 12.9 s and in 19.0 s; 80 MB/s, rounded down. Cold disks and whole-tensor methods (dare, model_stock)
     * are slower, idle cores faster.
     */
    static final double MEASURED_INPUT_BYTES_PER_SECOND = 80e6;

    /**
     * Checks {@code recipe} and every input as {@link #merge} would, from safetensors headers and sharded indexes
     * alone (no tensor data is read, nothing is written), and describes the merge: every output tensor with its
     * shape, dtypes, bytes, output file, what is done to it and the parameters it gets after filters, gradients and
     * slices; the output files; estimated peak memory and time, with their basis.
     *
     * @param force as {@link #merge}'s: whether an earlier output of {@code mergelab merge} may be replaced
     * @throws IllegalArgumentException for an output directory {@link #merge} could not claim (the same message,
     *     nothing created) and for inputs that do not match, naming the tensor and the files, as {@link #merge}
     */
    public static DryRun dryRun(Path recipe, Path outputDirectory, boolean force, Consumer<String> warnings)
            throws IOException {
        return dryRun(recipe, outputDirectory, force, warnings, StreamingMerge.DEFAULT_MAX_SHARD_BYTES);
    }

    /** As {@link #dryRun(Path, Path, boolean, Consumer)}, with output shards of at most {@code maxShardBytes}. */
    public static DryRun dryRun(Path recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            long maxShardBytes) throws IOException {
        MergeRecipe parsed = MergeRecipe.parse(recipe);
        parsed.warnings().forEach(warnings);
        return dryRun(parsed, outputDirectory, force, Runtime.getRuntime().availableProcessors(), maxShardBytes);
    }

    static DryRun dryRun(MergeRecipe recipe, Path outputDirectory, boolean force, int threads, long maxShardBytes)
            throws IOException {
        claimOutput(recipe, outputDirectory, force);
        List<TensorSource> opened = new ArrayList<>();
        try {
            OpenedInputs in = open(recipe, opened);
            StreamingMerge.Plan plan = streamingMerge(recipe, in, outputDirectory, threads, maxShardBytes).dryRun();
            StringBuilder text = new StringBuilder();
            text.append("dry run of ").append(recipe.file()).append(": headers checked, no tensor data read, nothing "
                    + "written\n");
            text.append("method: ").append(recipe.method().name()).append('\n');
            for (InputFile f : in.files()) {
                long bytes = f.source().tensors().stream().mapToLong(t -> t.byteLength()).sum();
                text.append(String.format("input %-6s %s (%d tensors, %d bytes)%n", f.role(), f.source().path(),
                        f.source().tensors().size(), bytes));
            }
            int layer = 0;
            for (int s = 0; s < recipe.slices().size(); s++) {
                RecipeSlice slice = recipe.slices().get(s);
                text.append(String.format("slices[%d] -> output layers %d..%d from ", s, layer,
                        layer + slice.layers() - 1));
                text.append(String.join(", ", slice.sources().stream().map(RecipeSlice.Source::describe).toList()))
                        .append('\n');
                layer += slice.layers();
            }
            long tensorBytes = plan.tensors().stream().mapToLong(StreamingMerge.PlannedTensor::bytes).sum();
            text.append(String.format("output %s: %s; %d tensors, %d bytes%s%n", outputDirectory,
                    String.join(", ", plan.files()), plan.tensors().size(), tensorBytes,
                    in.stack() == null ? "" : "; config.json num_hidden_layers " + in.stack().layers()));
            text.append("tensors (name, shape, dtype in -> out, bytes, file, what is done, parameters):\n");
            for (StreamingMerge.PlannedTensor t : plan.tensors()) {
                text.append(String.format("  %s %s %s->%s %d %s %s%s%n", t.name(),
                        org.mergelab.checkpoint.Tensor.shapeString(t.shape()), t.input().safetensorsName(),
                        t.output().safetensorsName(), t.bytes(), t.file(), t.action(), parameters(t.parameters())));
                if (in.stack() != null) {
                    text.append("      from ").append(String.join(" + ", in.stack().origins(t.name()))).append('\n');
                }
            }
            double seconds = plan.inputBytes() / MEASURED_INPUT_BYTES_PER_SECOND;
            text.append(String.format("estimated peak memory: %.1f MiB beyond the JVM's own (the largest tensor's "
                    + "float32 working copies and output, plus one more output being written; inputs are "
                    + "memory-mapped: %d bytes mapped in all, paged in as read)%n", plan.peakBytes() / 1048576.0,
                    plan.inputBytes()));
            text.append(String.format("estimated time: %.1f s (%d input bytes at %.0f MB/s, the end-to-end rate "
                    + "measured for a linear merge of two float32 models in page cache on 2 busy cores, lineage "
                    + "hashing included; slower from a cold disk and for whole-tensor methods)%n", seconds,
                    plan.inputBytes(), MEASURED_INPUT_BYTES_PER_SECOND / 1e6));
            return new DryRun(text.toString(), plan.tensors().size(), tensorBytes);
        } finally {
            closeAll(opened);
        }
    }

    /** Parameters of one tensor's requests: {@code key=value} for global keys, {@code key=[v0, v1, ...]} per model. */
    private static String parameters(StreamingMerge.TensorParameters p) {
        if (p == null) {
            return "";
        }
        java.util.TreeMap<String, String> shown = new java.util.TreeMap<>();
        p.global().forEach((k, v) -> shown.put(k, String.valueOf(v)));
        java.util.TreeSet<String> keys = new java.util.TreeSet<>();
        p.perModel().forEach(m -> keys.addAll(m.keySet()));
        for (String key : keys) {
            shown.put(key, p.perModel().stream().map(m -> m.containsKey(key) ? String.valueOf(m.get(key)) : "default")
                    .toList().toString());
        }
        StringBuilder out = new StringBuilder();
        shown.forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        return out.length() == 0 ? " (defaults)" : out.toString();
    }

    /** The output directory claimed for {@code recipe} ({@link OutputDirectory#claim}: checks, creates nothing). */
    private static OutputDirectory claimOutput(MergeRecipe recipe, Path outputDirectory, boolean force) {
        return OutputDirectory.builder()
                .setPath(outputDirectory)
                .setCommand("merge", OutputKind.MERGE)
                .optForce(force)
                .optInputs(recipe.inputs())
                .claim();
    }

    /** Runs a parsed recipe; see {@link #merge}. */
    static Outcome run(MergeRecipe recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            int threads, long maxShardBytes) throws IOException {
        return run(recipe, outputDirectory, force, warnings, threads, maxShardBytes, Map.of());
    }

    private static Outcome run(MergeRecipe recipe, Path outputDirectory, boolean force, Consumer<String> warnings,
            int threads, long maxShardBytes, Map<String, String> extraLineage) throws IOException {
        OutputDirectory target = claimOutput(recipe, outputDirectory, force);
        Path out = target.path();
        List<String> outcomeWarnings = new ArrayList<>(recipe.warnings());
        long start = System.nanoTime();
        List<TensorSource> opened = new ArrayList<>();
        try {
            OpenedInputs in = open(recipe, opened);
            List<CompletableFuture<ObjectNode>> inputs = new ArrayList<>();
            in.files().forEach(f -> inputs.add(describe(f.role(), f.given(), f.source())));
            SliceStack stack = in.stack();
            try (StagingDirectory stagingDirectory = StagingDirectory.create(target)) {
                Path staging = stagingDirectory.path();
                StreamingMerge.Result result = streamingMerge(recipe, in, staging, threads, maxShardBytes).run();
                List<String> copied = copyConfigFiles(recipe, staging, stack == null ? null : stack.layers());
                if (copied.isEmpty()) {
                    String message = "no config or tokenizer files next to " + recipe.configSource()
                            + "; the output holds weights only" + (recipe.tree().has("tokenizer_source")
                                    || recipe.tree().has("tokenizer") ? " (tokenizer_source/tokenizer ignored)" : "");
                    outcomeWarnings.add(message);
                    warnings.accept(message);
                }
                Files.copy(recipe.file(), staging.resolve(RECIPE_FILE_NAME));
                Lineage lineage = lineage(recipe, inputs, result, threads, (System.nanoTime() - start) / 1e9,
                        extraLineage);
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
            StreamingMerge.Result result, int threads, double wallTimeSeconds, Map<String, String> extraLineage)
            throws IOException {
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
                .optVersions(VersionsRecord.withoutEngine())
                .optParents(parents)
                .optConfig(config)
                .optSeed(recipe.seed())
                .optThreads(threads)
                .optExtra(extraLineage)
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

    /** Inputs' SHA-256 for lineage, cached by file identity ({@link FileHashes}). */
    private static final FileHashes INPUT_HASHES = FileHashes.fromEnvironment();

    /** Path, files with SHA-256 (hashed on a background thread, or from the cache) and embedded lineage of one input. */
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
                        .put("sha256", INPUT_HASHES.sha256(f));
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

    /** The SHA-256 of {@code file}, hashed now (lineage takes it from {@link FileHashes}' cache when it can). */
    static String sha256(Path file) {
        return FileHashes.sha256Uncached(file);
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

    /**
     * The recipe's inputs, opened (headers read, no tensor data).
     *
     * @param models the merged models (for slices, {@link SliceStack} views)
     * @param base the base, or null
     * @param auxiliary the Fisher or Gram files (the method's {@link AuxiliaryInput}), or null
     * @param stack the slices' plan, or null for a {@code models:} recipe
     * @param files every input opened, with its role
     */
    private record OpenedInputs(List<TensorSource> models, TensorSource base, List<TensorSource> auxiliary,
            SliceStack stack, List<InputFile> files) {}

    /** One opened input: its role (model, base, fisher, gram), the path the recipe gives, and the source. */
    private record InputFile(String role, Path given, TensorSource source) {}

    private static OpenedInputs open(MergeRecipe recipe, List<TensorSource> opened) throws IOException {
        List<InputFile> files = new ArrayList<>();
        List<TensorSource> models;
        TensorSource base;
        SliceStack stack = null;
        if (recipe.slices().isEmpty()) {
            models = openAll(recipe.models(), opened);
            base = recipe.base() == null ? null : openAll(List.of(recipe.base()), opened).getFirst();
            for (int i = 0; i < models.size(); i++) {
                files.add(new InputFile("model", recipe.models().get(i), models.get(i)));
            }
            if (base != null) {
                files.add(new InputFile("base", recipe.base(), base));
            }
        } else {
            Map<Path, TensorSource> byPath = openSlices(recipe, opened);
            byPath.forEach((path, source) -> files.add(new InputFile(path.equals(recipe.base()) ? "base" : "model",
                    path, source)));
            stack = SliceStack.plan(recipe, byPath);
            models = stack.models();
            base = stack.base();
        }
        List<TensorSource> auxiliary = recipe.auxiliary() == null ? null : openAll(recipe.auxiliary(), opened);
        if (auxiliary != null) {
            String role = recipe.method().auxiliaryInput().recipeKey();
            for (int i = 0; i < auxiliary.size(); i++) {
                files.add(new InputFile(role, recipe.auxiliary().get(i), auxiliary.get(i)));
            }
        }
        return new OpenedInputs(models, base, auxiliary, stack, files);
    }

    private static StreamingMerge streamingMerge(MergeRecipe recipe, OpenedInputs in, Path directory, int threads,
            long maxShardBytes) throws IOException {
        return StreamingMerge.builder()
                .setMethod(recipe.method())
                .setModels(in.models())
                .optBase(in.base())
                .optAuxiliary(in.auxiliary())
                .optTensorParameters(in.stack() != null ? in.stack().parameters() : recipe.tensorParameters(
                        in.models().getFirst().tensors().stream().map(t -> t.name()).toList()))
                .optSeed(recipe.seed())
                .optOutputDType(recipe.outputDType())
                .optThreads(threads)
                .optMaxShardBytes(maxShardBytes)
                .setOutputDirectory(directory)
                .optMetadata(Map.of("format", "pt", "mergelab_merge_method", recipe.method().name()))
                .build();
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
