package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorTest {

    @Test
    void rejectsBuffersOfTheWrongSizeNamingDtypeAndShape() {
        assertThatThrownBy(() -> new Tensor(DType.F32, new long[] {2, 3}, ByteBuffer.allocate(20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("F32 [2, 3]").hasMessageContaining("24").hasMessageContaining("20");
        assertThatThrownBy(() -> new Tensor(DType.F32, new long[] {-1}, ByteBuffer.allocate(0)))
                .hasMessageContaining("negative dimension -1");
    }

    @Test
    void readsLittleEndianFromAnyBufferAndKeepsItsViewPrivate() {
        ByteBuffer big = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        big.position(4);
        big.put(4, new byte[] {0, 0, (byte) 0x80, 0x3F}); // 1.0f little-endian
        big.put(8, new byte[] {0, 0, 0, (byte) 0xC0}); // -2.0f
        Tensor t = new Tensor(DType.F32, new long[] {2}, big);
        assertThat(t.toFloats()).containsExactly(1f, -2f);
        t.data().position(8); // a caller moving its view changes nothing
        assertThat(t.toFloats()).containsExactly(1f, -2f);
        long[] shape = t.shape();
        shape[0] = 99;
        assertThat(t.shape()).containsExactly(2);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F64", "F32", "F16", "BF16", "F8_E5M2"})
    void findsTheFirstNonFiniteElement(DType dtype) {
        assertThat(Tensor.fromFloats(dtype, new long[] {3}, new float[] {1, -2, 0.5f}).indexOfNonFinite()).isEqualTo(-1);
        assertThat(Tensor.fromFloats(dtype, new long[] {3}, new float[] {1, Float.NaN, Float.NEGATIVE_INFINITY})
                .indexOfNonFinite()).isEqualTo(1);
        assertThat(Tensor.fromFloats(dtype, new long[] {2}, new float[] {0, Float.POSITIVE_INFINITY}).indexOfNonFinite())
                .isEqualTo(1);
    }

    @Test
    void narrowingOverflowIsFoundAsNonFinite() {
        assertThat(Tensor.fromFloats(DType.F16, new long[] {2}, new float[] {65504f, 65519f}).indexOfNonFinite())
                .isEqualTo(-1);
        assertThat(Tensor.fromFloats(DType.F16, new long[] {2}, new float[] {65504f, 65520f}).indexOfNonFinite())
                .isEqualTo(1);
        assertThat(Tensor.fromFloats(DType.BF16, new long[] {2}, new float[] {3.38e38f, Float.MAX_VALUE})
                .indexOfNonFinite()).isEqualTo(1);
        assertThat(Tensor.fromFloats(DType.I32, new long[] {1}, new float[] {7}).indexOfNonFinite()).isEqualTo(-1);
    }

    @Test
    void acceptsReadOnlyBuffers() {
        ByteBuffer ro = Tensor.ofFloats(new long[] {1}, new float[] {3f}).data().asReadOnlyBuffer();
        Tensor t = new Tensor(DType.F32, new long[] {1}, ro);
        assertThat(t.data().isReadOnly()).isTrue();
        assertThat(t.toFloats()).containsExactly(3f);
    }

    @Test
    void scalarsHaveOneElementAndZeroDimsNone() {
        assertThat(Tensor.ofFloats(new long[] {}, new float[] {5f}).numel()).isEqualTo(1);
        Tensor empty = Tensor.ofFloats(new long[] {0, 3}, new float[0]);
        assertThat(empty.numel()).isZero();
        assertThat(empty.byteLength()).isZero();
    }

    @Test
    void contentEqualityComparesDtypeShapeAndBytes() {
        Tensor a = Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4});
        assertThat(a.contentEquals(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}))).isTrue();
        assertThat(a).isEqualTo(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}))
                .hasSameHashCodeAs(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        assertThat(a.contentEquals(Tensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4}))).isFalse();
        assertThat(a.contentEquals(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 5}))).isFalse();
        assertThat(a.contentEquals(Tensor.fromFloats(DType.I32, new long[] {2, 2}, new float[] {1, 2, 3, 4})))
                .isFalse();
        assertThat(a.shapeString()).isEqualTo("[2, 2]");
    }

    @Test
    void convertsFloatsToEveryDtypeAndBack() {
        float[] v = {0f, 1f, -2f, 0.5f};
        for (DType d : DType.values()) {
            float[] expected = switch (d) {
                case U8, BOOL -> new float[] {0, 1, 0, 1};
                case I64, I32, I16, I8 -> new float[] {0, 1, -2, 7};
                default -> v;
            };
            Tensor t = Tensor.fromFloats(d, new long[] {2, 2}, expected);
            assertThat(t.dtype()).isEqualTo(d);
            assertThat(t.byteLength()).isEqualTo(4L * d.byteSize());
            assertThat(t.toFloats()).as("%s", d).containsExactly(expected);
            double[] asDoubles = new double[4];
            for (int i = 0; i < 4; i++) asDoubles[i] = expected[i];
            assertThat(t.toDoubles()).as("%s", d).containsExactly(asDoubles);
            assertThat(Tensor.fromDoubles(d, new long[] {2, 2}, asDoubles)).as("%s", d).isEqualTo(t);
        }
    }

    @Test
    void fromFloatsRoundsToNearestEvenForHalfTypes() {
        float tie = 1f + 0x1p-11f;
        assertThat(Tensor.fromFloats(DType.F16, new long[] {1}, new float[] {tie}).toFloats()).containsExactly(1f);
        assertThat(Tensor.fromFloats(DType.BF16, new long[] {1}, new float[] {1f + 3 * 0x1p-8f}).toFloats())
                .containsExactly(1f + 0x1p-6f);
        assertThat(Tensor.fromFloats(DType.F16, new long[] {1}, new float[] {1e6f}).toFloats())
                .containsExactly(Float.POSITIVE_INFINITY);
        assertThat(Tensor.fromDoubles(DType.F32, new long[] {1}, new double[] {1e300}).toFloats())
                .containsExactly(Float.POSITIVE_INFINITY);
        assertThat(Tensor.fromFloats(DType.BF16, new long[] {1}, new float[] {Float.NaN}).toFloats()[0]).isNaN();
    }

    @Test
    void f64AndI64KeepDoublePrecision() {
        double third = 1.0 / 3.0;
        assertThat(Tensor.fromDoubles(DType.F64, new long[] {1}, new double[] {third}).toDoubles())
                .containsExactly(third);
        assertThat(Tensor.fromDoubles(DType.I64, new long[] {2}, new double[] {0x1p62, -0x1p63}).toDoubles())
                .containsExactly(0x1p62, -0x1p63);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"I64", "I32", "I16", "I8", "U8", "BOOL"})
    void integerTargetsRejectValuesTheyCannotHoldNamingIndexAndValue(DType d) {
        assertThatThrownBy(() -> Tensor.fromFloats(d, new long[] {2}, new float[] {1f, 0.5f}))
                .hasMessageContaining("0.5").hasMessageContaining("index 1").hasMessageContaining(d.safetensorsName());
        assertThatThrownBy(() -> Tensor.fromDoubles(d, new long[] {1}, new double[] {Double.NaN}))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> Tensor.fromDoubles(d, new long[] {1}, new double[] {0x1p63}))
                .hasMessageContaining("index 0");
    }

    @Test
    void integerRangesAreExact() {
        assertThat(Tensor.fromDoubles(DType.I8, new long[] {2}, new double[] {-128, 127}).toFloats())
                .containsExactly(-128f, 127f);
        assertThatThrownBy(() -> Tensor.fromDoubles(DType.I8, new long[] {1}, new double[] {128}))
                .hasMessageContaining("128");
        assertThatThrownBy(() -> Tensor.fromDoubles(DType.U8, new long[] {1}, new double[] {-1}))
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> Tensor.fromDoubles(DType.BOOL, new long[] {1}, new double[] {2}))
                .hasMessageContaining("0 or 1");
    }

    @Test
    void valueCountMustMatchShape() {
        assertThatThrownBy(() -> Tensor.ofFloats(new long[] {2, 2}, new float[3]))
                .hasMessageContaining("[2, 2]").hasMessageContaining("4 elements").hasMessageContaining("3 values");
    }

    @Test
    void dtypeNamesRoundTripAndUnknownNamesAreNamed() {
        for (DType d : DType.values()) {
            assertThat(DType.fromSafetensorsName(d.safetensorsName())).isEqualTo(d);
            assertThat(d.safetensorsName()).isEqualTo(d.name());
        }
        assertThat(DType.BF16.byteSize()).isEqualTo(2);
        assertThat(DType.F8_E4M3.isFloatingPoint()).isTrue();
        assertThat(DType.BOOL.isFloatingPoint()).isFalse();
        assertThatThrownBy(() -> DType.fromSafetensorsName("F4")).hasMessageContaining("'F4'");
    }

    /** Values every float dtype has trouble with somewhere: subnormals, rounding ties, overflow, a NaN, an infinity. */
    private static float[] awkward(java.util.SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (i % 7) {
                case 0 -> (float) (random.nextDouble() * 2 - 1);
                case 1 -> Float.intBitsToFloat(random.nextInt()); // any bit pattern: NaNs and infinities too
                case 2 -> 1e-6f * (float) random.nextDouble();
                case 3 -> 65504f + (float) random.nextDouble() * 64f;
                case 4 -> Float.intBitsToFloat((random.nextInt(1 << 16) << 16) | 0x8000); // a BF16 tie
                default -> (float) (random.nextGaussian() * 1e4);
            };
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64", "F8_E4M3", "F8_E5M2"})
    void readingAndStoringRangesGivesTheBitsOfTheWholeTensorConversions(DType dtype) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        int n = 1000;
        float[] values = awkward(random, n);
        Tensor whole = Tensor.fromFloats(dtype, new long[] {n}, values);
        float[] all = whole.toFloats();
        ByteBuffer stored = ByteBuffer.allocateDirect(n * dtype.byteSize());
        for (int from = 0; from < n; from += 300) {
            int to = Math.min(n, from + 300);
            float[] range = new float[to - from];
            int bad = whole.readFloats(from, range);
            assertThat(range).containsExactly(java.util.Arrays.copyOfRange(all, from, to));
            Tensor part = Tensor.fromFloats(dtype, new long[] {to - from}, java.util.Arrays.copyOfRange(values, from, to));
            assertThat(bad).as("%s from %d", dtype, from).isEqualTo(part.indexOfNonFinite());
            assertThat(Tensor.putFloats(dtype, java.util.Arrays.copyOfRange(values, from, to), stored, from))
                    .isEqualTo(part.indexOfNonFinite());
        }
        assertThat(new Tensor(dtype, new long[] {n}, stored)).isEqualTo(whole);
    }
}
