package org.mergelab.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorInfo;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.checkpoint.TensorSpec;
import org.mergelab.merge.RangeMergeable.Locality;

/**
 * Merges whole checkpoints tensor by tensor, so that memory is bounded by the ranges in flight (or, for methods that
 * need whole tensors, a few copies of the largest tensor), not by the model. A tensor that a {@link RangeMergeable}
 * method merges in more than one range of {@link Builder#optChunkElements chunk} elements is read range by range,
 * each range of each input mapped only while it is converted to float32, merged, converted to the output dtype and
 * written at its place in the file by the worker that merged it ({@link SafetensorsWriter#ranges}); long copies go
 * window by window the same way. Any other tensor has every input mapped whole in an arena of its own, is merged
 * into an output buffer, and is written by the writer thread while the next tensor is merged; its arena is closed
 * (and the mapping released) as soon as it is merged. So the resident set does not grow with the tensor's length
 * for the methods that split.
 *
 * <p><b>Before writing anything</b> every input is checked against the first model: the same tensor names, the same
 * shapes, floating-point tensors where the first has one, the same dtype for non-float tensors (I64, I32, I16, I8,
 * U8, BOOL, which are copied and must be byte-identical across inputs); an error names the tensor and both files.
 * A non-finite input value is an error naming the file, the tensor and the element (except where the method copies
 * its only model, {@link MergeMethod#copiesItsOnlyModel}, and the dtype stays: those bytes are copied as they are). On any failure nothing is left
 * under a final name in the output directory.
 *
 * <p><b>Parallelism</b>: the ranges of one tensor are merged on {@code threads} workers while the previous tensor is
 * written by a writer thread (two tensors in flight). A {@link RangeMergeable} method says how it splits: methods
 * whose output element depends only on the same element
 * of the inputs ({@link Locality#ELEMENTWISE}) are merged range by range; methods that need whole-tensor statistics
 * (TIES, Breadcrumbs: rank thresholds; slerp, model_stock: norms and angles; DARE with the L1 rescale: norms of the
 * masked task vectors; arcee_fusion: quantiles) gather them first, reading the ranges in index order in bounded memory
 * (or on every worker where a pass does not depend on the order: the histograms of TIES' and Breadcrumbs' rank cuts)
 * ({@link Locality#TENSOR_STATISTICS}, {@link RangedTensorMerge}); methods that work along rows (della, arcee_fusion,
 * regmean) merge ranges of whole rows ({@link RangeMergeable#rowsPerRange}), regmean with its Gram matrices read block
 * by block and factored off the heap; the rest merge whole tensors. Results are the bits of
 * {@link MergeMethod#merge} on the whole tensor, whatever the thread count: random streams depend on the seed and
 * the tensor's name only, statistics are combined in index order.
 *
 * <p><b>Output</b>: {@code model.safetensors} in the output directory, or, when the tensor bytes exceed
 * {@link Builder#optMaxShardBytes} (default 5 GB as Hugging Face), shards {@code model-0000i-of-0000N.safetensors}
 * plus {@value ShardedSafetensors#INDEX_FILE_NAME}. Every file is first written under a temporary name
 * ({@link AtomicFiles}) and renamed when all are complete, the index last.
 */
public final class StreamingMerge {

    /** Default largest shard: 5 GB (10^9 bytes), as Hugging Face's {@code max_shard_size="5GB"}. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    /** Default range merged by one task: 2^16 elements. */
    public static final int DEFAULT_CHUNK_ELEMENTS = 1 << 16;
    /** File name of a single-file output. */
    public static final String SINGLE_FILE_NAME = "model.safetensors";

    private final MergeMethod method;
    private final List<TensorSource> models;
    private final TensorSource base;
    private final List<TensorSource> auxiliary;
    /** The tensors the auxiliary files hold (all float tensors for Fisher, the weights with Grams); set by plan(). */
    private Set<String> auxiliaryTensors = Set.of();
    private final Function<String, TensorParameters> parameters;
    private final long seed;
    private final DType outputDType;
    private final Path outputDirectory;
    private final long maxShardBytes;
    private final int threads;
    private final int chunkElements;
    private final Map<String, String> metadata;

    private StreamingMerge(Builder b) {
        this.method = b.method;
        this.models = List.copyOf(b.models);
        this.base = b.base;
        this.auxiliary = b.auxiliary == null ? null : List.copyOf(b.auxiliary);
        if (b.tensorParameters != null) {
            this.parameters = b.tensorParameters;
        } else {
            TensorParameters constant = new TensorParameters(b.perModelParameters, b.globalParameters);
            this.parameters = name -> constant;
        }
        this.seed = b.seed;
        this.outputDType = b.outputDType;
        this.outputDirectory = b.outputDirectory;
        this.maxShardBytes = b.maxShardBytes;
        this.threads = b.threads;
        this.chunkElements = b.chunkElements;
        this.metadata = Map.copyOf(b.metadata);
    }

    /** A builder; {@code set*} for required values, {@code opt*} for optional ones. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The parameters of one tensor's merge requests.
     *
     * @param perModel one map per model (or none), as {@link MergeRequest#perModelParameters()}
     * @param global as {@link MergeRequest#globalParameters()}
     */
    record TensorParameters(List<Map<String, Double>> perModel, Map<String, Double> global) {
        /** Copies. */
        TensorParameters {
            perModel = perModel.stream().map(Map::copyOf).toList();
            global = Map.copyOf(global);
        }
    }

