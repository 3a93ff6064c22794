package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KarcherMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("karcher");
    }

    private float[] karcher(Map<String, Double> global, float[]... models) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(models)
                .optGlobalParameters(global).build());
    }

    @Test
    void twoOrthogonalModelsMeetOnTheBisectorScaledByTheMeanNorm() {
        // units [1, 0], [0, 1]: the first guess [1, 1]/√2 is the mean (the tangents cancel); scale (2 + 4)/2 = 3
        double v = 3 / Math.sqrt(2);
        assertClose(karcher(Map.of(), new float[] {2, 0}, new float[] {0, 4}), new double[] {v, v}, 1e-6);
    }

    @Test
    void iterationsMoveTheEuclideanGuessToTheMeanAngle() {
        // directions at 0°, 0° and 90°: the Karcher mean on the circle is the mean angle, 30°, where the
        // normalised Euclidean mean [2, 1]/√5 lies at 26.57°; scale (1 + 2 + 3)/3 = 2: 2·[cos 30°, sin 30°] = [√3, 1]
        float[][] models = {{1, 0}, {2, 0}, {0, 3}};
        assertClose(karcher(Map.of(), models), new double[] {Math.sqrt(3), 1}, 1e-6);
        // max_iter 0 keeps the Euclidean guess: 2·[2, 1]/√5
        assertClose(karcher(Map.of("max_iter", 0.0), models), new double[] {4 / Math.sqrt(5), 2 / Math.sqrt(5)},
                1e-6);
    }

    @Test
    void zeroModelsAddNoDirectionButCountInTheScale() {
        // [2, 0] alone gives the direction; scale (2 + 0)/2 = 1
        assertClose(karcher(Map.of(), new float[] {2, 0}, new float[] {0, 0}), new double[] {1, 0}, 0);
        // every norm at most tol: zero
        assertClose(karcher(Map.of("tol", 0.5), new float[] {0.3f, 0}, new float[] {0, 0.4f}), new double[] {0, 0}, 0);
        float[] one = {0.5f, -2f};
        assertArrayEquals(one, karcher(Map.of(), one));
    }

    @Test
    void maxIterMustBeAWholeNumber() {
        assertThatThrownBy(() -> karcher(Map.of("max_iter", 2.5), new float[] {1}, new float[] {2}))
                .hasMessageContaining("'max_iter' = 2.5").hasMessageContaining("integer");
    }

    /** Ranges of the method's defaults and of other parameters, each bit for bit the whole-tensor merge. */
    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of()), new RangeCase(List.of(), Map.of("max_iter", 3.0, "tol", 1e-3)));
    }
}
