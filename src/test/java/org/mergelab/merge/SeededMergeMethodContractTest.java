package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The contract of seeded methods (DARE): same seed and name, same result; otherwise not. */
abstract class SeededMergeMethodContractTest extends MergeMethodContractTest {

    private boolean[] dropMask(String tensorName, long seed, List<float[]> models, float[] base) {
        float[] merged = method().merge(requestFor(tensorName, models, base).optSeed(seed)
                .optPerModelParameters(List.of(java.util.Map.of("density", 0.5)))
                .build());
        boolean[] dropped = new boolean[merged.length];
        for (int j = 0; j < merged.length; j++) {
            dropped[j] = merged[j] == base[j];
        }
        return dropped;
    }

    @Test
    void theSameSeedAndTensorNameGiveTheSameMaskAcrossRuns() {
        SplittableRandom random = new SplittableRandom(21);
        List<float[]> models = List.of(randomTensor(random, 200));
        float[] base = new float[200];
        assertArrayEquals(dropMask("a.weight", 5, models, base), dropMask("a.weight", 5, models, base));
    }

    @Test
    void anotherTensorNameGivesAnotherDropMask() {
        SplittableRandom random = new SplittableRandom(22);
        List<float[]> models = List.of(randomTensor(random, 200));
        float[] base = new float[200];
        boolean[] first = dropMask("encoder.0.weight", 5, models, base);
        boolean[] second = dropMask("encoder.1.weight", 5, models, base);
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void anotherSeedGivesAnotherDropMask() {
        SplittableRandom random = new SplittableRandom(23);
        List<float[]> models = List.of(randomTensor(random, 200));
        float[] base = new float[200];
        assertThat(dropMask("w", 5, models, base)).isNotEqualTo(dropMask("w", 6, models, base));
    }
}
