package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedTensorsTest {
    private static Tensor scalar(float v) {
        return Tensor.ofFloats(new long[] {}, new float[] {v});
    }

    @Test
    void keepsInsertionOrder() {
        NamedTensors t = new NamedTensors().put("z", scalar(1)).put("a", scalar(2)).put("m", scalar(3));
        assertThat(t.names()).containsExactly("z", "a", "m");
        List<String> iterated = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : t) {
            iterated.add(e.getKey());
        }
        assertThat(iterated).containsExactly("z", "a", "m");
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.get("a").toFloats()).containsExactly(2f);
    }

    @Test
    void rejectsDuplicatesAndMissingNamesNamingThem() {
        NamedTensors t = new NamedTensors().put("w", scalar(1));
        assertThatThrownBy(() -> t.put("w", scalar(2))).hasMessageContaining("duplicate tensor 'w'");
        assertThatThrownBy(() -> t.get("b")).hasMessageContaining("no tensor 'b'");
        assertThat(t.get("w").toFloats()).containsExactly(1f);
    }

    @Test
    void equalityIncludesOrder() {
        NamedTensors ab = new NamedTensors().put("a", scalar(1)).put("b", scalar(2));
        NamedTensors ba = new NamedTensors().put("b", scalar(2)).put("a", scalar(1));
        assertThat(ab).isEqualTo(new NamedTensors().put("a", scalar(1)).put("b", scalar(2)));
        assertThat(ab).isNotEqualTo(ba);
    }
}
