package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;

/**
 * Every registered method's whole-checkpoint output, byte for byte, against sha256s committed in
 * {@value #GOLDEN}: speed and memory work on {@link StreamingMerge} must not change one bit. The inputs are seeded and
 * generated here, with tensors of several 64 Ki-element ranges so that range-by-range paths run, in F32, F16 and
 * BF16, merged to the same dtype and across dtypes.
 *
 * <p>The committed list was produced by the code before the speed work. To write it again (only when a result is
 * meant to change, e.g. a fidelity fix, and say so in the commit):
 * {@code mvn -o test -Dtest=GoldenMergeOutputTest -Dmergelab.golden.write=true}.
 */
class GoldenMergeOutputTest {

    static final String GOLDEN = "src/test/resources/golden/merge-outputs.sha256";

    @TempDir Path dir;

    /** Input dtype and output dtype of one golden case. */
    private record DTypeCase(DType input, DType output) {
        String label() {
            return input.safetensorsName() + "-" + output.safetensorsName();
        }
    }

    private static final List<DTypeCase> DTYPES = List.of(
            new DTypeCase(DType.F32, DType.F32),
            new DTypeCase(DType.F16, DType.F16),
            new DTypeCase(DType.BF16, DType.BF16),
            new DTypeCase(DType.F32, DType.BF16),
            new DTypeCase(DType.BF16, DType.F32));

    /** Parameters of one method's golden merge: model i's map, and the global map. */
    record Setting(List<Map<String, Double>> perModel, Map<String, Double> global) {}

