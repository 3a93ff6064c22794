package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSpecTest {

    @Test
    void builtinWithOptions() throws IOException {
        DatasetSpec spec = DatasetSpec.parse("builtin:size=48,test-size=24,seed=9,clutter=0");
        assertThat(spec.kind()).isEqualTo("builtin");
        ImageDataset train = spec.train();
        ImageDataset test = spec.test();
        assertThat(train.size()).isEqualTo(48);
        assertThat(test.size()).isEqualTo(24);
        assertThat(train.name()).isEqualTo("builtin/train");
        assertThat(test.name()).isEqualTo("builtin/test");
        // different derived seeds: the first images differ, and re-loading gives the same bytes
        assertThat(Arrays.equals(train.pixels(), 0, 3072, test.pixels(), 0, 3072)).isFalse();
        assertThat(spec.train().pixels()).isEqualTo(train.pixels());
        assertThat(spec.describe()).startsWith("builtin(train=48,test=24,seed=9,builtin-v2(").contains("clutter=0");
    }

    @Test
    void defaultsAreDocumentedValues() {
        assertThat(DatasetSpec.parse("builtin").describe()).startsWith("builtin(train=20000,test=4000,seed=1,");
        assertThat(DatasetSpec.parse("fashion-mnist").describe())
                .isEqualTo("fashion-mnist(/usr/share/datasets/fashion-mnist)");
        assertThat(DatasetSpec.parse("cifar100:/data/c").describe()).isEqualTo("cifar100(/data/c)");
    }

    @Test
    void fileDatasetsUseTheirDirectory(@TempDir Path dir) throws IOException {
        FashionMnistTest.writeTiny(dir, "train");
        assertThat(DatasetSpec.parse("fashion-mnist:" + dir).train().size()).isEqualTo(3);
        assertThatThrownBy(() -> DatasetSpec.parse("cifar10:" + dir).train())
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("data_batch_1.bin");
    }

    @Test
    void errorsListWhatIsKnown() {
        assertThatThrownBy(() -> DatasetSpec.parse("mnist")).hasMessageContaining("'mnist'")
                .hasMessageContaining("builtin, fashion-mnist, cifar10, cifar100, folder");
        assertThatThrownBy(() -> DatasetSpec.parse("builtin:colour=3")).hasMessageContaining("'colour'")
                .hasMessageContaining("test-size");
        assertThatThrownBy(() -> DatasetSpec.parse("builtin:size=abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> DatasetSpec.parse("builtin:rotation=45")).hasMessageContaining("45");
        assertThatThrownBy(() -> DatasetSpec.parse("cifar10")).hasMessageContaining("needs a directory");
    }

    @Test
    void folderNeedsADirectory(@TempDir Path dir) {
        for (String empty : new String[] {"folder", "folder:", "folder:  "}) {
            assertThatThrownBy(() -> DatasetSpec.parse(empty)).as(empty).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("folder needs a directory").hasMessageContaining("folder:/data/my-images");
        }
        DatasetSpec spec = DatasetSpec.parse("folder:" + dir);
        assertThat(spec.kind()).isEqualTo("folder");
        assertThat(spec.describe()).isEqualTo("folder(" + dir + ")");
        assertThatThrownBy(spec::test).isInstanceOf(IOException.class).hasMessageContaining(dir.toString())
                .hasMessageContaining("no class directories");
    }
}
