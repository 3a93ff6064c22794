package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;

class SplitTest {

    /** A config holding one split, to read and write through {@link ConfigReader}. */
    record Holder(Split split) {}

    @Test
    void configNamesAreLowerCaseBothWays() {
        assertThat(ConfigReader.parse("split: all\n", Holder.class, "t.yaml").split()).isEqualTo(Split.ALL);
        assertThat(ConfigReader.parse("split: a\n", Holder.class, "t.yaml").split()).isEqualTo(Split.A);
        assertThat(ConfigReader.parse("split: b\n", Holder.class, "t.yaml").split()).isEqualTo(Split.B);
        assertThat(ConfigReader.toYaml(new Holder(Split.B))).contains("split: b")
                .doesNotContain("B");
        for (Split s : Split.values()) {
            assertThat(Split.of(s.yamlName())).isSameAs(s);
        }
    }

    @Test
    void unknownNamesAreErrorsNamingTheValueAndTheKnownNames() {
        assertThatThrownBy(() -> ConfigReader.parse("split: A\n", Holder.class, "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml")
                .hasMessageContaining("'A'").hasMessageContaining("known: all, a, b");
        assertThatThrownBy(() -> Split.of("c")).hasMessage("split: unknown split 'c' (known: all, a, b)");
    }

    @Test
    void idsAreAllOrTheSeededHalves() {
        assertThat(Split.ALL.ids(7, 3)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        int[] a = Split.A.ids(1001, 5);
        int[] b = Split.B.ids(1001, 5);
        assertThat(a).hasSize(501).isSorted().isEqualTo(Splits.halves(1001, 5).a());
        assertThat(b).hasSize(500).isSorted().isEqualTo(Splits.halves(1001, 5).b());
        assertThat(IntStream.concat(Arrays.stream(a), Arrays.stream(b)).sorted().toArray())
                .isEqualTo(Split.ALL.ids(1001, 5));
        assertThat(Split.A.ids(1001, 6)).isNotEqualTo(a);
        assertThat(Split.ALL.ids(1001, 6)).isEqualTo(Split.ALL.ids(1001, 5));
    }
}