    /**
     * What a merge wrote.
     *
     * @param files the files under their final names: {@code model.safetensors}, or the shards then the index
     * @param tensors number of tensors written
     * @param tensorBytes total tensor bytes written
     */
    public record Result(List<Path> files, int tensors, long tensorBytes) {
        /** Copies the list. */
        public Result {
            files = List.copyOf(files);
        }
    }

    /** One output tensor: where each input holds it, and what is written. */
    private record TensorPlan(String name, DType input, TensorSpec output, boolean floating) {
        long numel() {
            return output.byteLength() / output.dtype().byteSize();
        }

        /** Whether the output is the first model's bytes as they are (a non-float tensor, or a passthrough). */
        boolean copied(MergeMethod method) {
            return !floating || method.copiesItsOnlyModel() && input == output.dtype();
        }
    }

    /**
     * Validates every input against the first model, then merges and writes; see the class Javadoc.
     *
     * @throws IllegalArgumentException for inputs that do not match, naming the tensor and both files
     * @throws IOException for files that cannot be read or written
     */
    public Result run() throws IOException {
        List<TensorPlan> plans = plan();
        Map<String, TensorParameters> requestParameters = withFisherNorms(plans, parametersOf(plans));
        Files.createDirectories(outputDirectory);
        List<List<TensorPlan>> shards = shard(plans);
        ExecutorService workers = Executors.newFixedThreadPool(threads, daemon("mergelab-merge"));
        ExecutorService writer = Executors.newSingleThreadExecutor(daemon("mergelab-write"));
        RangeWriteBehind writeBehind = new RangeWriteBehind(writer, threads + 2);
        Map<Path, Path> renames = new LinkedHashMap<>(); // staged -> final, index last
        OutputBuffers outputs = new OutputBuffers();
        try {
            Map<String, String> weightMap = new LinkedHashMap<>();
            long totalBytes = 0;
            for (int s = 0; s < shards.size(); s++) {
                String fileName = shards.size() == 1 ? SINGLE_FILE_NAME
                        : ShardedSafetensors.shardFileName(s + 1, shards.size());
                Path target = outputDirectory.resolve(fileName);
                Path staged = AtomicFiles.temporarySibling(target);
                List<TensorSpec> specs = shards.get(s).stream().map(TensorPlan::output).toList();
                try (SafetensorsWriter out = SafetensorsWriter.create(staged, specs, metadata)) {
                    Future<?> pending = null;
                    try {
                        for (TensorPlan plan : shards.get(s)) {
                            if (streams(plan, requestParameters.get(plan.name()))) {
                                await(pending); // the writer is done with the tensors before this one
                                pending = null;
                                if (plan.copied(method)) {
                                    copyInWindows(plan, out);
                                } else {
                                    try {
                                        mergeInRanges(plan, requestParameters.get(plan.name()), workers,
                                                writeBehind, out);
                                    } catch (OutOfMemoryError e) {
                                        throw outOfMemory(plan, e);
                                    }
                                }
                                weightMap.put(plan.name(), fileName);
                                totalBytes += plan.output().byteLength();
                                continue;
                            }
                            MergedTensor merged = mergeTensor(plan, requestParameters.get(plan.name()), outputs);
                            await(pending);
                            pending = writer.submit(() -> {
                                try (AutoCloseable release = merged.release()) {
                                    out.write(plan.name(), merged.tensor());
                                }
                                return null;
                            });
                            weightMap.put(plan.name(), fileName);
                            totalBytes += plan.output().byteLength();
                        }
                        await(pending);
                        pending = null;
                    } finally {
                        if (pending != null) { // let a running write finish before the writer is closed
                            try {
                                pending.get();
                            } catch (Exception ignored) {
                                // the first failure is the one reported
                            }
                        }
                    }
                    renames.put(staged, target);
                    out.commit();
                }
            }
            if (shards.size() > 1) {
                Path index = outputDirectory.resolve(ShardedSafetensors.INDEX_FILE_NAME);
                Path staged = AtomicFiles.temporarySibling(index);
                renames.put(staged, index);
                ShardedSafetensors.writeIndex(staged, weightMap, metadata, totalBytes);
            }
            List<Path> written = new ArrayList<>();
            for (Map.Entry<Path, Path> r : renames.entrySet()) {
                AtomicFiles.moveAtomically(r.getKey(), r.getValue());
                written.add(r.getValue());
            }
            renames.clear();
            return new Result(written, plans.size(), totalBytes);
        } finally {
            workers.shutdownNow();
            writer.shutdownNow();
            outputs.close();
            for (Path staged : renames.keySet()) {
                Files.deleteIfExists(staged);
            }
        }
    }

    // ---------------------------------------------------------------- dry run

