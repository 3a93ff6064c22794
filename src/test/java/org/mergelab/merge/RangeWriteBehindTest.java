package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.checkpoint.SafetensorsWriter;
import org.mergelab.checkpoint.TensorSpec;

/**
 * The writer thread of a ranged tensor: ranges handed over in any order land at their places; a failed write is
 * reported by {@link RangeWriteBehind#finish} and never leaves a worker waiting for a buffer.
 */
class RangeWriteBehindTest {

    @TempDir Path dir;

    @Test
    void rangesHandedOverInAnyOrderLandAtTheirPlaces() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (SafetensorsWriter out = SafetensorsWriter.create(dir.resolve("t.safetensors"),
                List.of(new TensorSpec("w", DType.F32, new long[] {10, 4})), Map.of())) {
            RangeWriteBehind behind = new RangeWriteBehind(writer, 2);
            behind.begin(4 * Float.BYTES);
            SafetensorsWriter.TensorRanges ranges = out.ranges("w", DType.F32, new long[] {10, 4});
            for (int row : new int[] {7, 0, 9, 3, 1, 8, 2, 6, 4, 5}) { // more ranges than buffers, out of order
                ByteBuffer b = behind.buffer(4 * Float.BYTES);
                for (int k = 0; k < 4; k++) {
                    b.putFloat(row * 10 + k);
                }
                b.flip();
                behind.write(ranges, (long) row * 4 * Float.BYTES, b);
            }
            behind.finish();
            ranges.finish();
            out.commit();
        } finally {
            writer.shutdownNow();
        }
        try (SafetensorsReader in = SafetensorsReader.open(dir.resolve("t.safetensors"))) {
            float[] values = in.read("w").toFloats();
            for (int row = 0; row < 10; row++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(values[row * 4 + k]).isEqualTo(row * 10 + k);
                }
            }
        }
    }

    @Test
    void aFailedWriteIsReportedAndNoWorkerWaitsForever() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Path target = dir.resolve("t.safetensors");
        try {
            SafetensorsWriter out = SafetensorsWriter.create(target,
                    List.of(new TensorSpec("w", DType.F32, new long[] {64})), Map.of());
            SafetensorsWriter.TensorRanges ranges = out.ranges("w", DType.F32, new long[] {64});
            out.close(); // every write from now on fails
            RangeWriteBehind behind = new RangeWriteBehind(writer, 2);
            behind.begin(Float.BYTES);
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 64; i++) { // far more writes than buffers: each failed one gave its buffer back
                    ByteBuffer b = behind.buffer(Float.BYTES);
                    b.putFloat(i).flip();
                    behind.write(ranges, (long) i * Float.BYTES, b);
                }
                assertThatThrownBy(behind::finish).hasMessageContaining(target.toString())
                        .hasMessageContaining("closed");
            });
        } finally {
            writer.shutdownNow();
        }
        assertThat(Files.exists(target)).isFalse();
    }
}
