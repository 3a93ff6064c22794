package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MergeMethodsTest {

    @Test
    void registersEveryMethodOnceUnderMergekitsNames() {
        assertThat(MergeMethods.all()).extracting(MergeMethod::name).containsExactly(
                "linear", "slerp", "task_arithmetic", "ties", "dare_linear", "dare_ties", "breadcrumbs",
                "breadcrumbs_ties", "della", "della_linear", "sce", "model_stock", "magmax", "fisher", "regmean",
                "trajectory_uniform", "trajectory_ema", "nearswap", "multislerp", "karcher", "nuslerp", "arcee_fusion",
                "passthrough");
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

    /** {@code `key` (default)} in a README cell. */
    private static final Pattern PARAMETER = Pattern.compile("`(\\w+)` \\(([^)]*)\\)");
    private static final Pattern METHOD = Pattern.compile("`(\\w+)`");

    /** A README cell's parameters with their defaults, in order. */
    private static Map<String, String> readmeParameters(String cell) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PARAMETER.matcher(cell);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** What the README must say: every key a recipe gives, with its default as a recipe writes it. */
    private static Map<String, String> declared(Map<MergeParameter, Double> parameters) {
        Map<String, String> out = new LinkedHashMap<>();
        parameters.forEach((p, value) -> {
            if (!Double.isNaN(value)) { // computed by the merge (fisher_norm): not a recipe key
                out.put(p.key(), p.format(value));
            }
        });
        return out;
    }

    @Test
    void theReadmeTableListsEveryMethodWithTheParametersAndDefaultsOfItsSignature() throws IOException {
        List<String> listed = new ArrayList<>();
        for (String row : Files.readAllLines(Path.of("README.md"))) {
            String[] cells = row.split("\\|");
            if (!row.startsWith("| `") || cells.length < 5) {
                continue;
            }
            Matcher names = METHOD.matcher(cells[1]);
            while (names.find()) {
                String name = names.group(1);
                listed.add(name);
                MethodSignature signature = ((AbstractMergeMethod) MergeMethods.byName(name)).signature();
                assertThat(readmeParameters(cells[3])).as("README per-model parameters of %s", name)
                        .containsExactlyEntriesOf(declared(signature.perModel()));
                assertThat(readmeParameters(cells[4])).as("README global parameters of %s", name)
                        .containsExactlyEntriesOf(declared(signature.global()));
            }
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
                MergeMethods.all().stream().map(MergeMethod::name).toList());
    }
}
