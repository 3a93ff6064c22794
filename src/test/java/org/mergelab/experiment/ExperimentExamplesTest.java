package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mergelab.config.ConfigReader;

/** Every experiment file under {@code examples/} reads as an experiment, merges and all. */
class ExperimentExamplesTest {

    @Test
    void everyExperimentExampleReads() throws IOException {
        List<Path> experiments;
        try (var files = Files.list(Path.of("examples"))) {
            experiments = files.filter(p -> p.toString().endsWith(".yaml")).filter(p -> {
                try {
                    String text = Files.readString(p);
                    // recipes and plan-merge policies (PlanExamplesTest) are not experiments
                    return text.contains("\nseeds:") && !text.contains("merge_method:") && !text.contains("\nmust_keep:");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
        assertThat(experiments).extracting(p -> p.getFileName().toString())
                .contains("builtin.yaml", "fashion-mnist.yaml", "methods-fashion-mnist.yaml");
        for (Path p : experiments) {
            ExperimentConfig config = ConfigReader.parse(Files.readString(p), ExperimentConfig.class, p.toString());
            assertThat(config.seeds()).as(p.toString()).isNotEmpty();
            if (p.getFileName().toString().startsWith("methods-")) {
                assertThat(config.merges()).extracting(MergeSpec::method).contains("linear", "ties", "dare_ties",
                        "magmax", "fisher", "model_stock", "task_arithmetic", "slerp");
            }
        }
    }
}
