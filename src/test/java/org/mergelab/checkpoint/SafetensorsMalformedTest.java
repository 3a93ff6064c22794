package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mergelab.checkpoint.SafetensorsFiles.entry;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.ParserFuzzing;

class SafetensorsMalformedTest {
    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> rejects(Path file) {
        return assertThatThrownBy(() -> SafetensorsReader.open(file).close())
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString());
    }

    private Path file(String json, int dataBytes) throws IOException {
        return SafetensorsFiles.write(dir.resolve("bad.safetensors"), json, dataBytes);
    }

    @Test
    void wellFormedHandMadeFileIsAccepted() throws IOException {
        Path f = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "I8", "[4]", 8, 12) + "}", 12);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.tensors()).extracting(TensorInfo::name).containsExactly("a", "b");
        }
    }

    @Test
    void truncatedDataNamesExpectedAndActualSize() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, new NamedTensors().put("w",
                Tensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4})), java.util.Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length - 3));
        rejects(cut).hasMessageContaining("truncated")
                .hasMessageContaining("should have " + bytes.length + " bytes")
                .hasMessageContaining("it has " + (bytes.length - 3));
    }

    @Test
    void truncatedHeaderAndTinyFile() throws IOException {
        Path f = SafetensorsFiles.writeWithLength(dir.resolve("h.safetensors"), 64, "{}".getBytes(), 0);
        rejects(f).hasMessageContaining("truncated").hasMessageContaining("header length 64")
                .hasMessageContaining("72").hasMessageContaining("file has 10 bytes");
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        rejects(tiny).hasMessageContaining("truncated").hasMessageContaining("3 bytes");
    }

    @Test
    void hugeHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        // 2^62 could never be allocated: reaching the check without an OutOfMemoryError shows nothing was
        Path f = SafetensorsFiles.writeWithLength(dir.resolve("huge.safetensors"), 1L << 62, "{}".getBytes(), 0);
        rejects(f).hasMessageContaining(Long.toString(1L << 62)).hasMessageContaining("exceeds the limit");
        Path negative = SafetensorsFiles.writeWithLength(dir.resolve("neg.safetensors"), -1L, "{}".getBytes(), 0);
        rejects(negative).hasMessageContaining("18446744073709551615");
        // under the 100 MB limit but larger than the file: rejected on the file size, also before allocating
        Path big = SafetensorsFiles.writeWithLength(dir.resolve("big.safetensors"), 99_000_000L, "{}".getBytes(), 0);
        rejects(big).hasMessageContaining("header length 99000000").hasMessageContaining("file has 10 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path f = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12);
        rejects(f).hasMessageContaining("tensor 'b'").hasMessageContaining("overlap")
                .hasMessageContaining("begins at 4").hasMessageContaining("'a' ends at 8");
    }

    @Test
    void gapBetweenTensorsAndBufferNotStartingAtZero() throws IOException {
        Path gap = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 12, 20) + "}", 20);
        rejects(gap).hasMessageContaining("tensor 'b'").hasMessageContaining("gap").hasMessageContaining("12");
        Path late = file("{" + entry("a", "F32", "[2]", 4, 12) + "}", 12);
        rejects(late).hasMessageContaining("tensor 'a'").hasMessageContaining("begins at 4");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        Path f = file("{" + entry("a", "F32", "[2]", 0, 8) + "}", 11);
        rejects(f).hasMessageContaining("3 trailing bytes");
    }

    @Test
    void shapeAndByteLengthMismatch() throws IOException {
        Path f = file("{" + entry("w", "F32", "[3]", 0, 8) + "}", 8);
        rejects(f).hasMessageContaining("tensor 'w'").hasMessageContaining("[3]")
                .hasMessageContaining("needs 12 bytes").hasMessageContaining("span 8");
    }

    @Test
    void negativeOrFractionalDimensions() throws IOException {
        rejects(file("{" + entry("w", "F32", "[-1]", 0, 0) + "}", 0))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("-1");
        rejects(file("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", 4)).hasMessageContaining("1.5");
    }

    @Test
    void nonStringMetadata() throws IOException {
        Path f = file("{\"__metadata__\":{\"ok\":\"yes\",\"n\":1}," + entry("a", "F32", "[1]", 0, 4) + "}", 4);
        rejects(f).hasMessageContaining("__metadata__").hasMessageContaining("'n'").hasMessageContaining("1");
        rejects(file("{\"__metadata__\":[1]}", 0)).hasMessageContaining("__metadata__");
    }

    @Test
    void duplicateNames() throws IOException {
        Path f = file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8);
        rejects(f).hasMessageContaining("Duplicate").hasMessageContaining("'a'");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = file("{" + entry("a", "F4", "[1]", 0, 4) + "}", 4);
        rejects(f).hasMessageContaining("tensor 'a'").hasMessageContaining("'F4'");
    }

    @Test
    void notAJsonObjectOrMissingFields() throws IOException {
        rejects(file("[1, 2]", 0)).hasMessageContaining("must start with '{'");
        rejects(file("{\"a\":", 0)).hasMessageContaining("not valid JSON");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)).hasMessageContaining("tensor 'a'")
                .hasMessageContaining("data_offsets");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4))
                .hasMessageContaining("unknown key 'x'");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4))
                .hasMessageContaining("end before they begin");
        rejects(file("{} {}", 0)).hasMessageContaining("not valid JSON");
    }

    @Test
    void spacePaddedHeaderIsAccepted() throws IOException {
        Path f = file("{" + entry("a", "U8", "[1]", 0, 1) + "}     ", 1);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.read("a").toFloats()).containsExactly(0f);
        }
    }

    @Test
    void missingTensorIsNamedWithTheFile() throws IOException {
        Path f = file("{" + entry("a", "U8", "[1]", 0, 1) + "}", 1);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThatThrownBy(() -> r.read("b")).hasMessageContaining("'b'").hasMessageContaining(f.toString());
        }
    }

    @Test
    void headerMustBeUtf8() throws IOException {
        // Found by SafetensorsFuzzTest: a header starting "{\0\0\0" was decoded as UTF-32, and the
        // CharConversionException named no file; a header that was all UTF-32 was even accepted.
        Path found = Files.copy(ParserFuzzing.corpusFile("safetensors", "found-utf32-header.safetensors"),
                dir.resolve("found.safetensors"));
        rejects(found).hasMessageContaining("header is not UTF-8: byte 12 starts an invalid sequence");
        byte[] utf32 = "{}".getBytes(Charset.forName("UTF-32LE"));
        rejects(SafetensorsFiles.writeWithLength(dir.resolve("utf32.safetensors"), utf32.length, utf32, 0))
                .hasMessageContaining("header is not valid JSON");
    }
}
