package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PassthroughMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("passthrough");
    }

    @Override
    int contractModelCount() {
        return 1;
    }

    @Test
    void returnsACopyOfTheOneModel() {
        float[] x = {1.5f, -0.0f, 3e-39f, -7f};
        float[] merged = method().merge(MergeRequest.builder().setTensorName("model.layers.3.mlp.up_proj.weight")
                .setModels(x).build());
        assertThat(merged).isNotSameAs(x).containsExactly(1.5f, -0.0f, 3e-39f, -7f);
        assertThat(Float.floatToRawIntBits(merged[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(method().copiesItsOnlyModel()).isTrue();
        assertThat(MergeMethods.byName("linear").copiesItsOnlyModel()).isFalse();
    }

    /** With one model there is no length to mismatch; two models are refused instead, naming the tensor. */
    @Override
    @Test
    void lengthMismatchIsRejectedNamingTheTensorAndBothLengths() {
        MergeRequest two = MergeRequest.builder().setTensorName("enc.attn.q")
                .setModels(new float[] {1}, new float[] {2}).build();
        assertThatThrownBy(() -> method().merge(two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'enc.attn.q'").hasMessageContaining("exactly 1");
    }

    @Test
    void takesNoParameters() {
        assertThat(method().perModelParameters()).isEmpty();
        assertThat(method().globalParameters()).isEmpty();
        assertThatThrownBy(() -> method().merge(MergeRequest.builder().setTensorName("w").setModels(new float[] {1})
                .optPerModelParameters(java.util.List.of(Map.of("weight", 2.0))).build()))
                .hasMessageContaining("'weight'");
    }
}
