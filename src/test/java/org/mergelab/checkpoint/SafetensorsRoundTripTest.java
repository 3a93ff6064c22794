package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private static Tensor randomTensor(DType d, long[] shape, long seed) {
        int n = (int) Tensor.numel(shape);
        byte[] bytes = new byte[n * d.byteSize()];
        new SplittableRandom(seed).nextBytes(bytes);
        if (d == DType.BOOL) {
            for (int i = 0; i < n; i++) bytes[i] &= 1;
        }
        return new Tensor(d, shape, ByteBuffer.wrap(bytes));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTrips(DType d) throws IOException {
        NamedTensors tensors = new NamedTensors()
                .put("m", randomTensor(d, new long[] {3, 5}, 1))
                .put("s", randomTensor(d, new long[] {}, 2))
                .put("e", randomTensor(d, new long[] {0}, 3));
        Path f = dir.resolve(d + ".safetensors");
        SafetensorsWriter.write(f, tensors, Map.of("dtype", d.safetensorsName()));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.readAll()).isEqualTo(tensors);
            assertThat(r.metadata()).containsExactly(Map.entry("dtype", d.safetensorsName()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f64", "f32", "f16", "bf16", "i64", "i32", "i16", "i8", "u8", "bool", "f8_e4m3",
            "f8_e5m2", "multi"})
    void rewritingAGoldenFileGivesTheSameBytes(String name) throws IOException {
        Path golden = GoldenFiles.path(name + ".safetensors");
        Path copy = dir.resolve(name + ".safetensors");
        try (TensorSource r = TensorSource.open(golden)) {
            SafetensorsWriter.write(copy, r.readAll(), r.metadata());
        }
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(golden));
    }

    @Test
    void headerIsSpacePaddedToAMultipleOfEightAndKeepsSpecOrder() throws IOException {
        Path f = dir.resolve("o.safetensors");
        NamedTensors t = new NamedTensors()
                .put("zeta", randomTensor(DType.I8, new long[] {3}, 4))
                .put("alpha", randomTensor(DType.F64, new long[] {2}, 5));
        SafetensorsWriter.write(f, t, Map.of());
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"zeta\":").doesNotContain("__metadata__");
        assertThat(header.strip()).endsWith("}");
        assertThat(header.substring(header.lastIndexOf('}') + 1)).matches(" *");
        assertThat(bytes).hasSize((int) (8 + n + 3 + 16));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.tensors()).extracting(TensorInfo::name).containsExactly("zeta", "alpha");
            assertThat(r.info("alpha").offset()).isEqualTo(3);
        }
    }

    @Test
    void writerChecksNameDtypeAndShapeAgainstTheSpecs() throws IOException {
        Path f = dir.resolve("w.safetensors");
        List<TensorSpec> specs = List.of(new TensorSpec("a", DType.F32, new long[] {2}),
                new TensorSpec("b", DType.F32, new long[] {1}));
        try (SafetensorsWriter w = SafetensorsWriter.create(f, specs, Map.of())) {
            Tensor two = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
            assertThatThrownBy(() -> w.write("b", two)).hasMessageContaining("expected tensor 'a'")
                    .hasMessageContaining("'b'");
            assertThatThrownBy(() -> w.write("a", Tensor.fromFloats(DType.F16, new long[] {2}, new float[2])))
                    .hasMessageContaining("'a'").hasMessageContaining("F32 [2]").hasMessageContaining("F16 [2]");
            assertThatThrownBy(() -> w.write("a", Tensor.ofFloats(new long[] {1, 2}, new float[2])))
                    .hasMessageContaining("[1, 2]");
            w.write("a", two);
            assertThatThrownBy(w::commit).hasMessageContaining("only 1 of 2").hasMessageContaining("'b'");
        }
        assertThat(f).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("temporary file removed").isEmpty();
        }
        assertThatThrownBy(() -> SafetensorsWriter.create(f, List.of(specs.get(0), specs.get(0)), Map.of()))
                .hasMessageContaining("duplicate tensor 'a'");
    }

    @Test
    void aWriterClosedWithoutCommitLeavesAnExistingTargetAlone() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        NamedTensors original = new NamedTensors().put("x", Tensor.ofFloats(new long[] {1}, new float[] {42}));
        SafetensorsWriter.write(f, original, Map.of());
        byte[] before = Files.readAllBytes(f);
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(TensorSpec.of("x", original.get("x"))),
                Map.of())) {
            w.write("x", Tensor.ofFloats(new long[] {1}, new float[] {7}));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("keep.safetensors.tmp-"));
            }
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void commitWithFsyncReplacesTheTarget() throws IOException {
        Path f = dir.resolve("sync.safetensors");
        Files.writeString(f, "old");
        Tensor x = Tensor.ofFloats(new long[] {1}, new float[] {5});
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(TensorSpec.of("x", x)), Map.of())) {
            w.write("x", x);
            w.commit(true);
        }
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.read("x").toFloats()).containsExactly(5f);
        }
    }

    @Test
    void readsTensorsBeyondTwoGigabytesOfFile() throws IOException {
        // three 1 GiB U8 tensors (a sparse region of the file), then a small F32 tensor past the 3 GiB mark
        long gib = 1L << 30;
        String header = "{" + SafetensorsFiles.entry("g0", "U8", "[" + gib + "]", 0, gib) + ","
                + SafetensorsFiles.entry("g1", "U8", "[" + gib + "]", gib, 2 * gib) + ","
                + SafetensorsFiles.entry("g2", "U8", "[" + gib + "]", 2 * gib, 3 * gib) + ","
                + SafetensorsFiles.entry("tail", "F32", "[2]", 3 * gib, 3 * gib + 8) + "}";
        Path f = SafetensorsFiles.write(dir.resolve("big.safetensors"), header, 0);
        long dataStart = Files.size(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(dataStart + 3 * gib);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-3f);
            raf.write(tail.array());
        }
        try (SafetensorsReader r = SafetensorsReader.open(f); Arena arena = Arena.ofConfined()) {
            assertThat(r.read("tail", arena).toFloats()).containsExactly(1.5f, -3f);
            Tensor g2 = r.read("g2", arena);
            assertThat(g2.byteLength()).isEqualTo(gib);
            assertThat(g2.data().get((int) gib - 1)).isZero();
        }
    }

    @Test
    void rangedTensorsAreWrittenFromSeveralThreadsAndMustBeComplete() throws Exception {
        Path f = dir.resolve("r.safetensors");
        int n = 10_000;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f;
        }
        List<TensorSpec> specs = List.of(new TensorSpec("head", DType.F32, new long[] {3}),
                new TensorSpec("long", DType.F32, new long[] {n}), new TensorSpec("tail", DType.F32, new long[] {2}));
        try (SafetensorsWriter w = SafetensorsWriter.create(f, specs, Map.of())) {
            w.write("head", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
            SafetensorsWriter.TensorRanges ranges = w.ranges("long", DType.F32, new long[] {n});
            // a later tensor may be written while the ranged one is open
            w.write("tail", Tensor.ofFloats(new long[] {2}, new float[] {7, 8}));
            assertThatThrownBy(w::commit).hasMessageContaining("'long'").hasMessageContaining("not finished");
        }
        assertThat(f).doesNotExist();
        try (SafetensorsWriter w = SafetensorsWriter.create(f, specs, Map.of())) {
            w.write("head", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
            assertThatThrownBy(() -> w.ranges("long", DType.F16, new long[] {n})).hasMessageContaining("F16");
        }
        try (SafetensorsWriter w = SafetensorsWriter.create(f, specs, Map.of())) {
            w.write("head", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
            SafetensorsWriter.TensorRanges ranges = w.ranges("long", DType.F32, new long[] {n});
            assertThatThrownBy(() -> ranges.write(4L * n - 4, java.nio.ByteBuffer.allocate(8)))
                    .hasMessageContaining("'long'").hasMessageContaining("outside");
            // ranges of 1000 elements, in reverse order, from four threads
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> parts = new java.util.ArrayList<>();
            for (int from = n - 1000; from >= 0; from -= 1000) {
                int start = from;
                parts.add(pool.submit(() -> {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < 1000; i++) {
                        b.putFloat(values[start + i]);
                    }
                    ranges.write(4L * start, b.flip());
                    return null;
                }));
            }
            assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class); // "tail" not claimed yet
            for (java.util.concurrent.Future<?> p : parts) {
                p.get();
            }
            pool.shutdown();
            ranges.finish();
        }
        try (SafetensorsWriter w = SafetensorsWriter.create(f, specs, Map.of())) {
            w.write("head", Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
            SafetensorsWriter.TensorRanges ranges = w.ranges("long", DType.F32, new long[] {n});
            java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                all.putFloat(v);
            }
            all.flip();
            ranges.write(4000, all.slice(4000, 4 * n - 4000));
            assertThatThrownBy(ranges::finish).hasMessageContaining("'long'").hasMessageContaining(
                    (4 * n - 4000) + " of " + 4 * n);
            ranges.write(0, all.slice(0, 4000));
            ranges.finish();
            w.write("tail", Tensor.ofFloats(new long[] {2}, new float[] {7, 8}));
            w.commit();
        }
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.read("long").toFloats()).containsExactly(values);
            assertThat(r.read("tail").toFloats()).containsExactly(7, 8);
            // a range read maps just those elements
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                Tensor part = r.read("long", 4321, 4400, arena);
                assertThat(part.shape()).containsExactly(79);
                assertThat(part.toFloats()).containsExactly(java.util.Arrays.copyOfRange(values, 4321, 4400));
                assertThatThrownBy(() -> r.read("long", 9000, n + 1, arena)).hasMessageContaining("'long'")
                        .hasMessageContaining(String.valueOf(n + 1));
            }
        }
    }
}
