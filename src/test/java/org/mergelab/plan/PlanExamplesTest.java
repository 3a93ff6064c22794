package org.mergelab.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan-merge examples read as valid policies whose search fits their budget. */
class PlanExamplesTest {

    @Test
    void theExamplePoliciesAreValidAndTheirSearchFitsTheBudget() {
        for (String name : List.of("plan-merge-fashion-mnist.yaml", "plan-merge-fashion-mnist-both.yaml")) {
            MergePolicy p = MergePolicy.read(Path.of("examples", name));
            assertThat(p.candidates()).as(name).hasSize(2);
            assertThat(p.data()).isEqualTo("fashion-mnist");
            List<SearchSpace.Point> points = SearchSpace.of(p);
            assertThat(points.size()).as(name).isLessThanOrEqualTo(p.budget());
            assertThat(points).extracting(SearchSpace.Point::method).contains("linear", "task_arithmetic", "ties",
                    "dare_ties", "magmax", "fisher", "model_stock");
            assertThat(p.base().toString()).endsWith("runs/fashion-mnist/checkpoints/seed0/theta0.safetensors");
        }
    }
}
