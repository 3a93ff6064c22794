package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeRequestTest {

    private static MergeRequest.Builder twoModels() {
        return MergeRequest.builder().setTensorName("layer.w").setModels(new float[] {1, 2}, new float[] {3, 4});
    }

    @Test
    void parametersOutOfRangeAreRejectedNamingKeyAndValue() {
        assertThatThrownBy(() -> twoModels()
                        .optPerModelParameters(List.of(Map.of("density", 0.0), Map.of())).build())
                .hasMessageContaining("'density' = 0.0").hasMessageContaining("model 0").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> twoModels()
                        .optPerModelParameters(List.of(Map.of(), Map.of("density", 1.5))).build())
                .hasMessageContaining("'density' = 1.5").hasMessageContaining("model 1");
        assertThatThrownBy(() -> twoModels()
                        .optPerModelParameters(List.of(Map.of("weight", Double.NaN), Map.of())).build())
                .hasMessageContaining("'weight' = NaN");
        assertThatThrownBy(() -> twoModels().optGlobalParameter("lambda", Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("'lambda' = Infinity");
        assertThatThrownBy(() -> twoModels().optGlobalParameter("gamma", 1.0).build())
                .hasMessageContaining("'gamma' = 1.0");
        assertThatThrownBy(() -> twoModels().optGlobalParameter("normalize", 0.5).build())
                .hasMessageContaining("'normalize' = 0.5");
        assertThatThrownBy(() -> twoModels().optGlobalParameter("epsilon", 0).build())
                .hasMessageContaining("'epsilon' = 0.0");
    }

    @Test
    void unknownKeysAreRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> twoModels().optGlobalParameter("densty", 0.5).build())
                .hasMessageContaining("unknown parameter 'densty'").hasMessageContaining("density");
    }

    @Test
    void aMethodRejectsAKeyItDoesNotTake() {
        MergeRequest request = twoModels().optBase(new float[] {0, 0})
                .optPerModelParameters(List.of(Map.of("gamma", 0.1), Map.of())).build();
        assertThatThrownBy(() -> MergeMethods.byName("ties").merge(request))
                .hasMessageContaining("'ties'").hasMessageContaining("'gamma'").hasMessageContaining("density, weight");
    }

    @Test
    void countsMustMatchTheModels() {
        assertThatThrownBy(() -> twoModels().optPerModelParameters(List.of(Map.of())).build())
                .hasMessageContaining("1 per-model parameter maps for 2 models");
        assertThatThrownBy(() -> twoModels().optAuxiliary(List.of(new float[2])).build())
                .hasMessageContaining("1 auxiliary arrays for 2 models");
        assertThatThrownBy(() -> MergeRequest.builder().setTensorName("t").setModels(List.of()).build())
                .hasMessageContaining("at least one model").hasMessageContaining("'t'");
        assertThatThrownBy(() -> MergeRequest.builder().setModels(new float[1]).build())
                .hasMessageContaining("tensorName");
    }

    @Test
    void nonFiniteTensorValuesAreRejectedWithTheirPosition() {
        assertThatThrownBy(() -> MergeRequest.builder().setTensorName("bn.var")
                        .setModels(new float[] {1, 2}, new float[] {3, Float.NaN}).build())
                .hasMessageContaining("'bn.var'").hasMessageContaining("model 1").hasMessageContaining("element 1");
    }

    @Test
    void defaultsAndCopies() {
        Map<String, Double> globals = new HashMap<>(Map.of("lambda", 0.5));
        MergeRequest request = twoModels().optGlobalParameters(globals).build();
        globals.put("lambda", 9.0);
        assertThat(request.globalParameters()).isEqualTo(Map.of("lambda", 0.5));
        assertThat(request.perModelParameters()).hasSize(2).allMatch(Map::isEmpty);
        assertThat(request.seed()).isZero();
        assertThat(request.base()).isNull();
        assertThat(request.auxiliary()).isNull();
    }

    @Test
    void theShapeDefaultsToOneDimensionAndMustHoldTheInputsLength() {
        assertThat(twoModels().build().shape()).containsExactly(2);
        assertThat(MergeRequest.builder().setTensorName("w").setModels(new float[6]).optShape(new long[] {2, 3})
                .build().shape()).containsExactly(2, 3);
        assertThatThrownBy(() -> twoModels().optShape(new long[] {3, 1}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layer.w'")
                .hasMessageContaining("[3, 1]").hasMessageContaining("3 elements").hasMessageContaining("2");
        assertThatThrownBy(() -> twoModels().optShape(new long[] {-1, -2}).build())
                .hasMessageContaining("negative dimension");
    }
}
