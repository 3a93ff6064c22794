package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMixStreamTest {

    @Test
    void drawsAndSplitsAreThoseOfSplittableRandom() {
        for (long seed : new long[] {0L, 1L, -7L, 0x0123456789abcdefL, TensorRandom.stableHash("layers.3.weight")}) {
            SplittableRandom jdk = new SplittableRandom(seed);
            SplitMixStream ours = new SplitMixStream(seed);
            for (int i = 0; i < 1000; i++) {
                assertThat(ours.nextDouble()).as("seed %d draw %d", seed, i).isEqualTo(jdk.nextDouble());
            }
            SplittableRandom jdkChild = jdk.split();
            SplitMixStream ourChild = ours.split();
            for (int i = 0; i < 3; i++) { // a split of a split, as model i's stream is the i-th split of a tensor's
                jdkChild = jdkChild.split();
                ourChild = ourChild.split();
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(ourChild.nextLong()).isEqualTo(jdkChild.nextLong());
                assertThat(ours.nextDouble()).isEqualTo(jdk.nextDouble());
            }
        }
    }

    @Test
    void aSkippedStreamDrawsWhatTheStreamDrawsAfterThatManyDraws() {
        SplitMixStream stream = new SplitMixStream(42L).split();
        SplitMixStream at = stream.skipped(70_000);
        SplittableRandom jdk = new SplittableRandom(42L).split();
        for (int i = 0; i < 70_000; i++) {
            jdk.nextDouble();
        }
        for (int i = 0; i < 100; i++) {
            double expected = jdk.nextDouble();
            assertThat(at.nextDouble()).isEqualTo(expected);
        }
        assertThat(stream.skipped(0).nextLong()).isEqualTo(stream.nextLong());
    }
}
