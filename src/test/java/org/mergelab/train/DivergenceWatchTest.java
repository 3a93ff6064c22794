package org.mergelab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mergelab.data.Batch;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;

/** Training stops at the first non-finite step and says what it saw and what to do. */
class DivergenceWatchTest {

    private static final ModelSpec TINY = new ModelSpec("resnet", 8, 4);

    @Test
    void aNonFiniteBatchStopsTheFirstStepNamingTheTensorAndPointingToTheDoctor() {
        Batch batch = batch(32, 7);
        batch.images()[5] = Float.NaN;
        try (Network net = Network.create(TINY, 10, 1);
                SgdMomentum sgd = new SgdMomentum(net.parameters(), net.manager(), 0.9, 5e-4)) {
            DivergenceWatch watch = new DivergenceWatch("t1", 0.1);
            assertThatThrownBy(() -> Trainer.step(net, sgd, batch, 0.1, watch, 0, 0))
                    .hasMessageStartingWith("t1: training diverged at step 1 (epoch 1, batch 1): loss NaN")
                    .hasMessageContaining("first non-finite gradient 'conv1.weight'")
                    .hasMessageContaining("the batch held a non-finite value at float 5")
                    .hasMessageContaining("mergelab doctor")
                    .hasMessageNotContaining("lower learning_rate");
        }
    }

    @Test
    void aHugeWeightGivesAFiniteBatchAndNamesTheFirstBrokenGradient() {
        try (Network net = Network.create(TINY, 10, 1);
                SgdMomentum sgd = new SgdMomentum(net.parameters(), net.manager(), 0.9, 5e-4)) {
            for (NamedParameter p : net.parameters()) {
                if (p.name().equals("fc.weight")) {
                    float[] fc = new float[(int) p.parameter().getArray().size()];
                    Arrays.fill(fc, 3e38f);
                    p.parameter().getArray().set(FloatBuffer.wrap(fc));
                }
            }
            DivergenceWatch watch = new DivergenceWatch("pretrain", 0.1);
            assertThatThrownBy(() -> Trainer.step(net, sgd, batch(32, 8), 0.1, watch, 2, 4))
                    .hasMessageStartingWith("pretrain: training diverged at step 1 (epoch 3, batch 5)")
                    .hasMessageContaining("the batch was finite")
                    .hasMessageContaining("first non-finite gradient '");
        }
    }

    @Test
    void finiteStepsPassAndLeaveTheWeightsUpdated() {
        try (Network net = Network.create(TINY, 10, 1);
                SgdMomentum sgd = new SgdMomentum(net.parameters(), net.manager(), 0.9, 5e-4)) {
            float[] before = net.snapshot().get("conv1.weight");
            DivergenceWatch watch = new DivergenceWatch("t", 0.05);
            Trainer.StepOutcome o = Trainer.step(net, sgd, batch(32, 9), 0.05, watch, 0, 0);
            assertThat(o.loss()).isFinite();
            assertThat(net.snapshot().get("conv1.weight")).isNotEqualTo(before);
        }
    }

    @Test
    void adviceSuggestsALowerLearningRateOnlyForALossThatWasFiniteAndRising() {
        DivergenceWatch early = new DivergenceWatch("t", 0.1);
        for (int i = 0; i < DivergenceWatch.FIRST_STEPS - 1; i++) {
            early.record(2.0 + i); // rising, but too few steps: the engine is the suspect
        }
        assertThat(early.advice()).contains("from the first steps", "mergelab doctor").doesNotContain("learning_rate");

        DivergenceWatch rising = new DivergenceWatch("t", 0.1);
        for (int i = 0; i < 20; i++) {
            rising.record(i < 14 ? 1.0 : 1.0 + (i - 13) * 0.5);
        }
        assertThat(rising.rising()).isTrue();
        assertThat(rising.advice()).contains("rising", "lower learning_rate (now 0.1)").doesNotContain("doctor");

        DivergenceWatch flat = new DivergenceWatch("t", 0.1);
        for (int i = 0; i < 20; i++) {
            flat.record(2.0 - i * 0.01);
        }
        assertThat(flat.rising()).isFalse();
        assertThat(flat.advice()).contains("not rising", "mergelab doctor").doesNotContain("learning_rate");
    }

    private static Batch batch(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] images = new float[n * 3 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(10);
        }
        return new Batch(images, labels, n);
    }
}