    /**
     * One tensor as {@link #run} would write it.
     *
     * @param name the output name
     * @param shape its shape
     * @param input the first model's dtype
     * @param output the dtype written
     * @param bytes bytes written
     * @param file the output file it goes to
     * @param action what is done: {@code copy (...)} or the method's name
     * @param parameters the parameters its merge requests carry (null for a copy)
     * @param workingBytes heap the merge of this tensor needs beyond the mapped inputs (float32 copies)
     * @param mappedBytes input bytes mapped while it is merged
     */
    record PlannedTensor(String name, long[] shape, DType input, DType output, long bytes, String file, String action,
            TensorParameters parameters, long workingBytes, long mappedBytes) {}

    /**
     * What {@link #run} would do, from headers only.
     *
     * @param tensors every output tensor, in output order
     * @param files the output files
     * @param inputBytes bytes of every input tensor the merge maps
     * @param peakBytes estimated peak memory beyond the JVM's own: the largest working set of one tensor plus two
     *     output tensors in flight (one merged, one being written)
     */
    record Plan(List<PlannedTensor> tensors, List<String> files, long inputBytes, long peakBytes) {}

    /**
     * Checks every input as {@link #run} does (names, shapes, dtypes, every parameter value) and returns the plan;
     * reads headers only, no tensor data, and writes nothing. Fisher norms ({@code normalize_fishers}) are computed
     * from the data when the merge runs, so they are not in the plan.
     *
     * @throws IllegalArgumentException for inputs that do not match, as {@link #run}
     */
    Plan dryRun() {
        List<TensorPlan> plans = plan();
        Map<String, TensorParameters> requestParameters = parametersOf(plans);
        List<List<TensorPlan>> shards = shard(plans);
        List<TensorSource> inputs = new ArrayList<>(models);
        if (base != null) {
            inputs.add(base);
        }
        if (auxiliary != null) {
            inputs.addAll(auxiliary);
        }
        List<Map<String, TensorInfo>> inputInfos = inputs.stream().map(StreamingMerge::infos).toList();
        List<PlannedTensor> tensors = new ArrayList<>();
        List<String> files = new ArrayList<>();
        long inputBytes = 0;
        long largestWorking = 0;
        long largestOutput = 0;
        for (int s = 0; s < shards.size(); s++) {
            String fileName = shards.size() == 1 ? SINGLE_FILE_NAME : ShardedSafetensors.shardFileName(s + 1,
                    shards.size());
            files.add(fileName);
            for (TensorPlan plan : shards.get(s)) {
                DType in = inputInfos.getFirst().get(plan.name()).dtype();
                long mapped = 0;
                for (Map<String, TensorInfo> infos : inputInfos) {
                    TensorInfo info = infos.get(plan.name());
                    mapped += info == null ? 0 : info.byteLength();
                }
                inputBytes += mapped;
                long n = plan.output().byteLength() / plan.output().dtype().byteSize();
                String action;
                long working;
                TensorParameters parameters = null;
                if (!plan.floating()) {
                    action = "copy (" + in.safetensorsName() + ", identical in every input)";
                    working = 0;
                } else if (method.copiesItsOnlyModel() && in == plan.output().dtype()) {
                    action = "copy (" + method.name() + ")";
                    working = 0;
                } else {
                    parameters = requestParameters.get(plan.name());
                    Locality locality = method instanceof RangeMergeable ranged
                            ? ranged.locality(parameters.global()) : Locality.WHOLE_TENSOR;
                    // float32 copies of every input range and the result, and the result in the output dtype
                    long arrays = inputs.size() + 2;
                    boolean whole = !streams(plan, parameters);
                    long gram = gramElements(plan);
                    long rangeElements = whole ? n : largestRange(plan);
                    long elements = whole ? n : Math.min(n, threads * rangeElements);
                    working = arrays * elements * Float.BYTES;
                    action = method.name() + (whole ? " (whole tensor)" : " (in ranges of " + rangeElements
                            + " elements on " + threads + " threads)");
                    if (method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM) {
                        long d = RangeMergeable.rowElements(plan.output().shape());
                        if (gram == 0) {
                            action = method.name() + ": weighted mean (no Gram matrix)";
                        } else if (whole) {
                            // the models' float32 Grams, their float64 sum and the float64 right-hand side
                            working = (models.size() + 2L) * n * Float.BYTES + models.size() * d * d * Float.BYTES
                                    + d * d * Double.BYTES + n * Double.BYTES;
                            action = method.name() + " (whole tensor, input Gram [" + d + ", " + d + "])";
                        } else {
                            // the Cholesky factor off the heap; per range in flight its float32 rows and two
                            // float64 right-hand sides (RegMeanMerge)
                            working = d * (d + 1) / 2 * Double.BYTES + elements * (arrays * Float.BYTES
                                    + 2L * Double.BYTES);
                            action = method.name() + " (input Gram [" + d + ", " + d + "] factored off the heap, "
                                    + "output rows solved in ranges of " + rangeElements / d + " rows on " + threads
                                    + " threads)";
                        }
                    }
                }
                boolean streamed = streams(plan, requestParameters.get(plan.name()));
                if (streamed) {
                    // only the ranges in flight are mapped, and each is written where it goes in the file
                    long inFlight = plan.copied(method) ? Math.min(n, COPY_WINDOW_BYTES / in.byteSize())
                            : Math.min(n, 2L * threads * largestRange(plan));
                    mapped = Math.min(mapped, inFlight * in.byteSize() * inputInfos.size());
                    action += ", written range by range";
                    largestWorking = Math.max(largestWorking, working + inFlight * plan.output().dtype().byteSize());
                } else {
                    largestWorking = Math.max(largestWorking, working + plan.output().byteLength());
                    largestOutput = Math.max(largestOutput, plan.output().byteLength());
                }
                tensors.add(new PlannedTensor(plan.name(), plan.output().shape(), in, plan.output().dtype(),
                        plan.output().byteLength(), fileName, action, parameters, working, mapped));
            }
        }
        if (shards.size() > 1) {
            files.add(ShardedSafetensors.INDEX_FILE_NAME);
        }
        return new Plan(tensors, files, inputBytes, largestWorking + largestOutput);
    }

