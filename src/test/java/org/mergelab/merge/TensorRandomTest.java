package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TensorRandomTest {

    @Test
    void theHashIsPinnedSoSeededMergesStayReproducibleAcrossVersions() {
        // 64-bit FNV-1a of the UTF-8 bytes, then the SplitMix64 finaliser; changing either
        // would silently change every DARE merge made so far.
        assertThat(TensorRandom.stableHash("")).isEqualTo(GOLDEN_EMPTY);
        assertThat(TensorRandom.stableHash("layer1.0.conv1.weight")).isEqualTo(GOLDEN_CONV);
    }

    @Test
    void nearbyNamesGetUnrelatedStreams() {
        long a = TensorRandom.forTensor(7, "block.1.weight").nextLong();
        long b = TensorRandom.forTensor(7, "block.2.weight").nextLong();
        long c = TensorRandom.forTensor(8, "block.1.weight").nextLong();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(TensorRandom.forTensor(7, "block.1.weight").nextLong()).isEqualTo(a);
        assertThat(TensorRandom.stableHash("é")).isNotEqualTo(TensorRandom.stableHash("e"));
    }

    private static final long GOLDEN_EMPTY = -780787492076525413L; // computed independently (Python)
    private static final long GOLDEN_CONV = -9144177575568415767L;
}
