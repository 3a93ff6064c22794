package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SceMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("sce");
    }

    // base 0: τ1 = [1, 0, 2, −1], τ2 = [3, −2, 0, 1], τ3 = [−1, 3, 2, 0]
    private static final List<float[]> MODELS = List.of(
            new float[] {1, 0, 2, -1}, new float[] {3, -2, 0, 1}, new float[] {-1, 3, 2, 0});

    private static MergeRequest.Builder request() {
        return MergeRequest.builder().setTensorName("layers.2.self_attn.o_proj.weight").setModels(MODELS)
                .optBase(new float[4]);
    }

    @Test
    void withoutSelectionTheWeightsAreMeanSquaresAndTheMinoritySignIsErased() {
        // mean τ² = 6/4, 14/4, 14/4 → weights 6/34, 14/34, 14/34
        // e0: Σ 3 → +, τ1 1, τ2 3 agree: (1·6 + 3·14) / (6 + 14) = 2.4
        // e1: Σ 1 → +, τ3 3 alone: 3;  e2: Σ 4 → +, τ1 2, τ3 2: (12 + 28) / 20 = 2
        // e3: Σ 0 → + (0 counts as +), τ2 1 alone: 1
        assertClose(method().merge(request().build()), new double[] {2.4, 3, 2, 1}, 1e-6);
    }

    @Test
    void selectKeepsTheEntriesThatVaryMostAcrossTheModels() {
        // population variances: e0 8/3, e1 114/27, e2 24/27, e3 2/3; 4 nonzero, int(0.5 · 4) = 2 kept: e1, e0
        // masked τ1 = [1, 0, 0, 0], τ2 = [3, −2, 0, 0], τ3 = [−1, 3, 0, 0]; mean τ² = 1/4, 13/4, 10/4 → 1, 13, 10 (/24)
        // e0: Σ 3 → +, τ1 1, τ2 3: (1 + 39) / 14 = 20/7;  e1: Σ 1 → +, τ3 3: 3;  e2, e3: nobody agrees with + → 0
        assertClose(method().merge(request().optGlobalParameter("select_topk", 0.5).build()),
                new double[] {20.0 / 7, 3, 0, 0}, 1e-6);
    }

    @Test
    void selectingNothingReturnsTheBase() {
        assertClose(method().merge(request().optGlobalParameter("select_topk", 0).build()),
                new double[] {0, 0, 0, 0}, 0);
        // int(0.2 · 4) = 0 entries: nothing either
        assertClose(method().merge(request().optGlobalParameter("select_topk", 0.2).build()),
                new double[] {0, 0, 0, 0}, 0);
    }

    @Test
    void theDivisorIsAtLeastOneMillionth() {
        // τ1 = [1000, 0], τ2 = [0, 0.001]: weights 5e5 and 5e-7 over their sum; on e1 only τ2 agrees, with weight
        // c2 ≈ 1e-12, so e1 = 0.001 · c2 / max(c2, 1e-6) = 1000 · c2 (mergekit's clamp), not 0.001
        MergeRequest r = MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1000, 0}, new float[] {0, 0.001f}).optBase(new float[2]).build();
        double w2 = 0.001 * (double) 0.001f / 2;
        double c2 = w2 / (1e6 / 2 + w2);
        float[] merged = method().merge(r);
        assertThat(merged[0]).isEqualTo(1000f);
        assertThat((double) merged[1]).isCloseTo((double) 0.001f * c2 / 1e-6,
                org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void weightsBecomeUniformWhenTheirSumIsBelowOneMillionth() {
        assertThat(SceMerge.weights(new double[][] {{1e-4, 0}, {-3e-4, 0}})).containsExactly(0.5, 0.5);
        assertThat(SceMerge.weights(new double[][] {{1, 0}, {0, 2}})).containsExactly(0.2, 0.8);
    }

    /** Ranges of the method's defaults and of other parameters, each bit for bit the whole-tensor merge. */
    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of("select_topk", 0.3)),
                new RangeCase(List.of(), Map.of("select_topk", 0.999)), new RangeCase(List.of(), Map.of()));
    }
}
