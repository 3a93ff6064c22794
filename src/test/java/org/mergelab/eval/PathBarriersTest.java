package org.mergelab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PathBarriersTest {

    private static final double[] GRID = {0, 0.25, 0.5, 0.75, 1};

    @Test
    void aBumpAboveTheLineBetweenTheEndpointsIsTheBarrier() {
        // line from L(0) = 1 to L(1) = 2: 1, 1.25, 1.5, 1.75, 2; the path bulges by 0.5, 1.5 and 0.25 above it
        double[] loss = {1, 1.75, 3, 2, 2};
        assertThat(PathBarriers.barrier(GRID, loss)).isEqualTo(1.5);
        // the grid in any order gives the same barrier
        assertThat(PathBarriers.barrier(new double[] {1, 0.5, 0, 0.75, 0.25}, new double[] {2, 3, 1, 2, 1.75}))
                .isEqualTo(1.5);
    }

    @Test
    void aPathBelowItsLineHasNoBarrierAndTheEndpointsAloneGiveZero() {
        assertThat(PathBarriers.barrier(GRID, new double[] {2, 1, 0.5, 1, 3})).isZero();
        // by construction: at alpha 0 and 1 the bracket is v minus itself, for any endpoint values
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 1000; i++) {
            double v0 = random.nextDouble(-50, 50);
            double v1 = random.nextDouble(-50, 50);
            assertThat(PathBarriers.barrier(new double[] {0, 1}, new double[] {v0, v1})).isZero();
        }
    }

    @Test
    void perProbePerSeedThenMeanAndStandardError() {
        // probe "color": seeds 1, 2, 3 with loss bumps 0.5, 1.0, 1.5 at alpha 0.5 and error bumps 0.1, 0.2, 0.3
        List<PathBarriers.PathPoint> points = new ArrayList<>();
        double[] bumps = {0.5, 1.0, 1.5};
        for (int s = 0; s < 3; s++) {
            long seed = s + 1;
            points.add(new PathBarriers.PathPoint(seed, "color", 1.0, 2.0, 0.8));
            points.add(new PathBarriers.PathPoint(seed, "color", 0.5, 1.5 + bumps[s], 0.8 - 0.2 * bumps[s]));
            points.add(new PathBarriers.PathPoint(seed, "color", 0.0, 1.0, 0.8));
            points.add(new PathBarriers.PathPoint(seed, "base", 0.0, 1.0, 0.9));
            points.add(new PathBarriers.PathPoint(seed, "base", 1.0, 1.0, 0.9));
        }
        List<PathBarriers.ProbeBarriers> barriers = PathBarriers.of(points);
        assertThat(barriers).extracting(PathBarriers.ProbeBarriers::probe).containsExactly("color", "base");
        Statistic loss = barriers.getFirst().loss();
        assertThat(loss.perSeed()).containsExactly(0.5, 1.0, 1.5);
        assertThat(loss.mean()).isEqualTo(1.0);
        assertThat(loss.se()).isCloseTo(0.5 / Math.sqrt(3), within(1e-12)); // sd of {0.5, 1, 1.5} is 0.5
        Statistic error = barriers.getFirst().error();
        assertThat(error.perSeed().get(0)).isCloseTo(0.1, within(1e-12));
        assertThat(error.perSeed().get(2)).isCloseTo(0.3, within(1e-12));
        assertThat(barriers.get(1).loss().perSeed()).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void aPathWithoutAnEndpointOrWithARepeatedAlphaIsNamed() {
        assertThatThrownBy(() -> PathBarriers.of(List.of(new PathBarriers.PathPoint(7, "noise", 0.0, 1, 0.5),
                new PathBarriers.PathPoint(7, "noise", 0.5, 1, 0.5))))
                .hasMessageContainingAll("'noise'", "seed 7", "alpha 1");
        assertThatThrownBy(() -> PathBarriers.barrier(new double[] {0, 0.5, 0.5, 1}, new double[] {1, 1, 1, 1}))
                .hasMessageContaining("alpha 0.5 appears twice");
        assertThatThrownBy(() -> PathBarriers.barrier(new double[] {0, 1.5, 1}, new double[] {1, 1, 1}))
                .hasMessageContaining("alpha 1.5");
        assertThatThrownBy(() -> PathBarriers.barrier(new double[] {0, 1}, new double[] {1, Double.NaN}))
                .hasMessageContaining("alpha 1.0");
    }
}
