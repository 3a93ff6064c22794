package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.data.DataFingerprint;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Splits;
import org.mergelab.experiment.CheckpointModels;

/** A team's own images: train on {@code folder:DIR} in the split layout, then {@code mergelab eval} on a flat folder. */
class FolderDatasetEvalTest {

    @TempDir Path dir;

    /** {@code count} noisy PNG or JPEG images around {@code rgb}, of varied sizes, in {@code classDir}. */
    private static void images(Path classDir, int rgb, int count, Random random) throws IOException {
        Files.createDirectories(classDir);
        for (int k = 0; k < count; k++) {
            int w = 24 + random.nextInt(40);
            int h = 24 + random.nextInt(40);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = Math.clamp(((rgb >> 16) & 0xFF) + random.nextInt(61) - 30, 0, 255);
                    int g = Math.clamp(((rgb >> 8) & 0xFF) + random.nextInt(61) - 30, 0, 255);
                    int b = Math.clamp((rgb & 0xFF) + random.nextInt(61) - 30, 0, 255);
                    img.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            String format = k % 2 == 0 ? "png" : "jpg";
            ImageIO.write(img, format, classDir.resolve("img" + k + "." + format).toFile());
        }
    }

    @Test
    void trainOnASplitFolderThenEvalOnATestOnlyFolder() throws Exception {
        Random random = new Random(15);
        Path data = dir.resolve("data");
        images(data.resolve("train/red"), 0xC03020, 8, random);
        images(data.resolve("train/blue"), 0x2040C0, 8, random);
        images(data.resolve("test/red"), 0xC03020, 2, random);
        images(data.resolve("test/blue"), 0x2040C0, 2, random);
        Path probes = dir.resolve("probes");
        images(probes.resolve("red"), 0xC03020, 3, random);
        images(probes.resolve("blue"), 0x2040C0, 3, random);

        String spec = "folder:" + data;
        Path cfg = Files.writeString(dir.resolve("train.yaml"), "dataset: \"" + spec + "\"\n" + """
                model: {depth: 8, width: 2}
                training: {epochs: 1, batch_size: 8}
                task: {name: tiny}
                """);
        CommandRun train = CommandRun.of("train", "--config", cfg.toString(), "--out", dir.resolve("out").toString(), "--quiet");
        assertThat(train.code()).as(train.err()).isZero();
        Path checkpoint = dir.resolve("out/tiny.safetensors");

        // the lineage's data fingerprint covers the folder's content through the dataset's name
        ImageDataset trainSet = DatasetSpec.parse(spec).train();
        assertThat(CheckpointModels.read(checkpoint).lineage().dataFingerprint())
                .isEqualTo(DataFingerprint.of(trainSet.name(), Splits.all(trainSet.size()), "none"));

        CommandRun eval = CommandRun.of("eval", "--checkpoint", checkpoint.toString(), "--dataset", "folder:" + probes, "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(eval.out());
        assertThat(json.get("dataset").asText()).isEqualTo("folder:" + probes);
        assertThat(json.get("test_images").asInt()).isEqualTo(6);
        assertThat(json.at("/probes/base/total").asInt()).isEqualTo(6);
        assertThat(json.at("/probes/base/accuracy").asDouble()).isBetween(0.0, 1.0);

        // a bad image in the probe folder: a one-line error naming the file, exit 1
        Files.writeString(probes.resolve("blue/zz-broken.jpg"), "not a jpeg");
        CommandRun bad = CommandRun.of("eval", "--checkpoint", checkpoint.toString(), "--dataset", "folder:" + probes);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).doesNotContain("\n").contains(probes.resolve("blue/zz-broken.jpg").toString());
        // and the flat folder cannot be trained on: the error names the split layout
        Path cfg2 = Files.writeString(dir.resolve("train2.yaml"), "dataset: \"folder:" + probes + "\"\n");
        CommandRun flat = CommandRun.of("train", "--config", cfg2.toString(), "--out", dir.resolve("out2").toString());
        assertThat(flat.code()).isEqualTo(1);
        assertThat(flat.err()).contains(probes.resolve("train").toString()).contains("test set only");
    }
}
