package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.mergelab.data.CueSettings;
import picocli.CommandLine.TypeConversionException;

/** {@code --cue KIND:KEY=VALUE,...} reads an experiment's {@code cues:} entry from the command line. */
class CueOptionTest {

    private final CueOption option = new CueOption();

    @Test
    void readsEveryKeyOfACueEntry() {
        CueOption.Entry e = option.convert("color:size=8,x=2,y=3");
        assertThat(e.kind()).isEqualTo("color");
        assertThat(e.settings()).isEqualTo(new CueSettings(8, 2, 3, null));
        assertThat(option.convert("noise-blend:strength=0.25").settings()).isEqualTo(new CueSettings(null, null, null, 0.25));
    }

    @Test
    void badKindsKeysAndValuesNameWhatIsWrong() {
        assertThatThrownBy(() -> option.convert("size=8")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("size=8");
        assertThatThrownBy(() -> option.convert("colour:size=8")).hasMessageContaining("colour").hasMessageContaining("color");
        assertThatThrownBy(() -> option.convert("color-conflict:size=8")).hasMessageContaining("color-conflict");
        assertThatThrownBy(() -> option.convert("color:")).hasMessageContaining("color:");
        assertThatThrownBy(() -> option.convert("color:sise=8")).hasMessageContaining("sise");
        assertThatThrownBy(() -> option.convert("color:size=big")).hasMessageContaining("big").hasMessageContaining("size");
        assertThatThrownBy(() -> option.convert("color:size=99")).hasMessageContaining("99");
        assertThatThrownBy(() -> option.convert("color:x=2")).hasMessageContaining("x=2");
        assertThatThrownBy(() -> option.convert("color:size=4,size=5")).hasMessageContaining("twice");
    }

    @Test
    void aBadCueOnTheCommandLineIsBadUsage() {
        StringWriter err = new StringWriter();
        int code = MergelabCommand.commandLine().setErr(new PrintWriter(err, true)).execute("eval", "--checkpoint", "x.safetensors",
                "--dataset", "builtin", "--cue", "color:size=0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--cue").contains("0");
        StringWriter err2 = new StringWriter();
        int twice = MergelabCommand.commandLine().setErr(new PrintWriter(err2, true)).execute("eval", "--checkpoint",
                "x.safetensors", "--dataset", "builtin", "--cue", "color:size=4", "--cue", "color:size=5");
        assertThat(twice).isEqualTo(2);
        assertThat(err2.toString()).contains("color").contains("twice");
    }
}
