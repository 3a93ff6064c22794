package org.mergelab.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mergelab.checkpoint.DType;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;

/** The planner names a merge whose BatchNorm variance went negative (its network outputs NaN). */
class InvalidBatchNormTest {

    private static Tensor vector(float... values) {
        return Tensor.fromFloats(DType.F32, new long[] {values.length}, values);
    }

    @Test
    void aNegativeRunningVarianceIsNamedWithItsCount() {
        NamedTensors merged = new NamedTensors()
                .put("conv1.weight", vector(-1f, -2f, -3f)) // weights may be negative
                .put("bn1.running_mean", vector(-0.5f, 0.5f))
                .put("bn1.running_var", vector(0.5f, 0f, 1f))
                .put("layer1.0.bn1.running_var", vector(0.2f, -0.01f, 0.3f, -1e-8f));
        assertThat(MergePlanner.invalidBatchNorm(merged))
                .contains("variance in layer1.0.bn1.running_var (2 of 4);") // the only one: bn1's 0 is a variance
                .doesNotContain("in bn1.running_var")
                .doesNotContain(", bn1.running_var")
                .contains("NaN");
    }

    @Test
    void manyLayersAreCounted() {
        NamedTensors merged = new NamedTensors();
        for (int i = 0; i < 5; i++) {
            merged.put("layer" + i + ".bn.running_var", vector(-1f));
        }
        assertThat(MergePlanner.invalidBatchNorm(merged))
                .contains("layer0.bn.running_var (1 of 1), layer1.bn.running_var (1 of 1), layer2.bn.running_var"
                        + " (1 of 1) and 2 more BatchNorm layers;");
    }

    @Test
    void nonNegativeVariancesAreValid() {
        NamedTensors merged = new NamedTensors()
                .put("bn1.running_var", vector(0.5f, 0f, 1f))
                .put("fc.weight", vector(-1f));
        assertThat(MergePlanner.invalidBatchNorm(merged)).isNull();
    }
}
