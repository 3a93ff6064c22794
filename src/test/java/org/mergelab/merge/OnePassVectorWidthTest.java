package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mergelab.ChildDigest;

/**
 * The one-pass task-vector merges (task arithmetic, TIES, Breadcrumbs-TIES, DARE-TIES and DARE-linear, merged range
 * by range as {@code mergelab merge} merges them) give the same bits with the scalar loop and with the Vector API kernel
 * at every vector width, so that an AVX2 machine and an AVX-512 machine write the same file: child JVMs without the
 * module, with the scalar loop forced, and with the kernel at widths of 16, 32 and 64 bytes (a width above the CPU's is
 * clamped to it) hash their outputs, and all agree.
 */
class OnePassVectorWidthTest {

    @Test
    void everyVectorWidthAndTheScalarLoopGiveTheSameBits() throws IOException, InterruptedException {
        Map<ChildDigest.Setting, String> digests = ChildDigest.acrossKernels(List.of("-Xmx512m"),
                OnePassVectorWidthTest.class, "kernel ");
        assertThat(digests.values()).as("%s", digests).containsOnly(digests.values().iterator().next());
    }

    /**
     * The child: merges fixed random tensors (magnitudes tied at the cuts on a coarse grid, or Gaussian) with every
     * one-pass method in ranges of 64 Ki elements, many times over so that the JIT compiles everything, and prints a
     * digest of the last round's output bits.
     */
    public static void main(String[] args) throws NoSuchAlgorithmException, InterruptedException {
        boolean vector = OnePassRange.warmUp(Duration.ofMinutes(1));
        System.out.println("kernel " + (vector ? "vector, " + OnePassVectorKernel.lanes() + " lanes" : "scalar"));
        SplittableRandom random = new SplittableRandom(7);
        int n = 3 * RangeMergeable.RANGE_ALIGNMENT + 4099;
        List<List<float[]>> tensors = new ArrayList<>(); // per tensor: the base, then the models
        for (int r = 0; r < 4; r++) {
            boolean coarse = r % 2 == 0;
            List<float[]> tensor = new ArrayList<>();
            for (int i = 0; i <= 2 + r % 2; i++) {
                tensor.add(values(random, n, coarse));
            }
            tensors.add(tensor);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<String> methods = List.of("task_arithmetic", "ties", "breadcrumbs_ties", "dare_ties", "dare_linear");
        for (int round = 0; round < 8; round++) {
            for (String name : methods) {
                TaskVectorFamilyMethod method = (TaskVectorFamilyMethod) MergeMethods.byName(name);
                for (int r = 0; r < tensors.size(); r++) {
                    List<float[]> tensor = tensors.get(r);
                    List<Map<String, Double>> perModel = new ArrayList<>();
                    for (int i = 1; i < tensor.size(); i++) {
                        Map<String, Double> p = new java.util.HashMap<>();
                        p.put(MergeParameter.WEIGHT.key(), 0.3 + i);
                        if (method.signature().perModel().containsKey(MergeParameter.DENSITY)) {
                            p.put(MergeParameter.DENSITY.key(), 0.1 + 0.3 * i);
                        }
                        perModel.add(p);
                    }
                    MergeRequest request = MergeRequest.builder().setTensorName("layers." + r + ".weight")
                            .setModels(tensor.subList(1, tensor.size())).optBase(tensor.getFirst())
                            .optPerModelParameters(perModel).optSeed(r)
                            .optGlobalParameter(MergeParameter.NORMALIZE.key(), r < 2 ? 1.0 : 0.0)
                            .optGlobalParameter(MergeParameter.LAMBDA.key(), r == 3 ? 0.7 : 1.0).build();
                    float[] merged = MergeMethodContractTest.mergeInRanges((RangeMergeable) method, request,
                            RangeMergeable.RANGE_ALIGNMENT);
                    if (round == 7) {
                        for (float v : merged) {
                            int bits = Float.floatToRawIntBits(v);
                            sha.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16),
                                (byte) (bits >> 24)});
                        }
                    }
                }
            }
        }
        System.out.println("digest " + HexFormat.of().formatHex(sha.digest()));
    }

    private static float[] values(SplittableRandom random, int n, boolean coarse) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = coarse ? (random.nextInt(9) - 4) * 0.25f : (float) random.nextGaussian();
        }
        return v;
    }
}
