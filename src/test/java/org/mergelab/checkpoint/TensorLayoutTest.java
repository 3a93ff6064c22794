package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mergelab.checkpoint.TensorLayout.DTypes;

class TensorLayoutTest {

    static TensorLayout layout(String source, Object... nameDtypeShape) {
        NamedTensors t = new NamedTensors();
        for (int i = 0; i < nameDtypeShape.length; i += 3) {
            long[] shape = (long[]) nameDtypeShape[i + 2];
            t.put((String) nameDtypeShape[i], Tensor.fromDoubles((DType) nameDtypeShape[i + 1], shape,
                    new double[(int) Tensor.numel(shape)]));
        }
        return TensorLayout.of(source, t);
    }

    final TensorLayout a = layout("a.safetensors", "w", DType.F32, new long[] {2, 3}, "steps", DType.I64,
            new long[] {1});

    @Test
    void theSameNamesInAnotherOrderShapesAndDtypesPassEveryRule() {
        TensorLayout b = layout("b.safetensors", "steps", DType.I64, new long[] {1}, "w", DType.F32, new long[] {2, 3});
        for (DTypes rule : DTypes.values()) {
            assertThatCode(() -> TensorLayout.requireSame(a, b, rule)).doesNotThrowAnyException();
        }
    }

    @Test
    void aMissingOrExtraTensorNamesItAndBothSources() {
        TensorLayout missing = layout("b.safetensors", "w", DType.F32, new long[] {2, 3});
        assertThatThrownBy(() -> TensorLayout.requireSame(a, missing, DTypes.ANY))
                .hasMessage("tensor 'steps' is in a.safetensors but not in b.safetensors");
        assertThatThrownBy(() -> TensorLayout.requireSame(missing, a, DTypes.ANY))
                .hasMessage("tensor 'steps' is in a.safetensors but not in b.safetensors");
    }

    @Test
    void aShapeDifferenceNamesTheTensorBothSourcesAndBothShapes() {
        TensorLayout b = layout("b.safetensors", "w", DType.F32, new long[] {3, 2}, "steps", DType.I64, new long[] {1});
        assertThatThrownBy(() -> TensorLayout.requireSame(a, b, DTypes.ANY))
                .hasMessage("tensor 'w' has shape [2, 3] in a.safetensors but [3, 2] in b.safetensors");
    }

    @Test
    void dtypesAreComparedAsTheRuleSays() {
        TensorLayout half = layout("b.safetensors", "w", DType.BF16, new long[] {2, 3}, "steps", DType.I64,
                new long[] {1});
        TensorLayout int32 = layout("c.safetensors", "w", DType.F32, new long[] {2, 3}, "steps", DType.I32,
                new long[] {1});
        assertThatThrownBy(() -> TensorLayout.requireSame(a, half, DTypes.SAME))
                .hasMessage("tensor 'w' is F32 in a.safetensors but BF16 in b.safetensors");
        assertThatCode(() -> TensorLayout.requireSame(a, half, DTypes.SAME_KIND)).doesNotThrowAnyException();
        assertThatThrownBy(() -> TensorLayout.requireSame(a, int32, DTypes.SAME_KIND))
                .hasMessage("tensor 'steps' is I64 in a.safetensors but I32 in c.safetensors; float tensors merge"
                        + " with float tensors, other dtypes must match exactly");
        assertThatCode(() -> TensorLayout.requireSame(a, int32, DTypes.ANY)).doesNotThrowAnyException();
    }
}
