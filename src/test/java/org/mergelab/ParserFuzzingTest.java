package org.mergelab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzzing oracle fails exactly the inputs it should. */
class ParserFuzzingTest {
    private static final List<Class<? extends Exception>> DOCUMENTED = List.of(IOException.class);

    @Test
    void returningOrADocumentedExceptionNamingTheInputPasses() {
        assertThatCode(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {})).doesNotThrowAnyException();
        assertThatCode(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            throw new EOFException("in.bin: truncated, expected 8 bytes");
        })).doesNotThrowAnyException();
    }

    @Test
    void undocumentedBlankOrAnonymousExceptionsFail() {
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            throw new IllegalStateException("in.bin: broken");
        })).isInstanceOf(AssertionError.class).hasMessageContaining("undocumented java.lang.IllegalStateException")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            throw new EOFException();
        })).isInstanceOf(AssertionError.class).hasMessageContaining("without a message");
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            throw new IOException("Input length = 1");
        })).isInstanceOf(AssertionError.class).hasMessageContaining("does not name in.bin");
    }

    @Test
    void errorsAreFindingsAsTheyAre() {
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            throw new StackOverflowError();
        })).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void tooMuchMemoryFails() {
        long[][] kept = new long[1][];
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {
            kept[0] = new long[(int) (ParserFuzzing.MAX_ALLOCATED_BYTES / 8) + 1];
        })).isInstanceOf(AssertionError.class).hasMessageContaining("allocated")
                .hasMessageContaining("limit " + ParserFuzzing.MAX_ALLOCATED_BYTES);
        assertThat(kept[0]).isNotNull();
    }

    @Test
    void tooMuchTimeFailsAndTheNextInputRunsAgain() {
        assertThatThrownBy(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> Thread.sleep(60_000), 1))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ran over 1 s");
        assertThatCode(() -> ParserFuzzing.check("in.bin", DOCUMENTED, () -> {}, 1)).doesNotThrowAnyException();
    }
}
