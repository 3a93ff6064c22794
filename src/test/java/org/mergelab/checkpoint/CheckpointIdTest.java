package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CheckpointIdTest {
    /** Printed by make_golden.py, computed there with hashlib over the same encoding. */
    private static final String MULTI_ID = "33779256871166d86f627850753a8efb0963d4190f820a5b48264a9c3bcd0ffe";

    private static NamedTensors multi() throws IOException {
        try (TensorSource s = TensorSource.open(GoldenFiles.path("multi.safetensors"))) {
            return s.readAll();
        }
    }

    @Test
    void matchesTheIdComputedIndependentlyInPython() throws IOException {
        assertThat(CheckpointId.of(multi())).isEqualTo(MULTI_ID);
    }

    @Test
    void ignoresInsertionOrder() throws IOException {
        NamedTensors m = multi();
        NamedTensors reversed = new NamedTensors();
        for (String name : m.names().reversed()) {
            reversed.put(name, m.get(name));
        }
        assertThat(CheckpointId.of(reversed)).isEqualTo(MULTI_ID);
    }

    @Test
    void changesWithNameDtypeShapeAndBytes() {
        Tensor t = Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4});
        String base = CheckpointId.of(new NamedTensors().put("w", t));
        assertThat(base).hasSize(64).matches("[0-9a-f]+");
        assertThat(CheckpointId.of(new NamedTensors().put("v", t))).isNotEqualTo(base);
        assertThat(CheckpointId.of(new NamedTensors().put("w",
                new Tensor(DType.I32, new long[] {2, 2}, t.data())))).isNotEqualTo(base);
        assertThat(CheckpointId.of(new NamedTensors().put("w",
                new Tensor(DType.F32, new long[] {4}, t.data())))).isNotEqualTo(base);
        assertThat(CheckpointId.of(new NamedTensors().put("w",
                Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 5})))).isNotEqualTo(base);
        // length prefixes keep name/dtype boundaries unambiguous
        Tensor u8 = Tensor.fromFloats(DType.U8, new long[] {1}, new float[] {1});
        assertThat(CheckpointId.of(new NamedTensors().put("ab", u8).put("c", u8)))
                .isNotEqualTo(CheckpointId.of(new NamedTensors().put("a", u8).put("bc", u8)));
    }
}