    /** Non-default parameters where the method has any worth exercising; every registered method is listed. */
    static Setting settingOf(String method, int models) {
        List<Map<String, Double>> weights = new ArrayList<>();
        double[] w = {0.7, 0.4, 0.5};
        double[] density = {0.3, 0.6, 0.5};
        return switch (method) {
            case "regmean" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i]));
                }
                yield new Setting(weights, Map.of("reduce_non_diagonal_ratio", 0.8));
            }
            case "linear", "multislerp", "fisher" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i]));
                }
                yield new Setting(weights, method.equals("fisher") ? Map.of("normalize_fishers", 1.0) : Map.of());
            }
            case "task_arithmetic" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i]));
                }
                yield new Setting(weights, Map.of("lambda", 0.9));
            }
            case "ties", "dare_linear", "dare_ties" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i], "density", density[i]));
                }
                yield new Setting(weights, Map.of());
            }
            case "breadcrumbs", "breadcrumbs_ties" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i], "density", density[i], "gamma", 0.05));
                }
                yield new Setting(weights, Map.of());
            }
            case "della", "della_linear" -> {
                for (int i = 0; i < models; i++) {
                    weights.add(Map.of("weight", w[i], "density", density[i], "epsilon", 0.1));
                }
                yield new Setting(weights, Map.of());
            }
            case "nuslerp" -> new Setting(List.of(Map.of("weight", 0.3), Map.of("weight", 0.7)), Map.of());
            case "slerp" -> new Setting(List.of(), Map.of("t", 0.3));
            case "sce" -> new Setting(List.of(), Map.of("select_topk", 0.5));
            case "magmax" -> new Setting(List.of(), Map.of("lambda", 0.8));
            case "trajectory_ema" -> new Setting(List.of(), Map.of("beta", 0.8));
            case "nearswap" -> new Setting(List.of(), Map.of("t", 0.5));
            case "karcher" -> new Setting(List.of(), Map.of("max_iter", 5.0));
            case "model_stock", "trajectory_uniform", "arcee_fusion", "passthrough" -> new Setting(List.of(),
                    Map.of());
            default -> throw new AssertionError("method '" + method + "' has no golden setting; add one to "
                    + "GoldenMergeOutputTest.settingOf and write the golden list again");
        };
    }

    /** Two tensors of several merge ranges, two small ones and (in a model, not a Fisher file) a non-float one. */
    private static NamedTensors checkpoint(long seed, DType dtype, boolean positive) {
        SplittableRandom random = new SplittableRandom(seed);
        NamedTensors t = new NamedTensors();
        t.put("model.layers.0.mlp.weight", Tensor.fromFloats(dtype, new long[] {3, 70_000},
                values(random, 210_000, positive)));
        t.put("model.layers.0.norm.bias", Tensor.fromFloats(dtype, new long[] {7}, values(random, 7, positive)));
        if (!positive) { // a Fisher file holds float tensors only
            t.put("model.position_ids", Tensor.fromDoubles(DType.I64, new long[] {3}, new double[] {0, 1, 2}));
        }
        t.put("model.embed_tokens.weight", Tensor.fromFloats(dtype, new long[] {1_000, 140},
                values(random, 140_000, positive)));
        t.put("lm_head.weight", Tensor.fromFloats(dtype, new long[] {6, 5}, values(random, 30, positive)));
        return t;
    }

    /** Input Gram matrices (X^T X / rows of seeded rows) for the two weights with few input features. */
    private static NamedTensors grams(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        NamedTensors t = new NamedTensors();
        t.put("lm_head.weight", Tensor.fromFloats(DType.F32, new long[] {5, 5}, RegMeanMergeTest.randomGram(random, 5)));
        t.put("model.embed_tokens.weight", Tensor.fromFloats(DType.F32, new long[] {140, 140},
                RegMeanMergeTest.randomGram(random, 140)));
        return t;
    }

    private static float[] values(SplittableRandom random, int n, boolean positive) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            v[i] = (float) (positive ? 0.01 + u : u * 2 - 1);
        }
        return v;
    }

    private Path write(String name, NamedTensors tensors) throws IOException {
        Path file = dir.resolve(name + ".safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        return file;
    }

    /** The sha256 of every method × dtype case's output file, keyed {@code method/INPUT-OUTPUT}. */
    private Map<String, String> mergeEverything() throws IOException {
        Map<String, String> sums = new TreeMap<>();
        for (DTypeCase dtypes : DTYPES) {
            List<Path> models = new ArrayList<>();
            List<Path> fishers = new ArrayList<>();
            List<Path> grams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                models.add(write(dtypes.label() + "-model" + i, checkpoint(100 + i, dtypes.input(), false)));
                fishers.add(write(dtypes.label() + "-fisher" + i, checkpoint(200 + i, dtypes.input(), true)));
                grams.add(write(dtypes.label() + "-gram" + i, grams(300 + i)));
            }
            Path base = write(dtypes.label() + "-base", checkpoint(99, dtypes.input(), false));
            for (MergeMethod method : MergeMethods.all()) {
                int count = Math.min(3, ((AbstractMergeMethod) method).signature().maxModels());
                Setting setting = settingOf(method.name(), count);
                Path out = dir.resolve(method.name() + "-" + dtypes.label());
                List<TensorSource> sources = new ArrayList<>();
                try {
                    for (int i = 0; i < count; i++) {
                        sources.add(TensorSource.open(models.get(i)));
                    }
                    TensorSource baseSource = method.acceptsBaseModel() ? TensorSource.open(base) : null;
                    if (baseSource != null) {
                        sources.add(baseSource);
                    }
                    List<TensorSource> auxiliarySources = null;
                    if (method.needsAuxiliary()) {
                        auxiliarySources = new ArrayList<>();
                        List<Path> files = method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM ? grams : fishers;
                        for (int i = 0; i < count; i++) {
                            auxiliarySources.add(TensorSource.open(files.get(i)));
                        }
                        sources.addAll(auxiliarySources);
                    }
                    StreamingMerge.builder().setMethod(method).setModels(sources.subList(0, count))
                            .optBase(baseSource).optAuxiliary(auxiliarySources)
                            .optPerModelParameters(setting.perModel()).optGlobalParameters(setting.global())
                            .optSeed(20_251_201L).optOutputDType(dtypes.output()).optThreads(2)
                            .optChunkElements(1 << 16).setOutputDirectory(out).build().run();
                } finally {
                    for (TensorSource s : sources) {
                        s.close();
                    }
                }
                sums.put(method.name() + "/" + dtypes.label(), sha256(out.resolve(StreamingMerge.SINGLE_FILE_NAME)));
            }
        }
        return sums;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyMethodAndDtypeGivesTheCommittedBytes() throws IOException {
        Map<String, String> actual = mergeEverything();
        Path golden = Path.of(GOLDEN);
        if (Boolean.getBoolean("mergelab.golden.write")) {
            StringBuilder text = new StringBuilder();
            actual.forEach((key, sum) -> text.append(sum).append("  ").append(key).append('\n'));
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, text.toString(), StandardCharsets.UTF_8);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(golden, StandardCharsets.UTF_8)) {
            String[] parts = line.split(" {2}", 2);
            expected.put(parts[1], parts[0]);
        }
        assertThat(actual.keySet()).as("cases in %s", GOLDEN).containsExactlyInAnyOrderElementsOf(expected.keySet());
        List<String> changed = new ArrayList<>();
        expected.forEach((key, sum) -> {
            if (!sum.equals(actual.get(key))) {
                changed.add(key);
            }
        });
        assertThat(changed).as("outputs whose bytes changed").isEmpty();
        assertThat(actual.values().stream().distinct().count()).as("distinct outputs")
                .isGreaterThan(actual.size() / 2);
    }
}
