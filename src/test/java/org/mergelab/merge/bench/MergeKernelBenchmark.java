package org.mergelab.merge.bench;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.merge.MergeMethods;
import org.mergelab.merge.MergeRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernels on one 16M-element tensor (64 MiB as F32): linear and TIES of two models, F32 and BF16 conversion.
 * Not a unit test; run with {@code bench/merge-benchmark.sh --jmh} or the JMH main on the test classpath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
public class MergeKernelBenchmark {

    static final int N = 16 << 20;

    float[] a;
    float[] b;
    float[] base;
    Tensor bf16;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        a = new float[N];
        b = new float[N];
        base = new float[N];
        for (int i = 0; i < N; i++) {
            base[i] = (float) random.nextGaussian();
            a[i] = base[i] + (float) (0.01 * random.nextGaussian());
            b[i] = base[i] + (float) (0.01 * random.nextGaussian());
        }
        bf16 = Tensor.fromFloats(DType.BF16, new long[] {N}, a);
    }

    @Benchmark
    public float[] linear() {
        return MergeMethods.byName("linear").merge(MergeRequest.builder().setTensorName("t").setModels(a, b).build());
    }

    @Benchmark
    public float[] ties() {
        return MergeMethods.byName("ties").merge(MergeRequest.builder().setTensorName("t").setModels(a, b)
                .optBase(base).optPerModelParameters(List.of(Map.of("density", 0.5), Map.of("density", 0.5)))
                .build());
    }

    @Benchmark
    public Tensor toBf16() {
        return Tensor.fromFloats(DType.BF16, new long[] {N}, a);
    }

    @Benchmark
    public float[] fromBf16() {
        return bf16.toFloats();
    }

    @Benchmark
    public Tensor toF32() {
        return Tensor.fromFloats(DType.F32, new long[] {N}, a);
    }
}
