package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.Split;
import org.mergelab.data.Splits;

class TaskSpecTest {

    @Test
    void aPieceOfTwoIsTheHalfOfTheSameName() {
        assertThat(TaskSpec.onPiece("t1", 0, 2, "color")).isEqualTo(new TaskSpec("t1", Split.A, "color"));
        assertThat(TaskSpec.onPiece("t2", 1, 2, "noise")).isEqualTo(new TaskSpec("t2", Split.B, "noise"));
        assertThat(ConfigReader.toTree(TaskSpec.onPiece("t2", 1, 2, "noise")))
                .isEqualTo(ConfigReader.toTree(new TaskSpec("t2", Split.B, "noise")));
    }

    @Test
    void aPieceOfMoreTrainsOnThatPieceAndNamesIt() {
        TaskSpec third = TaskSpec.onPiece("t3", 2, 5, "stripes");
        assertThat(third.ids(1000, 7)).isEqualTo(Splits.piece(1000, 7, 2, 5));
        assertThat(third.splitName()).isEqualTo("3/5");
        assertThat(new TaskSpec("t1", Split.A, "color").splitName()).isEqualTo("a");
        assertThat(ConfigReader.toTree(new TaskSpec("t1", Split.A, "color")).has("part"))
                .as("a task on a half keeps the key it had before pieces existed").isFalse();
    }

    @Test
    void aBadPieceIsRefused() {
        assertThatThrownBy(() -> TaskSpec.onPiece("t", 5, 5, "color")).hasMessageContaining("part 5 of 5");
        assertThatThrownBy(() -> new TaskSpec("t", Split.A, "color", 1, 3)).hasMessageContaining("split or part");
        assertThatThrownBy(() -> new TaskSpec("t", null, "color", 1, null)).hasMessageContaining("go together");
    }
}
