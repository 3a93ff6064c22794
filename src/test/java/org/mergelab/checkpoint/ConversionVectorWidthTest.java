package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mergelab.engine.ChildJvm;

/**
 * The conversions a merge runs through ({@link Tensor#readFloats}, {@link Tensor#putFloats}, {@link
 * Tensor#firstNonFinite}) are loops the JIT vectorises at whatever width the CPU has. Their bits must not depend on
 * it: child JVMs without vectorisation and at vector widths of 16, 32 and 64 bytes (a width above the CPU's is
 * clamped to it, so an AVX2 machine runs 32 twice) hash the results of the same compiled loops, and all agree.
 */
class ConversionVectorWidthTest {

    @Test
    void everyVectorWidthGivesTheBitsOfTheScalarLoops() throws IOException, InterruptedException {
        List<List<String>> flags = List.of(List.of("-XX:-UseSuperWord"), List.of("-XX:MaxVectorSize=16"),
                List.of("-XX:MaxVectorSize=32"), List.of("-XX:MaxVectorSize=64"));
        List<String> digests = new ArrayList<>();
        for (List<String> f : flags) {
            List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UnlockDiagnosticVMOptions"));
            options.addAll(f);
            Process child = new ProcessBuilder(ChildJvm.command(options, ConversionVectorWidthTest.class, List.of()))
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child with %s finishes", f).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            String digest = output.lines().filter(l -> l.startsWith("digest ")).findFirst().orElseThrow(
                    () -> new AssertionError("no digest from the child with " + f + ": " + output));
            digests.add(digest);
        }
        assertThat(digests).as("%s", flags).containsOnly(digests.getFirst());
    }

    /** The child: converts fixed random data many times (so that the JIT compiles the loops), prints a digest. */
    public static void main(String[] args) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(12);
        int n = 4099; // not a multiple of any vector width: the tails run too
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double scale = Math.pow(2, random.nextInt(-30, 18)); // subnormal F16 to F16 overflow
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        for (int round = 0; round < 3000; round++) {
            boolean last = round == 2999;
            for (DType dtype : List.of(DType.F32, DType.F16, DType.BF16)) {
                ByteBuffer bytes = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                int overflow = Tensor.putFloats(dtype, values, bytes, 0);
                Tensor tensor = new Tensor(dtype, new long[] {n}, bytes);
                float[] back = new float[n];
                int bad = tensor.readFloats(0, back);
                if (last) {
                    sha.update(bytes.duplicate());
                    ByteBuffer asBytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                    asBytes.asFloatBuffer().put(back);
                    sha.update(asBytes);
                    sha.update((dtype + " " + overflow + " " + bad + " " + Tensor.firstNonFinite(back))
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        System.out.println("digest " + HexFormat.of().formatHex(sha.digest()));
    }
}
