package org.mergelab.merge;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MagMaxMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("magmax");
    }

    // base = [0, 1, 2, 3]
    //   θ1 = [ 1,  1,   0, 3.5] → τ1 = [ 1,   0,   −2,  0.5]
    //   θ2 = [−2,  1.5, 3, 3  ] → τ2 = [−2,   0.5,  1,  0  ]
    //   θ3 = [ 0.5, −1, 2, 2.5] → τ3 = [ 0.5, −2,    0, −0.5]
    // largest |τ| per entry: e0 τ2 (−2), e1 τ3 (−2), e2 τ1 (−2),
    // e3 |0.5| = |−0.5|: tie → the later model, −0.5 (the paper's merge_max_abs, issue 11 item 11)
    private MergeRequest.Builder request() {
        return MergeRequest.builder().setTensorName("w")
                .setModels(new float[] {1, 1, 0, 3.5f}, new float[] {-2, 1.5f, 3, 3}, new float[] {0.5f, -1, 2, 2.5f})
                .optBase(new float[] {0, 1, 2, 3});
    }

    @Test
    void keepsTheLargestMagnitudeTaskVectorEntry() {
        // [0, 1, 2, 3] + [−2, −2, −2, −0.5]
        assertClose(method().merge(request().build()), new double[] {-2, -1, 0, 2.5}, 1e-7);
    }

    @Test
    void lambdaScalesTheSelectedTaskVector() {
        // [0, 1, 2, 3] + 0.5·[−2, −2, −2, −0.5]
        assertClose(method().merge(request().optGlobalParameter("lambda", 0.5).build()),
                new double[] {-1, 0, 1, 2.75}, 1e-7);
    }

    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of("lambda", 0.5)));
    }
}
