package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BreadcrumbsTiesMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("breadcrumbs_ties");
    }

    @Test
    void masksThenElectsSigns() {
        // τ1', τ2' as in BreadcrumbsMergeTest:
        //   τ1' = [ 0, 0,  2,   −3, 0, 1, 0,   4, 0, −2.5]
        //   τ2' = [−1, 0, −2.2,  3, 0, 0, 0.6, 0, 0,  2  ]
        //   Σ   = [−1, 0, −0.2,  0, 0, 1, 0.6, 4, 0, −0.5]
        //   signs [−, +, −, + (0), +, +, +, +, +, −]
        // disjoint sums (normalize defaults to 0): [−1, 0, −2.2, 3, 0, 1, 0.6, 4, 0, −2.5]
        MergeRequest request = MergeRequest.builder().setTensorName("w")
                .setModels(BreadcrumbsMergeTest.plusBase(BreadcrumbsMergeTest.TAU1),
                        BreadcrumbsMergeTest.plusBase(BreadcrumbsMergeTest.TAU2))
                .optBase(BreadcrumbsMergeTest.BASE)
                .optPerModelParameters(List.of(BreadcrumbsMergeTest.crumbs(1.0), BreadcrumbsMergeTest.crumbs(1.0)))
                .build();
        assertClose(method().merge(request),
                new double[] {-0.5, 0.5, -1.7, 3.5, 0.5, 1.5, 1.1, 4.5, 0.5, -2.0}, 1e-6);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(Map.of("density", 0.5, "gamma", 0.05), Map.of("density", 0.8),
                Map.of("density", 0.3, "gamma", 0.2, "weight", 0.4)), Map.of("normalize", 1.0)));
    }
}
