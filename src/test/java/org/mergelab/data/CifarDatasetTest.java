package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDatasetTest {

    /** {@code n} records; record r has labels (coarse = r % 20, fine/only = label(r)) and pixel k = r + k. */
    private static void write(Path file, int n, int labelBytes, int base) throws IOException {
        byte[] data = new byte[n * (labelBytes + 3072)];
        for (int r = 0; r < n; r++) {
            int off = r * (labelBytes + 3072);
            if (labelBytes == 2) {
                data[off] = (byte) (r % 20);
            }
            data[off + labelBytes - 1] = (byte) ((base + r) % (labelBytes == 2 ? 100 : 10));
            for (int k = 0; k < 3072; k++) {
                data[off + labelBytes + k] = (byte) (base + r + k);
            }
        }
        Files.write(file, data);
    }

    @Test
    void cifar10FromTheSubdirectoryWithNames(@TempDir Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int k = 1; k <= 5; k++) {
            write(sub.resolve("data_batch_" + k + ".bin"), 2, 1, 10 * k);
        }
        write(sub.resolve("test_batch.bin"), 3, 1, 7);
        Files.writeString(sub.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        ImageDataset train = CifarDataset.load(dir, CifarDataset.Variant.CIFAR10, true);
        assertThat(train.size()).isEqualTo(10);
        assertThat(train.name()).isEqualTo("cifar10/train");
        assertThat(train.labels()).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
        // third record overall = first record of batch 2 (base 20): pixel k = 20 + k, CHW as stored
        assertThat(train.pixels()[2 * 3072] & 0xFF).isEqualTo(20);
        assertThat(train.pixels()[2 * 3072 + 1024 + 5] & 0xFF).isEqualTo((20 + 1029) & 0xFF);
        assertThat(train.classNames()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        ImageDataset test = CifarDataset.load(sub, CifarDataset.Variant.CIFAR10, false);
        assertThat(test.labels()).containsExactly(7, 8, 9);
    }

    @Test
    void cifar100UsesFineLabelsAndStandardNames(@TempDir Path dir) throws IOException {
        write(dir.resolve("train.bin"), 4, 2, 97);
        ImageDataset ds = CifarDataset.load(dir, CifarDataset.Variant.CIFAR100, true);
        assertThat(ds.numClasses()).isEqualTo(100);
        assertThat(ds.labels()).containsExactly(97, 98, 99, 0);
        assertThat(ds.pixels()[3072] & 0xFF).isEqualTo(98);
        assertThat(ds.classNames()).hasSize(100).doesNotHaveDuplicates();
        assertThat(ds.classNames().get(0)).isEqualTo("apple");
        assertThat(ds.classNames().get(99)).isEqualTo("worm");
        assertThat(CifarDataset.CIFAR10_NAMES).hasSize(10);
    }

    @Test
    void badSizesLabelsAndMissingFilesAreNamed(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("test.bin"), new byte[3074 * 2 + 5]);
        assertThatThrownBy(() -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR100, false))
                .hasMessageContaining("test.bin").hasMessageContaining("6153").hasMessageContaining("3074");
        byte[] bad = new byte[3074];
        bad[1] = (byte) 100;
        Files.write(dir.resolve("test.bin"), bad);
        assertThatThrownBy(() -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR100, false))
                .hasMessageContaining("record 0 has label 100");
        assertThatThrownBy(() -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR100, true))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("train.bin");
        assertThatThrownBy(() -> CifarDataset.load(dir.resolve("missing"), CifarDataset.Variant.CIFAR10, true))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
        write(dir.resolve("test_batch.bin"), 1, 1, 0);
        Files.writeString(dir.resolve("batches.meta.txt"), "a\nb\n");
        assertThatThrownBy(() -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR10, false))
                .hasMessageContaining("batches.meta.txt").hasMessageContaining("2 class names");
    }

    @Test
    void classNamesThatAreNotUtf8AreNamed(@TempDir Path dir) throws IOException {
        // Found by CifarDatasetFuzzTest (corpus cifar/found-names-not-utf8.bin): a MalformedInputException said
        // only "Input length = 1".
        write(dir.resolve("test_batch.bin"), 1, 1, 0);
        Path names = Files.write(dir.resolve("batches.meta.txt"), new byte[] {'c', 'a', 't', (byte) 0x99, '\n'});
        assertThatThrownBy(() -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR10, false))
                .hasMessageContaining(names.toString()).hasMessageContaining("class names are not UTF-8 text");
    }
}
