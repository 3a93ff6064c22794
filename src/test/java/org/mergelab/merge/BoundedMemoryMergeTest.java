package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorSource;
import org.mergelab.engine.ChildJvm;
import org.mergelab.merge.GoldenMergeOutputTest.Setting;
import org.mergelab.merge.RangeMergeable.Locality;

/**
 * Memory does not grow with the tensor: a JVM with a 64 MiB heap merges a {@code [4096, 4096]} F16 tensor (16 Mi
 * elements, 64 MiB as float32) with every method that merges range by range, TIES, DARE and model_stock included,
 * whose statistics are gathered in bounded memory, della and arcee_fusion in ranges of whole rows, and regmean with a
 * {@code [4096, 4096]} Gram matrix per model (one of them not symmetric bit for bit, so that its columns are read
 * too). The methods that still merge whole tensors are listed, so that the list only shrinks on purpose.
 */
class BoundedMemoryMergeTest {

    static final long[] SHAPE = {4096, 4096};

    /** Methods that still hold whole tensors as float32 on the heap, with the parameters of the golden test. */
    static final List<String> WHOLE_TENSOR = List.of();

    @TempDir Path dir;

    static boolean bounded(MergeMethod method, Setting setting) {
        return method.copiesItsOnlyModel() || method instanceof RangeMergeable ranged
                && ranged.locality(setting.global()) != Locality.WHOLE_TENSOR;
    }

    static int modelCount(MergeMethod method) {
        return Math.min(3, ((AbstractMergeMethod) method).signature().maxModels());
    }

    @Test
    void a64MiBHeapMergesA16MiElementTensorWithEveryRangedMethod() throws IOException, InterruptedException {
        List<String> ranged = new ArrayList<>();
        List<String> whole = new ArrayList<>();
        for (MergeMethod method : MergeMethods.all()) {
            boolean b = bounded(method, GoldenMergeOutputTest.settingOf(method.name(), modelCount(method)));
            (b ? ranged : whole).add(method.name());
        }
        assertThat(whole).containsExactlyInAnyOrderElementsOf(WHOLE_TENSOR);
        assertThat(ranged).contains("linear", "slerp", "task_arithmetic", "ties", "dare_ties", "dare_linear",
                "breadcrumbs", "breadcrumbs_ties", "model_stock", "fisher", "della", "della_linear", "arcee_fusion",
                "regmean");

        SplittableRandom random = new SplittableRandom(5);
        for (String name : List.of("model0", "model1", "model2", "base", "fisher0", "fisher1", "fisher2")) {
            float[] values = new float[Math.toIntExact(SHAPE[0] * SHAPE[1])];
            for (int j = 0; j < values.length; j++) {
                double u = random.nextDouble();
                values[j] = (float) (name.startsWith("fisher") ? 0.01 + u : u * 2 - 1);
            }
            NamedTensors tensors = new NamedTensors();
            tensors.put("model.embed_tokens.weight", Tensor.fromFloats(DType.F16, SHAPE, values));
            SafetensorsWriter.write(dir.resolve(name + ".safetensors"), tensors, Map.of("format", "pt"));
        }
        for (int i = 0; i < 3; i++) {
            NamedTensors tensors = new NamedTensors();
            tensors.put("model.embed_tokens.weight", Tensor.fromFloats(DType.F32, SHAPE, gram(random, i == 1)));
            SafetensorsWriter.write(dir.resolve("gram" + i + ".safetensors"), tensors, Map.of("format", "pt"));
        }
        List<String> args = new ArrayList<>(List.of(dir.toString()));
        args.addAll(ranged);
        Path log = dir.resolve("child.log");
        List<String> options = new ArrayList<>(List.of("-Xmx64m"));
        options.addAll(ChildJvm.vectorModuleOptions()); // the conversions the launcher runs
        Process child = new ProcessBuilder(ChildJvm.command(options, BoundedMemoryMergeTest.class, args))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the child finishes").isTrue();
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();
        for (String name : ranged) {
            assertThat(output).contains("merged " + name + " ");
        }
    }

    /**
     * A {@code [4096, 4096]} F32 Gram matrix, positive definite (diagonal 1 to 2, off-diagonal entries below 1 / 4096 in
     * magnitude), symmetric bit for bit unless {@code asymmetric}: then one mirror entry per row differs by a rounding.
     */
    private static float[] gram(SplittableRandom random, boolean asymmetric) {
        int d = Math.toIntExact(SHAPE[1]);
        float[] g = new float[d * d];
        for (int k = 0; k < d; k++) {
            g[k * d + k] = (float) (1 + random.nextDouble());
            for (int j = 0; j < k; j++) {
                float v = (float) ((random.nextDouble() - 0.5) / d);
                g[k * d + j] = v;
                g[j * d + k] = asymmetric && j == k - 1 ? Math.nextUp(v) : v;
            }
        }
        return g;
    }

    /** The child: merges {@code DIR}'s inputs with each method named, one after another; exits 1 on any failure. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        for (int a = 1; a < args.length; a++) {
            MergeMethod method = MergeMethods.byName(args[a]);
            int count = modelCount(method);
            Setting setting = GoldenMergeOutputTest.settingOf(method.name(), count);
            Path out = dir.resolve("out-" + method.name());
            List<TensorSource> models = new ArrayList<>();
            List<TensorSource> fishers = method.needsAuxiliary() ? new ArrayList<>() : null;
            TensorSource base = null;
            try {
                for (int i = 0; i < count; i++) {
                    models.add(TensorSource.open(dir.resolve("model" + i + ".safetensors")));
                    if (fishers != null) {
                        String kind = method.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM ? "gram" : "fisher";
                        fishers.add(TensorSource.open(dir.resolve(kind + i + ".safetensors")));
                    }
                }
                base = method.acceptsBaseModel() ? TensorSource.open(dir.resolve("base.safetensors")) : null;
                StreamingMerge.Result result = StreamingMerge.builder().setMethod(method).setModels(models)
                        .optBase(base).optAuxiliary(fishers).optPerModelParameters(setting.perModel())
                        .optGlobalParameters(setting.global()).optSeed(1).optThreads(2).setOutputDirectory(out)
                        .build().run();
                Runtime rt = Runtime.getRuntime();
                System.out.println("merged " + method.name() + " " + result.tensorBytes() + " bytes, heap used "
                        + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MiB of " + rt.maxMemory() / (1 << 20));
            } finally {
                for (TensorSource s : models) {
                    s.close();
                }
                if (fishers != null) {
                    for (TensorSource s : fishers) {
                        s.close();
                    }
                }
                if (base != null) {
                    base.close();
                }
            }
            Files.deleteIfExists(out.resolve(StreamingMerge.SINGLE_FILE_NAME));
        }
    }
}
