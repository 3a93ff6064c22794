package org.mergelab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.SyntheticMethodStudy;

/** {@code merges.csv} written and read back. */
class MergesCsvTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsEveryRow() throws IOException {
        List<MergeRow> rows = SyntheticMethodStudy.rows();
        Path file = tmp.resolve("merges.csv");
        Files.writeString(file, MergesCsv.format(rows));
        List<MergeRow> back = MergesCsv.read(file);
        assertThat(back).containsExactlyInAnyOrderElementsOf(rows);
        assertThat(MergesCsv.format(back)).isEqualTo(Files.readString(file));
    }

    @Test
    void readsAHandWrittenLine() throws IOException {
        Path file = tmp.resolve("merges.csv");
        Files.writeString(file, MergesCsv.HEADER + "\n2,task-specific,parallel,recalibrate,ties,lambda=1,density=0.5,7,test,noise,"
                + "0.250000,15,60,0.512500,,1\n");
        assertThat(MergesCsv.read(file)).containsExactly(new MergeRow(2, "task-specific", org.mergelab.eval.Regime.PARALLEL,
                org.mergelab.eval.BatchNormPolicy.RECALIBRATE, "ties", "lambda=1", "density=0.5", 7, "test", "noise", 15, 60,
                0.5125, null));
    }

    @Test
    void badHeaderVersionOrValueNamesTheFileAndLine() throws IOException {
        Path file = tmp.resolve("merges.csv");
        Files.writeString(file, "seed,protocol\n");
        assertThatThrownBy(() -> MergesCsv.read(file)).isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("not a mergelab merges.csv");
        String line = "0,task-specific,incremental,interpolate,linear,,alpha=0.5,0,test,color,0.500000,30,60,,,";
        Files.writeString(file, MergesCsv.HEADER + "\n" + line + "2\n");
        assertThatThrownBy(() -> MergesCsv.read(file)).isInstanceOf(IOException.class).hasMessageContaining(file + ":2")
                .hasMessageContaining("format_version '2'");
        Files.writeString(file, MergesCsv.HEADER + "\n" + line.replace("incremental", "sideways") + "1\n");
        assertThatThrownBy(() -> MergesCsv.read(file)).isInstanceOf(IOException.class).hasMessageContaining(file + ":2")
                .hasMessageContaining("sideways");
        Files.writeString(file, MergesCsv.HEADER + "\n" + line.replace(",30,", ",thirty,") + "1\n");
        assertThatThrownBy(() -> MergesCsv.read(file)).isInstanceOf(IOException.class).hasMessageContaining(file + ":2")
                .hasMessageContaining("thirty");
        Files.writeString(file, MergesCsv.HEADER + "\n" + "0,task-specific\n");
        assertThatThrownBy(() -> MergesCsv.read(file)).isInstanceOf(IOException.class).hasMessageContaining(file + ":2")
                .hasMessageContaining("expected 16 columns, found 2");
    }
}
