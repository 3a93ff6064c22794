package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads the files written by make_golden.py (numpy only) and compares to the values written there. */
class SafetensorsGoldenTest {

    private static Tensor readX(String file, DType dtype, long... shape) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(GoldenFiles.path(file))) {
            assertThat(r.tensors()).hasSize(1);
            assertThat(r.metadata()).isEmpty();
            TensorInfo info = r.info("x");
            assertThat(info.dtype()).isEqualTo(dtype);
            assertThat(info.shape()).containsExactly(shape);
            assertThat(info.offset()).isZero();
            return r.readAll().get("x");
        }
    }

    @Test
    void f64() throws IOException {
        assertThat(readX("f64.safetensors", DType.F64, 2, 3).toDoubles())
                .containsExactly(-1.0, -0.5, 0.0, 0.5, 1.0, 1.0 / 3.0);
    }

    @Test
    void f32() throws IOException {
        assertThat(readX("f32.safetensors", DType.F32, 3, 2).toFloats())
                .containsExactly(0f, -1.5f, 3.25f, 0.001f, 1e30f, -7f);
    }

    @Test
    void f16() throws IOException {
        assertThat(readX("f16.safetensors", DType.F16, 8).toFloats()).containsExactly(
                0f, 1f, -2f, 0.0999755859375f, 65504f, 0x1p-14f, 0x1p-24f, Float.POSITIVE_INFINITY);
    }

    @Test
    void bf16() throws IOException {
        Tensor t = readX("bf16.safetensors", DType.BF16, 2, 3);
        // bit patterns printed by make_golden.py
        int[] bits = {0x3f80, 0xc020, 0x4049, 0x3f80, 0x3f82, 0x714a};
        float[] expected = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            expected[i] = Float.intBitsToFloat(bits[i] << 16);
        }
        assertThat(t.toFloats()).containsExactly(expected);
        assertThat(t.toFloats()).startsWith(1f, -2.5f, 3.140625f, 1f, 1.015625f);
        // numpy's rounding agrees with ours
        assertThat(Tensor.fromFloats(DType.BF16, new long[] {2, 3},
                new float[] {1f, -2.5f, 3.14159265f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 1e30f})).isEqualTo(t);
    }

    @Test
    void integers() throws IOException {
        Tensor i64 = readX("i64.safetensors", DType.I64, 6);
        long[] longs = new long[6];
        i64.data().asLongBuffer().get(longs);
        assertThat(longs).containsExactly(-3, -2, -1, 0, 1, 1L << 40);
        assertThat(readX("i32.safetensors", DType.I32, 2, 2).toDoubles())
                .containsExactly(-2147483648.0, -1, 0, 2147483647.0);
        assertThat(readX("i16.safetensors", DType.I16, 4).toFloats()).containsExactly(-32768f, -1f, 0f, 32767f);
        assertThat(readX("i8.safetensors", DType.I8, 4).toFloats()).containsExactly(-128f, -1f, 0f, 127f);
        assertThat(readX("u8.safetensors", DType.U8, 4).toFloats()).containsExactly(0f, 1f, 254f, 255f);
        assertThat(readX("bool.safetensors", DType.BOOL, 3).toFloats()).containsExactly(1f, 0f, 1f);
    }

    @Test
    void float8() throws IOException {
        float[] e4m3 = readX("f8_e4m3.safetensors", DType.F8_E4M3, 6).toFloats();
        assertThat(e4m3).startsWith(0f, 1f, -2f, 448f, 0x1p-9f);
        assertThat(e4m3[5]).isNaN();
        assertThat(readX("f8_e5m2.safetensors", DType.F8_E5M2, 4).toFloats())
                .containsExactly(1f, Float.NEGATIVE_INFINITY, 0x1p-16f, 57344f);
    }

    @Test
    void multiTensorFileKeepsHeaderOrderAndMetadata() throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(GoldenFiles.path("multi.safetensors"))) {
            assertThat(r.tensors()).extracting(TensorInfo::name)
                    .containsExactly("weight", "bias", "empty", "alpha.steps");
            assertThat(r.metadata()).isEqualTo(Map.of("format", "pt", "note", "golden"));
            float[] w = new float[12];
            for (int i = 0; i < 12; i++) {
                w[i] = i / 4f;
            }
            try (Arena arena = Arena.ofConfined()) {
                Tensor weight = r.read("weight", arena);
                assertThat(weight.data().isReadOnly()).isTrue();
                assertThat(weight.shape()).containsExactly(3, 4);
                assertThat(weight.toFloats()).containsExactly(w);
            }
            assertThat(r.read("bias").toFloats()).containsExactly(1f, -1f, 0.5f);
            assertThat(r.read("empty").shape()).containsExactly(0, 3);
            assertThat(r.read("empty").numel()).isZero();
            assertThat(r.read("alpha.steps").toDoubles()).containsExactly(7.0);
            assertThat(r.info("bias").offset()).isEqualTo(48);
        }
    }
}
