package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mergelab.ChildDigest;

/**
 * The conversions a merge runs through ({@link Tensor#readFloats}, {@link Tensor#putFloats}, {@link
 * Tensor#firstNonFinite}) run as Vector API kernels when the JVM has {@code jdk.incubator.vector}, and as scalar loops
 * (which the JIT vectorises where it can) otherwise. Their bits must not depend on which, nor on the vector width:
 * child JVMs with the scalar loops (without the module and without any vectorisation, and with the module but the
 * scalar loops forced) and with the Vector API kernels at widths of 16, 32 and 64 bytes (a width above the CPU's is
 * clamped to it, so an AVX2 machine runs 32 twice) hash the results of the same conversions, and all agree.
 */
class ConversionVectorWidthTest {

    @Test
    void everyVectorWidthAndBothKernelsGiveTheSameBits() throws IOException, InterruptedException {
        Map<ChildDigest.Setting, String> digests = ChildDigest.acrossKernels(
                List.of("-Xmx256m", "-XX:+UnlockDiagnosticVMOptions"), ConversionVectorWidthTest.class, "kernels ");
        assertThat(digests.values()).as("%s", digests).containsOnly(digests.values().iterator().next());
    }

    /**
     * The child: converts fixed random data many times (so that the JIT compiles the loops), at offsets that are not
     * multiples of any vector width, with and without infinities and NaNs at places in a vector's body and in the
     * scalar tail, and prints a digest of every output byte and returned index.
     */
    public static void main(String[] args) throws NoSuchAlgorithmException, InterruptedException {
        // vector kernels from the first conversion on, or none: the digest covers one kind of kernel only
        System.out.println("kernels " + (ConversionKernels.warmUp(java.time.Duration.ofMinutes(1)) ? "vector"
                : "scalar"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(12);
        int n = 4099; // not a multiple of any vector width: the tails run too
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double scale = Math.pow(2, random.nextInt(-30, 18)); // subnormal F16 to F16 overflow
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        float[] finite = values.clone();
        for (int i = 0; i < n; i++) { // F16 overflow aside, finite in every dtype: the vector kernels' main path
            finite[i] = Math.max(-6e4f, Math.min(6e4f, finite[i]));
        }
        float[] nonFinite = finite.clone();
        nonFinite[4097] = Float.NaN; // in the tail
        float[] early = finite.clone();
        early[37] = Float.NEGATIVE_INFINITY; // in a vector's body
        early[1000] = Float.intBitsToFloat(0x7F800001); // a signalling NaN
        early[4098] = Float.POSITIVE_INFINITY;
        float[] bf16Overflow = finite.clone();
        bf16Overflow[2049] = Float.MAX_VALUE; // rounds up to BF16 infinity
        float[] nearTies = new float[n]; // exact BF16 and F16 rounding ties and their neighbours, both parities
        int[] bf16Low = {0x8000, 0x7FFF, 0x8001, 0x18000, 0x08000};
        int[] f16Low = {0x1000, 0x0FFF, 0x1001, 0x3000, 0x2000};
        for (int i = 0; i < n; i++) {
            int exponent = random.nextInt(103, 142) << 23; // 2^-24 to 2^14: F16 subnormals to normals
            int sign = random.nextBoolean() ? 0x80000000 : 0;
            int high = random.nextInt() & 0x007E0000;
            int bits = i % 2 == 0 ? (high | bf16Low[i / 2 % bf16Low.length]) & 0x7FFFFF
                    : (random.nextInt() & 0x7FE000 | f16Low[i / 2 % f16Low.length]) & 0x7FFFFF;
            nearTies[i] = Float.intBitsToFloat(sign | exponent | bits);
        }
        List<float[]> inputs = List.of(values, finite, nonFinite, early, bf16Overflow, nearTies);
        for (int round = 0; round < 3000; round++) {
            boolean last = round == 2999;
            for (float[] input : inputs) {
                for (DType dtype : List.of(DType.F32, DType.F16, DType.BF16)) {
                    int size = dtype.byteSize();
                    ByteBuffer bytes = ByteBuffer.allocateDirect((n + 5) * size).order(ByteOrder.LITTLE_ENDIAN);
                    int overflow = Tensor.putFloats(dtype, input, bytes, 5); // at an odd element offset
                    Tensor tensor = new Tensor(dtype, new long[] {n + 5}, bytes);
                    float[] back = new float[n];
                    int bad = tensor.readFloats(5, back);
                    float[] part = new float[n - 3];
                    int partBad = tensor.readFloats(8, part);
                    if (last) {
                        sha.update(bytes.duplicate().clear());
                        ByteBuffer asBytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                        asBytes.asFloatBuffer().put(back);
                        sha.update(asBytes);
                        sha.update((dtype + " " + overflow + " " + bad + " " + partBad + " "
                                + Tensor.firstNonFinite(back) + " " + Tensor.firstNonFinite(input) + " "
                                + Tensor.firstNonFinite(part)).getBytes(StandardCharsets.UTF_8));
                        System.out.println(dtype + " " + overflow + " " + bad + " " + partBad);
                    }
                }
            }
        }
        System.out.println("digest " + HexFormat.of().formatHex(sha.digest()));
    }
}
