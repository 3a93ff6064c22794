package org.mergelab.data;

import org.mergelab.RequiresInstalled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.ParserFuzzing;

class FashionMnistTest {

    static void writeIdx(Path file, int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes.toByteArray());
        }
    }

    /** Three 28 x 28 images: image i has pixel (y, x) = i*50 + y + x; labels 9, 0, 4. */
    static void writeTiny(Path dir, String prefix) throws IOException {
        byte[] images = new byte[3 * 784];
        for (int i = 0; i < 3; i++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    images[i * 784 + y * 28 + x] = (byte) (i * 50 + y + x);
                }
            }
        }
        writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803, new int[] {3, 28, 28}, images);
        writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801, new int[] {3}, new byte[] {9, 0, 4});
    }

    @Test
    void parsesPadsAndReplicates(@TempDir Path dir) throws IOException {
        writeTiny(dir, "t10k");
        ImageDataset ds = FashionMnist.load(dir, false);
        assertThat(ds.name()).isEqualTo("fashion-mnist/test");
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.labels()).containsExactly(9, 0, 4);
        assertThat(ds.classNames().get(9)).isEqualTo("Ankle boot");
        byte[] px = ds.pixels();
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        boolean border = y < 2 || y >= 30 || x < 2 || x >= 30;
                        int expected = border ? 0 : (i * 50 + (y - 2) + (x - 2)) & 0xFF;
                        assertThat(px[i * 3072 + c * 1024 + y * 32 + x] & 0xFF).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void rejectsBadFilesNamingThem(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> FashionMnist.load(dir.resolve("nope"), true))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> FashionMnist.load(dir, true))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("train-images-idx3-ubyte.gz");

        writeTiny(dir, "train");
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x801, new int[] {3, 28, 28}, new byte[3 * 784]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true))
                .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("magic number 0x801");

        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {3, 27, 28}, new byte[3 * 756]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining("3 x 27 x 28");

        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {3, 28, 28}, new byte[2 * 784]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining("truncated");

        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {2, 28, 28}, new byte[2 * 784]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining("2 images but");

        writeTiny(dir, "train");
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[] {3}, new byte[] {1, 10, 2});
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining("label 10 of item 1");
    }

    @Test
    void realFilesWhenInstalled() throws IOException {
        Path dir = FashionMnist.DEFAULT_DIR;
        RequiresInstalled.paths("dataset-fashion-mnist", dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("t10k-images-idx3-ubyte.gz"));
        long t0 = System.nanoTime();
        ImageDataset train = FashionMnist.load(true);
        ImageDataset test = FashionMnist.load(false);
        System.out.printf("fashion-mnist: loaded 70000 images in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.classCounts()).containsOnly(6000);
        assertThat(test.classCounts()).containsOnly(1000);
        // padding is zero, content is not
        long border = 0;
        long inner = 0;
        for (int i = 0; i < 100; i++) {
            int off = train.imageOffset(i);
            border += train.pixels()[off] & 0xFF;
            border += train.pixels()[off + 2 * 1024 + 31 * 32 + 31] & 0xFF;
            inner += train.pixels()[off + 16 * 32 + 16] & 0xFF;
        }
        assertThat(border).isZero();
        assertThat(inner).isPositive();
    }

    // Found by FashionMnistFuzzTest (corpus idx/bad-*): the next three tests failed before the fixes.

    @Test
    void aShortHeaderIsNamed(@TempDir Path dir) throws IOException {
        // was an EOFException without a message
        writeTiny(dir, "train");
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        writeIdx(images, 0x803, new int[] {}, new byte[2]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining(images.toString())
                .hasMessageContaining("truncated header, expected 16 bytes");
    }

    @Test
    void aCorruptGzipStreamIsNamed(@TempDir Path dir) throws IOException {
        // was an EOFException or ZipException naming no file
        writeTiny(dir, "train");
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining(images.toString())
                .hasMessageContaining("cannot read: Unexpected end of ZLIB input stream");
    }

    @Test
    void countsInTheHeaderAreNotTrustedWithMemory(@TempDir Path dir) throws IOException {
        // were allocated before a byte of data was read (or overflowed an int)
        writeTiny(dir, "train");
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        writeIdx(images, 0x803, new int[] {600_000, 28, 28}, new byte[784]);
        ParserFuzzing.check(images.toString(), List.of(IOException.class), () -> FashionMnist.load(dir, true));
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining(images.toString())
                .hasMessageContaining("expected 470400000 data bytes after the header, found 784");
        writeIdx(images, 0x803, new int[] {3_000_000, 28, 28}, new byte[784]);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining(images.toString())
                .hasMessageContaining("3000000 images do not fit in one array");

        writeTiny(dir, "train");
        writeIdx(labels, 0x801, new int[] {Integer.MAX_VALUE}, new byte[] {1, 2, 3});
        ParserFuzzing.check(labels.toString(), List.of(IOException.class), () -> FashionMnist.load(dir, true));
    }
}
