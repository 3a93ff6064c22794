package org.mergelab.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BreadcrumbsMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("breadcrumbs");
    }

    // base = 0.5 everywhere; n = 10
    //   τ1 = [5, −0.1, 2, −3, 0.2, 1, −0.5, 4, 0.3, −2.5]
    //        |τ1| ranked: i0 5, i7 4, i3 3, i9 2.5, i2 2, i5 1, i6 0.5, i8 0.3, i4 0.2, i1 0.1
    //   τ2 = [−1, 0.1, −2.2, 3, 0, 0.4, 0.6, −5, 0.05, 2]
    //        |τ2| ranked: i7 5, i3 3, i2 2.2, i9 2, i0 1, i6 0.6, i5 0.4, i1 0.1, i8 0.05, i4 0
    // gamma 0.1 → drop floor(1) = 1 top entry; density 0.5 → keep the next floor(5) = 5:
    //   τ1' = [0, 0, 2, −3, 0, 1, 0, 4, 0, −2.5]      (ranks 1..5: i7, i3, i9, i2, i5)
    //   τ2' = [−1, 0, −2.2, 3, 0, 0, 0.6, 0, 0, 2]     (ranks 1..5: i3, i2, i9, i0, i6)
    static final float[] BASE = filled(0.5f);
    static final float[] TAU1 = {5, -0.1f, 2, -3, 0.2f, 1, -0.5f, 4, 0.3f, -2.5f};
    static final float[] TAU2 = {-1, 0.1f, -2.2f, 3, 0, 0.4f, 0.6f, -5, 0.05f, 2};

    static float[] filled(float value) {
        float[] a = new float[10];
        java.util.Arrays.fill(a, value);
        return a;
    }

    static float[] plusBase(float[] tau) {
        float[] theta = new float[tau.length];
        for (int j = 0; j < tau.length; j++) {
            theta[j] = BASE[j] + tau[j];
        }
        return theta;
    }

    static Map<String, Double> crumbs(double weight) {
        return Map.of("weight", weight, "gamma", 0.1, "density", 0.5);
    }

    @Test
    void dropsTheOutliersAndTheSmallEntries() {
        // one model, weight 2: 0.5 + 2·τ1'
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(plusBase(TAU1)).optBase(BASE)
                .optPerModelParameters(List.of(crumbs(2.0))).build();
        assertClose(method().merge(request),
                new double[] {0.5, 0.5, 4.5, -5.5, 0.5, 2.5, 0.5, 8.5, 0.5, -4.5}, 1e-6);
    }

    @Test
    void sumsTheMaskedTaskVectors() {
        // 0.5 + τ1' + τ2' = 0.5 + [−1, 0, −0.2, 0, 0, 1, 0.6, 4, 0, −0.5]
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(plusBase(TAU1), plusBase(TAU2))
                .optBase(BASE).optPerModelParameters(List.of(crumbs(1.0), crumbs(1.0))).build();
        assertClose(method().merge(request),
                new double[] {-0.5, 0.5, 0.3, 0.5, 0.5, 1.5, 1.1, 4.5, 0.5, 0.0}, 1e-6);
    }

    @Test
    void defaultDensityMasksNothingAsMergekit() {
        // density defaults to 1 (mergekit; issue 11 item 2): τ1 unchanged, gamma has no effect
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(plusBase(TAU1)).optBase(BASE)
                .build();
        assertArrayEquals(plusBase(TAU1), method().merge(request));
    }

    @Test
    void noOutlierIsDroppedWhenGammaTimesNIsBelowOne() {
        // issue 11 item 4, kept on purpose: gamma 0.01 → int(0.1) = 0 outliers; density 0.9 → keep int(9.0) = 9:
        // only i1 (|−0.1|) goes. (mergekit drops the whole task vector here: indices[n_bot:-0] is empty.)
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(plusBase(TAU1)).optBase(BASE)
                .optPerModelParameters(List.of(Map.of("density", 0.9, "gamma", 0.01))).build();
        assertClose(method().merge(request),
                new double[] {5.5, 0.5, 2.5, -2.5, 0.7, 1.5, 0.0, 4.5, 0.8, -2.0}, 1e-6);
    }

    @Test
    void overlappingGammaAndDensityKeepDensityTimesNEntries() {
        // gamma 0.3, density 0.8: 3 outliers + 8 kept > 10, so only 10 − 8 = 2 outliers (i0, i7) are dropped
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(plusBase(TAU1)).optBase(BASE)
                .optPerModelParameters(List.of(Map.of("density", 0.8, "gamma", 0.3))).build();
        assertClose(method().merge(request),
                new double[] {0.5, 0.4, 2.5, -2.5, 0.7, 1.5, 0.0, 0.5, 0.8, -2.0}, 1e-6);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("density", 0.5, "gamma", 0.05), Map.of("density", 0.8),
                Map.of("density", 0.3, "gamma", 0.2)), Map.of("lambda", 0.9)),
                new RangeCase(List.of(Map.of("density", 0.9), Map.of("density", 0.6, "gamma", 0.3),
                        Map.of("density", 0.95)), Map.of("rescale", Rescale.INVERSE_DENSITY.code())),
                new RangeCase(List.of(Map.of("density", 0.5, "gamma", 0.1), Map.of("density", 0.7),
                        Map.of("density", 1.0)), Map.of("rescale", Rescale.L1.code())));
    }
}
