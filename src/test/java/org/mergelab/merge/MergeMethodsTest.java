package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MergeMethodsTest {

    @Test
    void registersEveryMethodOnceUnderMergekitsNames() {
        assertThat(MergeMethods.all()).extracting(MergeMethod::name).containsExactly(
                "linear", "slerp", "task_arithmetic", "ties", "dare_linear", "dare_ties", "breadcrumbs",
                "breadcrumbs_ties", "model_stock", "magmax", "fisher", "trajectory_uniform", "trajectory_ema");
        assertThat(MergeMethods.all()).extracting(MergeMethod::getClass).doesNotHaveDuplicates();
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> MergeMethods.byName("tie"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tie'").hasMessageContaining("ties").hasMessageContaining("model_stock");
    }

    @Test
    void declaredParametersMatchTheFamilies() {
        assertThat(MergeMethods.byName("ties").perModelParameters()).containsExactlyInAnyOrder("weight", "density");
        assertThat(MergeMethods.byName("dare_ties").globalParameters())
                .containsExactlyInAnyOrder("lambda", "normalize", "rescale");
        assertThat(MergeMethods.byName("breadcrumbs").perModelParameters())
                .containsExactlyInAnyOrder("weight", "density", "gamma");
        assertThat(MergeMethods.byName("slerp").globalParameters()).containsExactly("t");
        assertThat(MergeMethods.byName("model_stock").needsBaseModel()).isTrue();
        assertThat(MergeMethods.byName("linear").needsBaseModel()).isFalse();
    }
}
