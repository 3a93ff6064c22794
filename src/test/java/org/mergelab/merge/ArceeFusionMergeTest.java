package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArceeFusionMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("arcee_fusion");
    }

    @Override
    int contractModelCount() {
        return 1;
    }

    /**
     * Ranges of whole rows: rows of 3 (many per range), of 45131 and 70000 (one or two per range, the latter longer
     * than a chunk), slices [7, 1001] of a three-dimensional tensor, and a one-dimensional tensor (one range).
     */
    @Override
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of(), new long[] {45131, 3}),
                new RangeCase(List.of(), Map.of(), new long[] {3, 45131}),
                new RangeCase(List.of(), Map.of(), new long[] {2, 70000}),
                new RangeCase(List.of(), Map.of(), new long[] {30, 7, 1001}),
                new RangeCase(List.of(), Map.of()));
    }

    private float[] fusion(float[] base, float[] model, long... shape) {
        return method().merge(MergeRequest.builder().setTensorName("w").setModels(model).optBase(base)
                .optShape(shape).build());
    }

    /** Row 0 of the base, and of the model: the base plus [1, −2, 3, −4, 5, −6, 7, −8, −20]. */
    private static final float[] BASE_0 = {0.5f, -1, 0, 2, 1, 0, -0.5f, 3, 1};
    private static final float[] MODEL_0 = {1.5f, -3, 3, -2, 6, -6, 6.5f, -5, -19};

    @Test
    void oneRowKeepsTheChangesAboveTheMedianPlusOneAndAHalfInterquartileRanges() {
        // one row: importance = |d| · KL with one KL > 0, so the cut is on |d| = [1, 2, ..., 8, 20]:
        // n − 1 = 8: Q(0.25) = s[2] = 3, Q(0.5) = s[4] = 5, Q(0.75) = s[6] = 7; threshold 5 + 1.5·4 = 11: only 20
        float[] expected = BASE_0.clone();
        expected[8] = MODEL_0[8];
        assertArrayEquals(expected, fusion(BASE_0, MODEL_0, 9));
    }

    @Test
    void aRowThatOnlyShiftsHasNoImportanceAndTheThresholdCountsIt() {
        // row 1 moves every entry by +50: softmax does not see the shift, KL = 0, importance 0 (and the base stays)
        // importance: row 0 K·[1..8, 20], row 1 nine zeros; n − 1 = 17: Q(0.25) = s[4] = 0, Q(0.5) = s[8] = 0,
        // Q(0.75) = s[12] = 4K; threshold 0 + 1.5·4K = 6K: |d| ≥ 6 of row 0 (equal to the threshold included)
        float[] base1 = {0.25f, -0.75f, 1, 0, 0.5f, -2, 1.5f, 0, -1};
        float[] base = new float[18];
        float[] model = new float[18];
        System.arraycopy(BASE_0, 0, base, 0, 9);
        System.arraycopy(MODEL_0, 0, model, 0, 9);
        for (int k = 0; k < 9; k++) {
            base[9 + k] = base1[k];
            model[9 + k] = base1[k] + 50;
        }
        float[] expected = base.clone();
        for (int k = 5; k < 9; k++) {
            expected[k] = MODEL_0[k];
        }
        assertArrayEquals(expected, fusion(base, model, 2, 9));
    }

    @Test
    void mostlyUnchangedEntriesMakeTheThresholdZeroAndEverythingIsTaken() {
        // 6 of 8 importances are 0: Q(0.25) = Q(0.5) = Q(0.75) = 0, and importance ≥ 0 holds everywhere
        float[] base = {0, 0, 0, 0, 0, 0, 1, 2};
        float[] model = {0, 0, 0, 0, 0, 0, 3, -2};
        assertArrayEquals(model, fusion(base, model, 8));
    }

    @Test
    void needsABaseAndExactlyOneOtherModel() {
        MergeRequest none = MergeRequest.builder().setTensorName("w").setModels(new float[] {1}).build();
        assertThatThrownBy(() -> method().merge(none)).hasMessageContaining("needs a base model");
    }
}