    // ---------------------------------------------------------------- validation

    /** Checks names, shapes and dtypes of every input against the first model; nothing is read but headers. */
    private List<TensorPlan> plan() {
        TensorSource first = models.getFirst();
        List<TensorSource> others = new ArrayList<>(models.subList(1, models.size()));
        if (base != null) {
            others.add(base);
        }
        TensorLayout firstLayout = TensorLayout.of(first);
        for (TensorSource other : others) {
            TensorLayout.requireSame(firstLayout, TensorLayout.of(other), TensorLayout.DTypes.SAME_KIND);
        }
        if (auxiliary != null) {
            auxiliaryTensors = AuxiliaryFiles.check(method.auxiliaryInput(), first, auxiliary);
        }
        List<TensorPlan> plans = new ArrayList<>();
        for (TensorInfo info : first.tensors()) {
            boolean floating = info.dtype().isFloatingPoint();
            if (floating && info.numel() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + info.name() + "' in " + first.path() + " has "
                        + info.numel() + " elements; at most " + (Integer.MAX_VALUE - 8) + " are supported");
            }
            DType out = floating && outputDType != null ? outputDType : info.dtype();
            plans.add(new TensorPlan(info.name(), info.dtype(), new TensorSpec(info.name(), out, info.shape()), floating));
        }
        if (plans.isEmpty()) {
            throw new IllegalArgumentException(first.path() + " holds no tensors; nothing to merge");
        }
        return plans;
    }

    /** Each float tensor's parameters, every value checked against its key's range before anything is written. */
    private Map<String, TensorParameters> parametersOf(List<TensorPlan> plans) {
        Map<String, TensorParameters> out = new HashMap<>();
        for (TensorPlan plan : plans) {
            if (plan.floating()) {
                TensorParameters p = parameters.apply(plan.name());
                MergeRequest.checkParameters(p.perModel(), p.global(), plan.name(), models.size());
                out.put(plan.name(), p);
            }
        }
        return out;
    }

    /**
     * The parameters of every request, plus, for tensors with {@code normalize_fishers}, each model's
     * {@code fisher_norm}: the L2 norm of its Fisher file over every merged tensor, summed in float64 in tensor and
     * element order.
     */
    private Map<String, TensorParameters> withFisherNorms(List<TensorPlan> plans,
            Map<String, TensorParameters> byTensor) throws IOException {
        String key = MergeParameter.FISHER_NORM.key();
        boolean any = false;
        for (TensorParameters p : byTensor.values()) {
            any |= p.global().getOrDefault(MergeParameter.NORMALIZE_FISHERS.key(), 0.0) == 1.0;
            for (int i = 0; i < p.perModel().size(); i++) {
                if (p.perModel().get(i).containsKey(key)) {
                    throw new IllegalArgumentException("per-model parameter '" + key + "' of model " + i
                            + " is computed from the Fisher files with normalize_fishers; do not give it");
                }
            }
        }
        if (auxiliary == null || !any) {
            return byTensor;
        }
        List<TensorSource> fisher = auxiliary;
        double[] norms = new double[fisher.size()];
        for (int i = 0; i < fisher.size(); i++) {
            double squares = 0.0;
            for (TensorPlan plan : plans) {
                if (!plan.floating()) {
                    continue;
                }
                InputRanges tensor = InputRanges.perRange(fisher.get(i), plan.name());
                long n = plan.output().byteLength() / plan.output().dtype().byteSize();
                for (long from = 0; from < n; from += chunkElements) {
                    for (float v : tensor.floats(from, Math.min(n, from + chunkElements))) {
                        squares += (double) v * v;
                    }
                }
            }
            if (!(squares > 0.0)) {
                throw new IllegalArgumentException("the Fisher file " + fisher.get(i).path() + " is zero everywhere;"
                        + " normalize_fishers divides model " + i + "'s weight by its L2 norm");
            }
            norms[i] = Math.sqrt(squares);
        }
        Map<String, TensorParameters> out = new HashMap<>();
        byTensor.forEach((name, p) -> {
            if (p.global().getOrDefault(MergeParameter.NORMALIZE_FISHERS.key(), 0.0) != 1.0) {
                out.put(name, p);
                return;
            }
            List<Map<String, Double>> perModel = new ArrayList<>();
            for (int i = 0; i < norms.length; i++) {
                Map<String, Double> withNorm = new LinkedHashMap<>(p.perModel().isEmpty() ? Map.of()
                        : p.perModel().get(i));
                withNorm.put(key, norms[i]);
                perModel.add(withNorm);
            }
            out.put(name, new TensorParameters(perModel, p.global()));
        });
        return out;
    }

    private static Map<String, TensorInfo> infos(TensorSource source) {
        Map<String, TensorInfo> map = new HashMap<>();
        for (TensorInfo info : source.tensors()) {
            map.put(info.name(), info);
        }
        return map;
    }

    private List<List<TensorPlan>> shard(List<TensorPlan> plans) {
        List<List<TensorPlan>> groups = new ArrayList<>();
        List<TensorPlan> current = new ArrayList<>();
        long bytes = 0;
        for (TensorPlan plan : plans) {
            long size = plan.output().byteLength();
            if (!current.isEmpty() && bytes + size > maxShardBytes) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(plan);
            bytes += size;
        }
        groups.add(current);
        return groups;
    }

    // ---------------------------------------------------------------- merging one tensor

    /** Copies longer than this go through the file window by window. */
    static final long COPY_WINDOW_BYTES = 16L << 20;

    /**
     * Whether a tensor goes straight into the output file range by range, with only the ranges in flight mapped and
     * buffered: a copy longer than {@link #COPY_WINDOW_BYTES}, or a merge of more than one range by a method that
     * splits (elementwise, or after its statistics pass). Other tensors are merged whole into an output buffer that
     * the writer thread writes while the next tensor is merged.
     */
    private boolean streams(TensorPlan plan, TensorParameters parameters) {
        if (plan.copied(method)) {
            return plan.output().byteLength() > COPY_WINDOW_BYTES;
        }
        return method instanceof RangeMergeable ranged && ranged.locality(parameters.global()) != Locality.WHOLE_TENSOR
                && (plan.numel() > chunkElements || gramElements(plan) > chunkElements);
    }

    /** The elements of the longest range a tensor that {@link #streams} is merged in. */
    private long largestRange(TensorPlan plan) {
        return RangedTensorMerge.ranges((RangeMergeable) method, plan.output().shape(), chunkElements,
                gramElements(plan) > 0).stream().mapToLong(r -> r.to() - r.from()).max().orElse(0);
    }

    /** The elements of each model's Gram matrix of a regmean tensor that has one, else 0. */
    private long gramElements(TensorPlan plan) {
        if (method.auxiliaryInput() != AuxiliaryInput.INPUT_GRAM || !auxiliaryTensors.contains(plan.name())) {
            return 0;
        }
        long d = RangeMergeable.rowElements(plan.output().shape());
        return d * d;
    }

    /**
     * Merges a tensor range by range on the workers, each range's inputs mapped only while they are converted and
     * each merged range written at its place in the file by the worker that merged it. A regmean weight's Gram
     * matrices are read block by block ({@link GramMatrixFiles}, scratch files in the output directory, deleted
     * once the tensor is merged).
     */
    private void mergeInRanges(TensorPlan plan, TensorParameters parameters, ExecutorService workers,
            RangeWriteBehind writeBehind, SafetensorsWriter out) throws IOException {
        String name = plan.name();
        InputRanges[] modelRanges = new InputRanges[models.size()];
        for (int i = 0; i < modelRanges.length; i++) {
            modelRanges[i] = InputRanges.perRange(models.get(i), name);
        }
        InputRanges[] auxiliaryRanges = null;
        if (auxiliary != null && auxiliaryTensors.contains(name)) {
            auxiliaryRanges = new InputRanges[auxiliary.size()];
            for (int i = 0; i < auxiliaryRanges.length; i++) {
                auxiliaryRanges[i] = InputRanges.perRange(auxiliary.get(i), name);
            }
        }
        // a Gram matrix belongs to the whole weight: it is read block by block, never sliced into the ranges
        GramMatrixFiles matrices = null;
        if (auxiliaryRanges != null && method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM) {
            matrices = new GramMatrixFiles(auxiliaryRanges,
                    Math.toIntExact(RangeMergeable.rowElements(plan.output().shape())), outputDirectory);
            auxiliaryRanges = null;
        }
        try {
            mergeEachRange(plan, parameters, workers, writeBehind, out, modelRanges, auxiliaryRanges, matrices);
        } finally {
            if (matrices != null) {
                matrices.close();
            }
        }
    }

    /** {@link #mergeInRanges} once its inputs are set up: the ranges merged and each written where it goes. */
    private void mergeEachRange(TensorPlan plan, TensorParameters parameters, ExecutorService workers,
            RangeWriteBehind writeBehind, SafetensorsWriter out, InputRanges[] modelRanges,
            InputRanges[] auxiliaryRanges, RangeMergeable.AuxiliaryMatrices matrices) throws IOException {
        String name = plan.name();
        Inputs in = new Inputs(name, plan.numel(), plan.output().shape(), modelRanges,
                base == null ? null : InputRanges.perRange(base, name), auxiliaryRanges, parameters);
        DType outType = plan.output().dtype();
        SafetensorsWriter.TensorRanges ranges = out.ranges(name, outType, plan.output().shape());
        RangeMergeable ranged = (RangeMergeable) method;
        writeBehind.begin(largestRange(plan) * outType.byteSize());
        int arraysPerRange = in.models().length + (in.base() == null ? 0 : 1) + 1;
        boolean merged = false;
        try {
            RangedTensorMerge.merge(ranged, ranged.locality(parameters.global()), plan.output().shape(), chunkElements,
                    matrices, workers, threads, new RangedTensorMerge.Ranges() {
                        @Override
                        public MergeRequest request(long from, long to, long[] shape, RangeArrays arrays) {
                            return StreamingMerge.this.request(in, from, to, shape, arrays);
                        }

                        @Override
                        public int arraysPerRange() {
                            return arraysPerRange;
                        }

                        @Override
                        public void store(long from, float[] merged) {
                            ByteBuffer bytes = writeBehind.buffer((long) merged.length * outType.byteSize());
                            try {
                                put(bytes, 0, from, plan, merged);
                            } catch (RuntimeException | Error e) {
                                writeBehind.release(bytes);
                                throw e;
                            }
                            writeBehind.write(ranges, from * outType.byteSize(), bytes);
                        }
                    });
            merged = true;
        } finally {
            if (!merged) {
                try {
                    writeBehind.finish(); // nothing may write to the file once the failure is reported
                } catch (IOException | RuntimeException e) {
                    // the merge's own failure is the one reported
                }
            }
        }
        writeBehind.finish();
        ranges.finish();
    }

    /**
     * Copies the first model's bytes of a long tensor window by window (each window mapped, compared with the other
     * inputs' for a non-float tensor, written and unmapped).
     */
    private void copyInWindows(TensorPlan plan, SafetensorsWriter out) throws IOException {
        String name = plan.name();
        int size = plan.output().dtype().byteSize();
        long n = plan.numel();
        long window = Math.max(1, COPY_WINDOW_BYTES / size);
        List<TensorSource> compared = new ArrayList<>();
        if (!plan.floating()) {
            compared.addAll(models.subList(1, models.size()));
            if (base != null) {
                compared.add(base);
            }
        }
        SafetensorsWriter.TensorRanges ranges = out.ranges(name, plan.output().dtype(), plan.output().shape());
        for (long from = 0; from < n; from += window) {
            long to = Math.min(n, from + window);
            try (Arena arena = Arena.ofConfined()) {
                Tensor first = models.getFirst().read(name, from, to, arena);
                for (TensorSource other : compared) {
                    requireIdentical(name, first, models.getFirst(), other.read(name, from, to, arena), other);
                }
                ranges.write(from * size, first.data());
            }
        }
        ranges.finish();
    }

    /** A merged tensor and what frees its bytes (an arena, a lease); whoever writes it closes that. */
    private record MergedTensor(Tensor tensor, AutoCloseable release) {}

    /**
     * The inputs of one tensor of {@code numel} elements and {@code shape}, read range by range, and the parameters
     * its requests carry.
     */
    private record Inputs(String name, long numel, long[] shape, InputRanges[] models, InputRanges base,
            InputRanges[] auxiliary, TensorParameters parameters) {}

    private MergedTensor mergeTensor(TensorPlan plan, TensorParameters parameters, OutputBuffers outputs)
            throws IOException {
        Arena arena = Arena.ofShared();
        try {
            String name = plan.name();
            Tensor[] inputs = new Tensor[models.size()];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = models.get(i).read(name, arena);
            }
            Tensor baseTensor = base == null ? null : base.read(name, arena);
            if (!plan.floating()) {
                for (int i = 1; i < inputs.length; i++) {
                    requireIdentical(name, inputs[0], models.getFirst(), inputs[i], models.get(i));
                }
                if (baseTensor != null) {
                    requireIdentical(name, inputs[0], models.getFirst(), baseTensor, base);
                }
                return new MergedTensor(inputs[0], arena);
            }
            if (method.copiesItsOnlyModel() && inputs[0].dtype() == plan.output().dtype()) {
                return new MergedTensor(inputs[0], arena); // passthrough: the bytes as they are
            }
            InputRanges[] modelRanges = new InputRanges[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                modelRanges[i] = InputRanges.mapped(models.get(i), name, inputs[i]);
            }
            InputRanges[] auxiliaryRanges = null;
            if (auxiliary != null && this.auxiliaryTensors.contains(name)) {
                auxiliaryRanges = new InputRanges[auxiliary.size()];
                for (int i = 0; i < auxiliaryRanges.length; i++) {
                    auxiliaryRanges[i] = InputRanges.mapped(auxiliary.get(i), name, auxiliary.get(i).read(name, arena));
                }
            }
            Inputs in = new Inputs(name, inputs[0].numel(), inputs[0].shape(), modelRanges,
                    baseTensor == null ? null : InputRanges.mapped(base, name, baseTensor), auxiliaryRanges, parameters);
            int n = (int) inputs[0].numel();
            DType outType = plan.output().dtype();
            // the output lives in a reused buffer of its own: the inputs' mappings are released as soon as the merge
            // is computed, while the output waits for the writer (peak: one tensor's inputs plus two outputs)
            OutputBuffers.Lease lease = outputs.lease((long) n * outType.byteSize());
            ByteBuffer out = lease.buffer();
            try {
                put(out, 0, plan, method.merge(request(in, 0, n, null)));
            } catch (RuntimeException | Error e) {
                lease.close();
                throw e;
            }
            arena.close();
            return new MergedTensor(new Tensor(outType, plan.output().shape(), out), lease);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw outOfMemory(plan, e);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** {@code e}, saying which tensor was being merged with which method. */
    private OutOfMemoryError outOfMemory(TensorPlan plan, OutOfMemoryError e) {
        OutOfMemoryError named = new OutOfMemoryError("merging tensor '" + plan.name() + "' "
                + Tensor.shapeString(plan.output().shape()) + " with " + method.name() + ": " + e.getMessage());
        named.initCause(e);
        return named;
    }

    private static void requireIdentical(String name, Tensor first, TensorSource firstSource, Tensor other,
            TensorSource otherSource) {
        if (first.dtype() != other.dtype() || !first.data().equals(other.data())) {
            throw new IllegalArgumentException("tensor '" + name + "' (" + first.dtype().safetensorsName()
                    + ") differs between " + firstSource.path() + " and " + otherSource.path()
                    + "; non-float tensors are copied, not merged, and must be byte-identical in every input");
        }
    }

    /**
     * The merge request for elements {@code [from, to)} of a tensor, converted to float32 and checked finite, with
     * {@code shape} (a range of whole rows), or the tensor's shape when it is the whole tensor, or one dimension.
     */
    private MergeRequest request(Inputs in, long from, long to, long[] shape) {
        return request(in, from, to, shape, null);
    }

    /**
     * As {@link #request(Inputs, long, long, long[])}, with the models' and the base's arrays taken from
     * {@code pool} (null: new arrays).
     */
    private MergeRequest request(Inputs in, long from, long to, long[] shape, RangeArrays pool) {
        List<float[]> modelRanges = new ArrayList<>(in.models().length);
        for (InputRanges model : in.models()) {
            modelRanges.add(model.floats(from, to, pool));
        }
        MergeRequest.Builder request = MergeRequest.builder()
                .modelsCheckedFinite() // InputRanges checks every value as it converts it
                .setTensorName(in.name())
                .setModels(modelRanges)
                .optPerModelParameters(in.parameters().perModel())
                .optGlobalParameters(in.parameters().global())
                .optSeed(seed);
        if (shape != null) {
            request.optShape(shape);
        } else if (from == 0 && to == in.numel()) {
            request.optShape(in.shape());
        }
        if (in.base() != null) {
            request.optBase(in.base().floats(from, to, pool));
        }
        if (in.auxiliary() != null) {
            List<float[]> arrays = new ArrayList<>();
            for (int i = 0; i < in.auxiliary().length; i++) {
                // a Fisher diagonal is sliced as the tensor; a Gram matrix belongs to the whole weight
                boolean diagonal = method.auxiliaryInput() == AuxiliaryInput.FISHER_DIAGONAL;
                arrays.add(diagonal ? in.auxiliary()[i].floats(from, to)
                        : in.auxiliary()[i].floats(0, in.auxiliary()[i].numel()));
            }
            request.optAuxiliary(arrays);
        }
        return request.build();
    }

    /**
     * Stores merged values {@code [from, from + values.length)} of tensor {@code plan} in the output dtype, refusing
     * a value that is not finite or that the output dtype cannot hold: F16 rounds {@code |x| >= 65520} to
     * infinity, BF16 values beyond about 3.39e38, and writing them would pass an infinity off as a merge result.
     */
    private static void put(ByteBuffer out, long from, TensorPlan plan, float[] values) {
        put(out, from, from, plan, values);
    }

    /** As {@link #put(ByteBuffer, long, TensorPlan, float[])}, storing at element {@code index} of {@code out}. */
    private static void put(ByteBuffer out, long index, long from, TensorPlan plan, float[] values) {
        DType dtype = plan.output().dtype();
        int bad = Tensor.putFloats(dtype, values, out, index);
        if (bad >= 0) {
            long element = from + bad;
            String at = "tensor '" + plan.name() + "': element " + element + " "
                    + Tensor.shapeString(indexOf(element, plan.output().shape()));
            throw new IllegalArgumentException(Float.isFinite(values[bad])
                    ? at + " merges to " + values[bad] + ", which overflows " + dtype.safetensorsName()
                            + " (it would be written as infinity); choose a wider output dtype (dtype: float32)"
                    : Float.isNaN(values[bad]) ? at + " merges to NaN although every input is finite"
                    : at + " merges to " + values[bad] + ": beyond the float32 range merges are computed in");
        }
    }

    /** The row-major index of flat element {@code element} of a tensor of {@code shape}. */
    private static long[] indexOf(long element, long[] shape) {
        long[] index = new long[shape.length];
        long rest = element;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        return index;
    }

    static <T> T await(Future<T> future) throws IOException {
        if (future == null) {
            return null;
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while merging", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return Thread.ofPlatform().name(name + "-", 0).daemon(true).factory();
    }

    /**
     * Builds a {@link StreamingMerge}. Required: {@link #setMethod}, {@link #setModels},
     * {@link #setOutputDirectory}. Optional with defaults: no base, no auxiliary files, no parameters, seed 0, output
     * dtype = each tensor's dtype in the first model, shards above {@link #DEFAULT_MAX_SHARD_BYTES}, threads = the
     * available processors, ranges of {@link #DEFAULT_CHUNK_ELEMENTS}, metadata {@code {"format": "pt"}}.
     */
    public static final class Builder {
        private MergeMethod method;
        private List<TensorSource> models;
        private TensorSource base;
        private List<TensorSource> auxiliary;
        private List<Map<String, Double>> perModelParameters = List.of();
        private final Map<String, Double> globalParameters = new LinkedHashMap<>();
        private Function<String, TensorParameters> tensorParameters;
        private long seed;
        private DType outputDType;
        private Path outputDirectory;
        private long maxShardBytes = DEFAULT_MAX_SHARD_BYTES;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int chunkElements = DEFAULT_CHUNK_ELEMENTS;
        private Map<String, String> metadata = Map.of("format", "pt");

        private Builder() {}

        /** The merge method (required). */
        public Builder setMethod(MergeMethod method) {
            this.method = method;
            return this;
        }

        /** The models, in recipe order (required, at least one); the first sets tensor order and dtypes. */
        public Builder setModels(List<TensorSource> models) {
            this.models = models;
            return this;
        }

        /** The directory to write into; created if missing (required). */
        public Builder setOutputDirectory(Path outputDirectory) {
            this.outputDirectory = outputDirectory;
            return this;
        }

        /** The base model, for methods that take one; default none. */
        public Builder optBase(TensorSource base) {
            this.base = base;
            return this;
        }

        /**
         * One auxiliary file per model, of the method's {@link MergeMethod#auxiliaryInput()} (diagonal Fisher for
         * {@code fisher}, input Gram matrices for {@code regmean}); default none.
         */
        public Builder optAuxiliary(List<TensorSource> auxiliary) {
            this.auxiliary = auxiliary;
            return this;
        }

        /** One parameter map per model; default none. */
        public Builder optPerModelParameters(List<Map<String, Double>> perModelParameters) {
            this.perModelParameters = perModelParameters;
            return this;
        }

        /** Global parameters (added to earlier ones); default none. */
        public Builder optGlobalParameters(Map<String, Double> globalParameters) {
            this.globalParameters.putAll(globalParameters);
            return this;
        }

        /**
         * Parameters that differ by tensor (per-layer gradients, filters), in place of
         * {@link #optPerModelParameters} and {@link #optGlobalParameters}; default none.
         */
        Builder optTensorParameters(Function<String, TensorParameters> tensorParameters) {
            this.tensorParameters = tensorParameters;
            return this;
        }

        /** The seed of seeded methods; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Dtype of every float output tensor (F32, F16, BF16, ...); default: the first model's, per tensor. */
        public Builder optOutputDType(DType outputDType) {
            this.outputDType = outputDType;
            return this;
        }

        /** Largest tensor bytes in one file before the output is sharded; default 5 GB. */
        public Builder optMaxShardBytes(long maxShardBytes) {
            this.maxShardBytes = maxShardBytes;
            return this;
        }

        /** Worker threads; default the available processors. */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Elements merged by one task, a multiple of 65536; default 2^16. */
        public Builder optChunkElements(int chunkElements) {
            this.chunkElements = chunkElements;
            return this;
        }

        /** String metadata of every output file; default {@code {"format": "pt"}}. */
        public Builder optMetadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Validates and builds; the message names the bad value. */
        public StreamingMerge build() {
            Objects.requireNonNull(method, "method is required (setMethod)");
            Objects.requireNonNull(outputDirectory, "output directory is required (setOutputDirectory)");
            if (models == null || models.isEmpty()) {
                throw new IllegalArgumentException("at least one model is required (setModels), got " + models);
            }
            if (method.needsBaseModel() && base == null || !method.acceptsBaseModel() && base != null) {
                throw new IllegalArgumentException("method '" + method.name() + "' "
                        + (method.needsBaseModel() ? "needs a base model (optBase)" : "takes no base model"));
            }
            if (method.needsAuxiliary() != (auxiliary != null)) {
                throw new IllegalArgumentException("method '" + method.name() + "' " + (method.needsAuxiliary()
                        ? "needs one " + method.auxiliaryInput().recipeKey() + " file per model (optAuxiliary)"
                        : "takes no auxiliary files"));
            }
            if (auxiliary != null && auxiliary.size() != models.size()) {
                throw new IllegalArgumentException(auxiliary.size() + " " + method.auxiliaryInput().recipeKey()
                        + " files for " + models.size() + " models; need one per model");
            }
            if (maxShardBytes <= 0) {
                throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
            }
            if (threads <= 0) {
                throw new IllegalArgumentException("threads must be > 0, got " + threads);
            }
            if (chunkElements <= 0 || chunkElements % RangeMergeable.RANGE_ALIGNMENT != 0) {
                throw new IllegalArgumentException("chunkElements must be a positive multiple of "
                        + RangeMergeable.RANGE_ALIGNMENT + ", got " + chunkElements);
            }
            if (outputDType != null && !outputDType.isFloatingPoint()) {
                throw new IllegalArgumentException("output dtype must be floating point, got "
                        + outputDType.safetensorsName());
            }
            Objects.requireNonNull(metadata, "metadata");
            if (tensorParameters != null && (!perModelParameters.isEmpty() || !globalParameters.isEmpty())) {
                throw new IllegalArgumentException("give per-tensor parameters or constant ones, not both");
            }
            return new StreamingMerge(this);
        }
    }
}
