package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the gallery pictures. With {@code -Dmergelab.writeDocs=true} they go to {@code docs/} of the
 * working tree (commit them); otherwise to a temporary directory.
 */
class CueGalleryTest {

    private static Path target(Path tmp) {
        return Boolean.getBoolean("mergelab.writeDocs") ? Path.of("docs") : tmp;
    }

    @Test
    void cuesPicture(@TempDir Path tmp) throws IOException {
        ImageDataset ds = BuiltinDataset.generate(24 * 2, 2024);
        List<Cue> cues = List.of(Cues.byName("color", 24, 1), Cues.byName("noise", 24, 1),
                Cues.byName("color-conflict", 24, 1), Cues.byName("noise-conflict", 24, 1));
        Path png = target(tmp).resolve("cues.png");
        CueGallery.write(ds, cues, 10, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getHeight()).isGreaterThan(10 * 128);
        assertThat(img.getWidth()).isGreaterThan(5 * 128);
        // the colour column of row 0 shows the class-0 palette colour in its top-left 16 x 16 screen pixels
        int left = img.getWidth() - 5 * (128 + 6) - 6;
        int top = img.getHeight() - 10 * (128 + 6) - 6;
        int cellX = left + (128 + 6);
        assertThat(img.getRGB(cellX + 5, top + 5) & 0xFFFFFF).isEqualTo(Palette.color(0));
        assertThat(img.getRGB(cellX + 2 * (128 + 6) + 5, top + 5) & 0xFFFFFF)
                .isEqualTo(Palette.color(Cues.derangement(24, 1).map(0)));
        try (var files = Files.list(png.getParent())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void moreCuesPicture(@TempDir Path tmp) throws IOException {
        ImageDataset ds = BuiltinDataset.generate(24 * 2, 2024);
        List<Cue> cues = List.of(Cues.byName("stripes", 24, 1), Cues.byName("stripes-conflict", 24, 1),
                Cues.byName("frame", 24, 1), Cues.byName("frame-conflict", 24, 1), Cues.byName("noise-blend", 24, 1));
        Path png = target(tmp).resolve("cues-more.png");
        CueGallery.write(ds, cues, 6, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isGreaterThan(6 * 128);
        assertThat(img.getHeight()).isGreaterThan(6 * 128);
        // the frame column of row 0: its top-left screen pixels show frame pixel (0, 0) of class 0, in black or white
        int left = img.getWidth() - 6 * (128 + 6) - 6;
        int top = img.getHeight() - 6 * (128 + 6) - 6;
        byte[] drawn = new byte[ImageDataset.IMAGE_BYTES];
        cues.get(2).apply(drawn, 0, 0);
        int corner = drawn[0] & 0xFF;
        assertThat(img.getRGB(left + 3 * (128 + 6) + 1, top + 1) & 0xFFFFFF).isEqualTo(corner << 16 | corner << 8 | corner);
    }

    @Test
    void classSheet(@TempDir Path tmp) throws IOException {
        ImageDataset ds = BuiltinDataset.generate(24 * 6, 2024);
        Path png = target(tmp).resolve("builtin-classes.png");
        CueGallery.writeClassSheet(ds, 6, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getHeight()).isGreaterThan(24 * 128);
        assertThat(img.getWidth()).isGreaterThan(6 * 128);
    }
}
