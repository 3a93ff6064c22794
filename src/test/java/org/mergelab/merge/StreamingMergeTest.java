package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.ShardedSafetensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

class StreamingMergeTest {

    @TempDir Path dir;

    /** 3 float tensors (one larger than two chunks of 65536) and one I64 tensor. */
    static NamedTensors checkpoint(long seed, DType dtype) {
        SplittableRandom random = new SplittableRandom(seed);
        NamedTensors t = new NamedTensors();
        t.put("layer1.weight", Tensor.fromFloats(dtype, new long[] {3, 70_000}, gaussian(random, 210_000)));
        t.put("layer1.bias", Tensor.fromFloats(dtype, new long[] {7}, gaussian(random, 7)));
        t.put("steps", Tensor.fromDoubles(DType.I64, new long[] {2}, new double[] {1, 2}));
        t.put("a.last", Tensor.fromFloats(dtype, new long[] {5, 4}, gaussian(random, 20)));
        return t;
    }

    static float[] gaussian(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    Path write(String name, NamedTensors tensors) throws IOException {
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        return file;
    }

    StreamingMerge.Result merge(MergeMethod method, List<Path> models, Path base, Path out, int threads,
            Map<String, Double> global, List<Map<String, Double>> perModel, DType outType, long maxShard)
            throws IOException {
        List<TensorSource> sources = new ArrayList<>();
        TensorSource baseSource = null;
        try {
            for (Path p : models) {
                sources.add(TensorSource.open(p));
            }
            baseSource = base == null ? null : TensorSource.open(base);
            return StreamingMerge.builder().setMethod(method).setModels(sources).optBase(baseSource)
                    .optGlobalParameters(global).optPerModelParameters(perModel).optSeed(7)
                    .optOutputDType(outType).optThreads(threads).optChunkElements(65536)
                    .optMaxShardBytes(maxShard).setOutputDirectory(out).build().run();
        } finally {
            for (TensorSource s : sources) {
                s.close();
            }
            if (baseSource != null) {
                baseSource.close();
            }
        }
    }

    /** The in-memory kernel on whole tensors, rounded to {@code outType}. */
    static Tensor expected(MergeMethod method, List<NamedTensors> models, NamedTensors base, String name,
            Map<String, Double> global, List<Map<String, Double>> perModel, DType outType) {
        MergeRequest.Builder r = MergeRequest.builder().setTensorName(name)
                .setModels(models.stream().map(m -> m.get(name).toFloats()).toList())
                .optGlobalParameters(global).optPerModelParameters(perModel).optSeed(7)
                .optShape(models.getFirst().get(name).shape());
        if (base != null) {
            r.optBase(base.get(name).toFloats());
        }
        return Tensor.fromFloats(outType, models.getFirst().get(name).shape(), method.merge(r.build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "task_arithmetic", "ties", "breadcrumbs_ties", "slerp", "dare_ties",
            "dare_linear", "model_stock", "magmax", "della", "della_linear", "arcee_fusion"})
    void streamingEqualsTheInMemoryKernelForEveryDtypeAndThreadCount(String name) throws IOException {
        MergeMethod method = MergeMethods.byName(name);
        int count = Math.min(2, ((AbstractMergeMethod) method).signature().maxModels());
        for (DType dtype : List.of(DType.F32, DType.F16, DType.BF16)) {
            List<NamedTensors> models = List.of(checkpoint(1, dtype), checkpoint(2, dtype)).subList(0, count);
            NamedTensors base = method.needsBaseModel() ? checkpoint(3, dtype) : null;
            List<Path> paths = List.of(write(name + dtype + "a", checkpoint(1, dtype)),
                    write(name + dtype + "b", checkpoint(2, dtype))).subList(0, count);
            Path basePath = base == null ? null : write(name + dtype + "base", base);
            Map<String, Double> global = name.equals("slerp") ? Map.of("t", 0.3) : Map.of();
            List<Map<String, Double>> perModel = name.contains("ties") || name.startsWith("dare")
                    ? List.of(Map.of("density", 0.3, "weight", 0.7), Map.of("density", 0.6, "weight", 0.4))
                    : name.startsWith("della") ? List.of(Map.of("density", 0.3, "weight", 0.7, "epsilon", 0.1),
                            Map.of("density", 0.6, "weight", 0.4, "epsilon", 0.2))
                    : List.of();
            Path one = dir.resolve(name + dtype + "-1");
            Path many = dir.resolve(name + dtype + "-4");
            merge(method, paths, basePath, one, 1, global, perModel, null, Long.MAX_VALUE);
            merge(method, paths, basePath, many, 4, global, perModel, null, Long.MAX_VALUE);
            NamedTensors got;
            try (TensorSource s = TensorSource.open(one)) {
                got = s.readAll();
                assertThat(got.names()).containsExactlyElementsOf(models.getFirst().names());
            }
            for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
                assertThat(got.get(tensor)).as("%s %s %s", name, dtype, tensor)
                        .isEqualTo(expected(method, models, base, tensor, global, perModel, dtype));
            }
            assertThat(got.get("steps")).isEqualTo(models.getFirst().get("steps"));
            assertThat(Files.mismatch(many.resolve("model.safetensors"), one.resolve("model.safetensors")))
                    .isEqualTo(-1L);
        }
    }

    /**
     * regmean streams weights with Gram matrices: one of several ranges of output rows ([700, 200], three ranges),
     * one of a single range whose Gram matrix is larger than a chunk ([2, 300] with a [300, 300] Gram), one model's
     * Grams not symmetric bit for bit (their columns come from a transposed scratch copy, deleted after); any other
     * tensor is the weighted mean in ranges. Every thread count gives the in-memory kernel's bits.
     */
    @Test
    void regmeanSolvesWeightsWithGramMatricesInRangesAsTheInMemoryKernel() throws IOException {
        MergeMethod method = MergeMethods.byName("regmean");
        Map<String, long[]> weights = Map.of("fc.weight", new long[] {700, 200}, "proj.weight", new long[] {2, 300});
        List<NamedTensors> models = new ArrayList<>();
        List<NamedTensors> grams = new ArrayList<>();
        List<Path> modelPaths = new ArrayList<>();
        List<Path> gramPaths = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SplittableRandom random = new SplittableRandom(40 + i);
            NamedTensors model = checkpoint(10 + i, DType.BF16);
            NamedTensors gram = new NamedTensors();
            for (Map.Entry<String, long[]> w : weights.entrySet()) {
                int d = (int) w.getValue()[1];
                model.put(w.getKey(), Tensor.fromFloats(DType.BF16, w.getValue(),
                        gaussian(random, (int) (w.getValue()[0] * d))));
                float[] g = RegMeanMergeTest.randomGram(random, d);
                for (int k = 0; i == 1 && k < d; k++) { // rounding asymmetry, well inside the tolerance
                    for (int j = k + 1; j < d; j += 3) {
                        g[j * d + k] = Math.nextUp(g[k * d + j]);
                    }
                }
                gram.put(w.getKey(), Tensor.fromFloats(DType.F32, new long[] {d, d}, g));
            }
            models.add(model);
            grams.add(gram);
            modelPaths.add(write("rm" + i, model));
            gramPaths.add(write("rm-gram" + i, gram));
        }
        List<Map<String, Double>> perModel = List.of(Map.of("weight", 0.7), Map.of("weight", 0.4),
                Map.of("weight", 0.5));
        Map<String, Double> global = Map.of("reduce_non_diagonal_ratio", 0.8);
        for (int threads : new int[] {1, 3}) {
            Path out = dir.resolve("regmean-" + threads);
            List<TensorSource> sources = new ArrayList<>();
            try {
                for (Path p : modelPaths) {
                    sources.add(TensorSource.open(p));
                }
                for (Path p : gramPaths) {
                    sources.add(TensorSource.open(p));
                }
                StreamingMerge.builder().setMethod(method).setModels(sources.subList(0, 3))
                        .optAuxiliary(sources.subList(3, 6)).optPerModelParameters(perModel)
                        .optGlobalParameters(global).optThreads(threads).optChunkElements(65536)
                        .setOutputDirectory(out).build().run();
            } finally {
                for (TensorSource s : sources) {
                    s.close();
                }
            }
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
            }
            try (TensorSource s = TensorSource.open(out)) {
                NamedTensors got = s.readAll();
                for (String tensor : List.of("fc.weight", "proj.weight", "layer1.weight", "a.last")) {
                    MergeRequest.Builder r = MergeRequest.builder().setTensorName(tensor)
                            .setModels(models.stream().map(m -> m.get(tensor).toFloats()).toList())
                            .optPerModelParameters(perModel).optGlobalParameters(global)
                            .optShape(models.getFirst().get(tensor).shape());
                    if (weights.containsKey(tensor)) {
                        r.optAuxiliary(grams.stream().map(g -> g.get(tensor).toFloats()).toList());
                    }
                    assertThat(got.get(tensor)).as("%s on %d threads", tensor, threads).isEqualTo(Tensor.fromFloats(
                            DType.BF16, models.getFirst().get(tensor).shape(), method.merge(r.build())));
                }
            }
        }
    }

    @Test
    void nuslerpByRowsGetsEachTensorsShape() throws IOException {
        MergeMethod method = MergeMethods.byName("nuslerp");
        List<NamedTensors> models = List.of(checkpoint(1, DType.F32), checkpoint(2, DType.F32));
        List<Path> paths = List.of(write("na", models.get(0)), write("nb", models.get(1)));
        Path out = dir.resolve("nuslerp-rows");
        Map<String, Double> global = Map.of("nuslerp_flatten", 0.0);
        merge(method, paths, null, out, 2, global, List.of(), null, Long.MAX_VALUE);
        try (TensorSource s = TensorSource.open(out)) {
            NamedTensors got = s.readAll();
            for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
                long[] shape = models.getFirst().get(tensor).shape();
                float[] rows = method.merge(MergeRequest.builder().setTensorName(tensor)
                        .setModels(models.stream().map(m -> m.get(tensor).toFloats()).toList())
                        .optGlobalParameters(global).optShape(shape).build());
                assertThat(got.get(tensor)).as(tensor).isEqualTo(Tensor.fromFloats(DType.F32, shape, rows));
                if (shape.length == 2) { // rows of a matrix, not the whole tensor as one vector
                    float[] vector = method.merge(MergeRequest.builder().setTensorName(tensor)
                            .setModels(models.stream().map(m -> m.get(tensor).toFloats()).toList())
                            .optGlobalParameters(global).build());
                    assertThat(got.get(tensor)).as(tensor)
                            .isNotEqualTo(Tensor.fromFloats(DType.F32, shape, vector));
                }
            }
        }
    }

    @Test
    void rescaleRulesStreamAsTheInMemoryKernel() throws IOException {
        // ties with the L1 rescale merges whole tensors; breadcrumbs with 1/density range by range
        List<NamedTensors> models = List.of(checkpoint(1, DType.F32), checkpoint(2, DType.F32));
        NamedTensors base = checkpoint(3, DType.F32);
        List<Path> paths = List.of(write("ra", models.get(0)), write("rb", models.get(1)));
        Path basePath = write("rbase", base);
        List<Map<String, Double>> perModel = List.of(Map.of("density", 0.3, "gamma", 0.05),
                Map.of("density", 0.6, "gamma", 0.1));
        for (var run : List.of(Map.entry("ties", Rescale.L1), Map.entry("breadcrumbs", Rescale.INVERSE_DENSITY))) {
            MergeMethod method = MergeMethods.byName(run.getKey());
            List<Map<String, Double>> parameters = run.getKey().equals("ties")
                    ? List.of(Map.of("density", 0.3), Map.of("density", 0.6)) : perModel;
            Map<String, Double> global = Map.of("rescale", run.getValue().code());
            Path out = dir.resolve("rescale-" + run.getKey());
            merge(method, paths, basePath, out, 3, global, parameters, null, Long.MAX_VALUE);
            try (TensorSource s = TensorSource.open(out)) {
                NamedTensors got = s.readAll();
                for (String tensor : List.of("layer1.weight", "layer1.bias", "a.last")) {
                    assertThat(got.get(tensor)).as("%s %s", run.getKey(), tensor)
                            .isEqualTo(expected(method, models, base, tensor, global, parameters, DType.F32));
                }
            }
        }
    }

    @Test
    void identicalInputsGiveTheInputBackByteForByte() throws IOException {
        Path a = write("a", checkpoint(1, DType.BF16));
        Path out = dir.resolve("out");
        merge(MergeMethods.byName("linear"), List.of(a, a, a), null, out, 2, Map.of(), List.of(), null,
                Long.MAX_VALUE);
        assertThat(Files.mismatch(out.resolve("model.safetensors"), a)).isEqualTo(-1L);
    }

    @Test
    void shardedInputsAndShardedOutputGiveTheSameTensors() throws IOException {
        NamedTensors a = checkpoint(1, DType.F32);
        NamedTensors b = checkpoint(2, DType.F32);
        Path shardedA = Files.createDirectories(dir.resolve("sa"));
        ShardedSafetensors.write(shardedA, a, Map.of(), 100_000);
        Path single = dir.resolve("single");
        Path sharded = dir.resolve("sharded");
        merge(MergeMethods.byName("linear"), List.of(shardedA, write("b", b)), null, single, 2, Map.of(),
                List.of(), DType.BF16, Long.MAX_VALUE);
        StreamingMerge.Result result = merge(MergeMethods.byName("linear"), List.of(shardedA, write("b2", b)), null,
                sharded, 2, Map.of(), List.of(), DType.BF16, 100_000);
        assertThat(result.files()).hasSizeGreaterThan(2).last()
                .isEqualTo(sharded.resolve(ShardedSafetensors.INDEX_FILE_NAME));
        try (TensorSource s1 = TensorSource.open(single); TensorSource s2 = TensorSource.open(sharded)) {
            assertThat(s2.readAll()).isEqualTo(s1.readAll());
            assertThat(s1.readAll().get("layer1.weight"))
                    .isEqualTo(expected(MergeMethods.byName("linear"), List.of(a, b), null, "layer1.weight",
                            Map.of(), List.of(), DType.BF16));
        }
    }

    @Test
    void mismatchedNamesShapesAndDtypesNameTheTensorAndBothFilesAndLeaveNothing() throws IOException {
        Path a = write("a", checkpoint(1, DType.F32));
        NamedTensors renamed = checkpoint(2, DType.F32);
        NamedTensors missing = new NamedTensors();
        renamed.asMap().forEach((k, v) -> missing.put(k.equals("a.last") ? "a.other" : k, v));
        NamedTensors reshaped = new NamedTensors();
        renamed.asMap().forEach((k, v) -> reshaped.put(k, k.equals("a.last")
                ? Tensor.fromFloats(DType.F32, new long[] {4, 5}, v.toFloats()) : v));
        NamedTensors retyped = new NamedTensors();
        renamed.asMap().forEach((k, v) -> retyped.put(k, k.equals("a.last")
                ? Tensor.fromDoubles(DType.I32, new long[] {5, 4}, new double[20]) : v));
        Path b1 = write("b1", missing);
        Path b2 = write("b2", reshaped);
        Path b3 = write("b3", retyped);
        Path out = dir.resolve("out");
        MergeMethod linear = MergeMethods.byName("linear");
        assertThatThrownBy(() -> merge(linear, List.of(a, b1), null, out, 1, Map.of(), List.of(), null, 1L << 40))
                .hasMessageContainingAll("'a.last'", a.toString(), b1.toString());
        assertThatThrownBy(() -> merge(linear, List.of(a, b2), null, out, 1, Map.of(), List.of(), null, 1L << 40))
                .hasMessageContainingAll("'a.last'", "[5, 4]", "[4, 5]", a.toString(), b2.toString());
        assertThatThrownBy(() -> merge(linear, List.of(a, b3), null, out, 1, Map.of(), List.of(), null, 1L << 40))
                .hasMessageContainingAll("'a.last'", "I32", a.toString(), b3.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void nonFloatTensorsMustBeIdenticalAndNaNIsAnError() throws IOException {
        Path a = write("a", checkpoint(1, DType.F32));
        NamedTensors steps = new NamedTensors();
        checkpoint(2, DType.F32).asMap().forEach((k, v) -> steps.put(k, k.equals("steps")
                ? Tensor.fromDoubles(DType.I64, new long[] {2}, new double[] {1, 3}) : v));
        NamedTensors nan = new NamedTensors();
        checkpoint(2, DType.F32).asMap().forEach((k, v) -> {
            float[] values = v.toFloats();
            if (k.equals("layer1.weight")) {
                values[123_456] = Float.NaN;
            }
            nan.put(k, k.equals("layer1.weight") ? Tensor.fromFloats(DType.F32, v.shape(), values) : v);
        });
        Path b1 = write("b1", steps);
        Path b2 = write("b2", nan);
        Path out = Files.createDirectories(dir.resolve("out"));
        MergeMethod linear = MergeMethods.byName("linear");
        assertThatThrownBy(() -> merge(linear, List.of(a, b1), null, out, 2, Map.of(), List.of(), null, 1L << 40))
                .hasMessageContainingAll("'steps'", "I64", a.toString(), b1.toString(), "byte-identical");
        assertThatThrownBy(() -> merge(linear, List.of(a, b2), null, out, 2, Map.of(), List.of(), null, 1L << 40))
                .hasMessageContainingAll("'layer1.weight'", b2.toString(), "element 123456", "NaN");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void longCopiesGoWindowByWindowAndStillMustBeIdentical() throws IOException {
        // a U8 tensor of two full copy windows and a few bytes more, between two float tensors
        int n = Math.toIntExact(2 * StreamingMerge.COPY_WINDOW_BYTES + 5);
        byte[] bytes = new byte[n];
        new SplittableRandom(3).nextBytes(bytes);
        NamedTensors a = checkpoint(1, DType.F32);
        a.put("z.mask", new Tensor(DType.U8, new long[] {n}, java.nio.ByteBuffer.wrap(bytes)));
        NamedTensors b = checkpoint(2, DType.F32);
        b.put("z.mask", new Tensor(DType.U8, new long[] {n}, java.nio.ByteBuffer.wrap(bytes)));
        Path fa = write("a", a);
        Path out = dir.resolve("out");
        merge(MergeMethods.byName("linear"), List.of(fa, write("b", b)), null, out, 2, Map.of(), List.of(), null,
                Long.MAX_VALUE);
        try (TensorSource merged = TensorSource.open(out)) {
            assertThat(merged.read("z.mask")).isEqualTo(a.get("z.mask"));
            assertThat(merged.read("layer1.weight")).isEqualTo(expected(MergeMethods.byName("linear"), List.of(a, b),
                    null, "layer1.weight", Map.of(), List.of(), DType.F32));
        }
        // one byte differs in the last window: an error naming the tensor and both files, and nothing written
        byte[] other = bytes.clone();
        other[n - 2] ^= 1;
        NamedTensors c = checkpoint(2, DType.F32);
        c.put("z.mask", new Tensor(DType.U8, new long[] {n}, java.nio.ByteBuffer.wrap(other)));
        Path fc = write("c", c);
        Path out2 = Files.createDirectories(dir.resolve("out2"));
        assertThatThrownBy(() -> merge(MergeMethods.byName("linear"), List.of(fa, fc), null, out2, 2, Map.of(),
                List.of(), null, Long.MAX_VALUE)).hasMessageContainingAll("'z.mask'", fa.toString(), fc.toString(),
                        "byte-identical");
        try (Stream<Path> left = Files.list(out2)) {
            assertThat(left).isEmpty();
        }
    }
}
