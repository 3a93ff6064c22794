package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelStockMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("model_stock");
    }

    private static final float[] BASE = {1, 1, 1};

    @Test
    void interpolatesByTheAngleBetweenTaskVectors() {
        // τ1 = [1, 0, 0], τ2 = [1, 1, 0]: cos θ = 1 / (1·√2) = 1/√2
        // t = 2 cos θ / (1 + cos θ) = 2 / (√2 + 1) = 2(√2 − 1) ≈ 0.828427
        // mean θ_i = [2, 1.5, 1]; θ = t·[2, 1.5, 1] + (1 − t)·[1, 1, 1] = [1 + t, 1 + t/2, 1] = [1 + t, √2, 1]
        double t = 2 * (Math.sqrt(2) - 1);
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 1, 1}, new float[] {2, 2, 1}).optBase(BASE).build();
        assertClose(method().merge(request), new double[] {1 + t, Math.sqrt(2), 1}, 1e-6);
    }

    @Test
    void theRatioFollowsThePaperForPositiveCosines() {
        // t(cos = 1) = 1; t(cos = 0.5, N = 3) = 1.5 / 2 = 0.75; t(cos ≤ 0) = 0 (base)
        assertThat(ModelStockMerge.interpolationRatio(1.0, 5)).isCloseTo(1.0, within(1e-12));
        assertThat(ModelStockMerge.interpolationRatio(0.5, 3)).isCloseTo(0.75, within(1e-12));
        assertThat(ModelStockMerge.interpolationRatio(0.0, 3)).isZero();
        assertThat(ModelStockMerge.interpolationRatio(-0.5, 3)).isZero();
    }

    @Test
    void opposedOrOrthogonalTaskVectorsReturnTheBase() {
        // τ1 = [1, 0, 0], τ2 = [−1, 0.1, 0]: cos < 0 → t = 0 (instead of extrapolating)
        MergeRequest opposed = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 1, 1}, new float[] {0, 1.1f, 1}).optBase(BASE).build();
        assertClose(method().merge(opposed), new double[] {1, 1, 1}, 1e-7);
        // three orthogonal task vectors: mean cos = 0 → base
        MergeRequest orthogonal = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {2, 1, 1}, new float[] {1, 2, 1}, new float[] {1, 1, 2})
                .optBase(BASE).build();
        assertClose(method().merge(orthogonal), new double[] {1, 1, 1}, 1e-7);
    }

    @Test
    void identicalFineTunesAwayFromTheBaseAreKept() {
        // τ1 = τ2 ≠ 0: cos = 1 → t = 1 → the models' mean, the models themselves
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {3, -1, 2}, new float[] {3, -1, 2}).optBase(BASE).build();
        assertClose(method().merge(request), new double[] {3, -1, 2}, 1e-6);
    }

    @Test
    void normProductsBelowOneMillionthAreClampedAsMergekit() {
        // τ1 = [1e-4, 0], τ2 = [1e-4, 1e-4]: |τ1||τ2| = √2·1e-8 < 1e-6, so cos = 1e-8 / 1e-6 = 0.01 (not 1/√2)
        // t = 2·0.01 / 1.01; θ = base + t·mean τ = t·[1e-4, 0.5e-4]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1e-4f, 0}, new float[] {1e-4f, 1e-4f}).optBase(new float[2]).build();
        double t = 0.02 / 1.01;
        assertClose(method().merge(request), new double[] {t * 1e-4f, t * 0.5e-4f}, 1e-12);
    }

    @Test
    void needsAtLeastTwoModels() {
        MergeRequest one = MergeRequest.builder().setTensorName("w").setModels(new float[] {2, 1, 1})
                .optBase(BASE).build();
        assertThatThrownBy(() -> method().merge(one)).hasMessageContaining("at least 2 models, got 1");
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of()));
    }
}
