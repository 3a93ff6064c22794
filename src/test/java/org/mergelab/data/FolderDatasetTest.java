package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code folder:DIR}: users' PNG and JPEG images, one directory per class, as 3 x 32 x 32 datasets. */
class FolderDatasetTest {

    @TempDir Path dir;

    /** A {@code w} x {@code h} RGB image of one colour. */
    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** Writes {@code img} as {@code format} ("png" or "jpg") to {@code file}, creating its directory. */
    static Path write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }

    /** The value of channel {@code c} at (x, y) of image {@code i}. */
    static int px(ImageDataset ds, int i, int c, int x, int y) {
        return ds.pixels()[ds.imageOffset(i) + c * ImageDataset.PLANE + y * ImageDataset.WIDTH + x] & 0xFF;
    }

    /** Asserts every pixel of image {@code i} is {@code rgb}. */
    static void assertSolid(ImageDataset ds, int i, int rgb) {
        int[] want = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < ImageDataset.PLANE; p++) {
                assertThat(ds.pixels()[ds.imageOffset(i) + c * ImageDataset.PLANE + p] & 0xFF)
                        .as("image %d channel %d pixel %d", i, c, p).isEqualTo(want[c]);
            }
        }
    }

    @Test
    void classesAndFilesComeInSortedNameOrder() throws IOException {
        // code point order: upper case before lower case, "10" before "2"
        write(solid(8, 8, 0x010101), "png", dir.resolve("b-dog/2.png"));
        write(solid(8, 8, 0x020202), "png", dir.resolve("b-dog/10.png"));
        write(solid(8, 8, 0x030303), "png", dir.resolve("b-dog/1.png"));
        write(solid(8, 8, 0x040404), "png", dir.resolve("a-cat/x.PNG"));
        write(solid(8, 8, 0x050505), "png", dir.resolve("Zebra/z.png"));
        ImageDataset ds = FolderDataset.load(dir, false);
        assertThat(ds.classNames()).containsExactly("Zebra", "a-cat", "b-dog");
        assertThat(ds.labels()).containsExactly(0, 1, 2, 2, 2);
        int[] order = {5, 4, 3, 2, 1}; // Zebra/z, a-cat/x, b-dog/1, b-dog/10, b-dog/2
        for (int i = 0; i < order.length; i++) {
            assertSolid(ds, i, order[i] * 0x010101);
        }
        assertThat(ds.name()).matches("folder\\(sha256=[0-9a-f]{64}\\)/test");
        assertThat(DatasetSpec.parse("folder:" + dir).test().pixels()).isEqualTo(ds.pixels());
    }

    @Test
    void aSolidColourStaysThatColourAtAnySize() throws IOException {
        write(solid(50, 37, 0x3C80F1), "png", dir.resolve("c/wide.png"));
        write(solid(7, 300, 0x3C80F1), "png", dir.resolve("c/tall.png"));
        write(solid(32, 32, 0x3C80F1), "png", dir.resolve("c/same.png"));
        ImageDataset ds = FolderDataset.load(dir, false);
        for (int i = 0; i < 3; i++) {
            assertSolid(ds, i, 0x3C80F1);
        }
    }

    @Test
    void twoByTwoBlocksAverageToTheirMean() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 7 + y * 13) % 256 << 16 | (x * y) % 256 << 8 | ((x + 3 * y) * 5) % 256);
            }
        }
        ImageDataset ds = FolderDataset.load(write(img, "png", dir.resolve("only/blocks.png")).getParent().getParent(),
                false);
        for (int oy = 0; oy < 32; oy++) {
            for (int ox = 0; ox < 32; ox++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            sum += (img.getRGB(2 * ox + dx, 2 * oy + dy) >> (16 - 8 * c)) & 0xFF;
                        }
                    }
                    assertThat(px(ds, 0, c, ox, oy)).as("(%d, %d) channel %d", ox, oy, c).isEqualTo((sum + 2) / 4);
                }
            }
        }
    }

    @Test
    void aFractionalFactorWeighsPixelsByTheirOverlap() {
        // 48 columns to 32: output column 2k covers source 3k and half of 3k+1; 2k+1 covers half of 3k+1 and 3k+2
        int[] column = {0, 90, 255};
        byte[] out = FolderDataset.areaAverage(48, 32, (y, rgb) -> {
            for (int x = 0; x < 48; x++) {
                rgb[x] = column[x % 3] * 0x010101;
            }
        });
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertThat(out[c * 1024 + y * 32 + x] & 0xFF).isEqualTo(x % 2 == 0 ? 30 : 200); // 90/3, 600/3
                }
            }
        }
        // 3 columns to 32: output column 10 covers 2/3 of source column 0 and 1/3 of column 1; 15 lies in column 1
        byte[] three = FolderDataset.areaAverage(3, 1, (y, rgb) -> {
            rgb[0] = 0;
            rgb[1] = 90 * 0x010101;
            rgb[2] = 0;
        });
        assertThat(three[10] & 0xFF).isEqualTo(30);
        assertThat(three[15] & 0xFF).isEqualTo(90);
        assertThat(three[31 * 32 + 15] & 0xFF).as("one row enlarged to 32").isEqualTo(90);
        // rounding is half up, once, at the end
        byte[] even = FolderDataset.areaAverage(64, 1, (y, rgb) -> {
            for (int x = 0; x < 64; x++) {
                rgb[x] = x % 2 == 0 ? 0 : 0x010101;
            }
        });
        assertThat(even[0] & 0xFF).as("(0 + 1) / 2 = 0.5 rounds up").isEqualTo(1);
    }

    @Test
    void aSmallImageIsEnlargedByReplication() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | 77);
            }
        }
        write(img, "png", dir.resolve("k/small.png"));
        ImageDataset ds = FolderDataset.load(dir, false);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertThat(px(ds, 0, 0, x, y)).isEqualTo(x / 2 * 16);
                assertThat(px(ds, 0, 1, x, y)).isEqualTo(y / 2 * 16);
                assertThat(px(ds, 0, 2, x, y)).isEqualTo(77);
            }
        }
    }

    @Test
    void grayscaleKeepsItsValueInThreeEqualChannels() throws IOException {
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                r.setSample(x, y, 0, (x * 8 + y) % 256);
            }
        }
        write(gray, "png", dir.resolve("g/a-8bit.png"));
        BufferedImage gray16 = new BufferedImage(32, 32, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                gray16.getRaster().setSample(x, y, 0, x < 16 ? 0x8080 : 257 * 100);
            }
        }
        write(gray16, "png", dir.resolve("g/b-16bit.png"));
        write(gray, "jpg", dir.resolve("g/c-gray.jpg"));
        ImageDataset ds = FolderDataset.load(dir, false);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                for (int c = 0; c < 3; c++) {
                    // the sample itself, not brightened by a linear-gray to sRGB conversion
                    assertThat(px(ds, 0, c, x, y)).isEqualTo((x * 8 + y) % 256);
                    assertThat(px(ds, 1, c, x, y)).isEqualTo(x < 16 ? 128 : 100);
                    assertThat(px(ds, 2, c, x, y)).isEqualTo(px(ds, 2, 0, x, y));
                }
            }
        }
    }

    @Test
    void paletteAndAlphaImagesGiveTheirColours() throws IOException {
        byte[] reds = {(byte) 200, 10, 0};
        byte[] greens = {30, (byte) 220, 0};
        byte[] blues = {40, 50, (byte) 255};
        IndexColorModel palette = new IndexColorModel(2, 3, reds, greens, blues);
        BufferedImage indexed = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                indexed.getRaster().setSample(x, y, 0, x < 16 ? 0 : y < 16 ? 1 : 2);
            }
        }
        write(indexed, "png", dir.resolve("p/palette.png"));
        BufferedImage rgba = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                rgba.setRGB(x, y, (x < 16 ? 0x40 : 0xFF) << 24 | 0x11AA33);
            }
        }
        write(rgba, "png", dir.resolve("p/rgba.png"));
        ImageDataset ds = FolderDataset.load(dir, false);
        assertThat(new int[] {px(ds, 0, 0, 3, 3), px(ds, 0, 1, 3, 3), px(ds, 0, 2, 3, 3)}).containsExactly(200, 30, 40);
        assertThat(new int[] {px(ds, 0, 0, 20, 3), px(ds, 0, 1, 20, 3), px(ds, 0, 2, 20, 3)}).containsExactly(10, 220, 50);
        assertThat(new int[] {px(ds, 0, 0, 20, 20), px(ds, 0, 1, 20, 20), px(ds, 0, 2, 20, 20)}).containsExactly(0, 0, 255);
        assertSolid(ds, 1, 0x11AA33); // alpha dropped, the colour under it kept
    }

    @Test
    void jpegIsDecodedToItsColours() throws IOException {
        write(solid(40, 40, 0x2080E0), "jpg", dir.resolve("j/a.jpg"));
        write(solid(40, 40, 0x2080E0), "jpg", dir.resolve("j/b.JPEG"));
        ImageDataset ds = FolderDataset.load(dir, false);
        assertThat(ds.size()).isEqualTo(2);
        int[] want = {0x20, 0x80, 0xE0};
        for (int c = 0; c < 3; c++) {
            assertThat(px(ds, 0, c, 16, 16)).as("channel %d (lossy)", c).isBetween(want[c] - 3, want[c] + 3);
        }
    }

    /** Three classes of two images each, in the split layout or flat. */
    private Path smallTree(Path root) throws IOException {
        String[] classes = {"circle", "square", "triangle"};
        for (int c = 0; c < classes.length; c++) {
            for (int k = 0; k < 2; k++) {
                write(solid(20 + k, 20, 0x102030 * (c + 1) + k), k == 0 ? "png" : "jpg",
                        root.resolve(classes[c] + "/img" + k + (k == 0 ? ".png" : ".jpg")));
            }
        }
        return root;
    }

    @Test
    void theSameFolderGivesTheSameDatasetAndFingerprintAndAChangeGivesAnother() throws IOException {
        Path a = smallTree(dir.resolve("a"));
        ImageDataset first = FolderDataset.load(a, false);
        ImageDataset again = FolderDataset.load(a, false);
        assertThat(again.pixels()).isEqualTo(first.pixels());
        assertThat(again.labels()).isEqualTo(first.labels());
        assertThat(again.name()).isEqualTo(first.name());
        int[] ids = Splits.all(first.size());
        String fingerprint = DataFingerprint.of(first.name(), ids, "none");
        assertThat(DataFingerprint.of(again.name(), ids, "none")).isEqualTo(fingerprint);
        // a copy elsewhere is the same data
        Path copy = dir.resolve("copy");
        try (Stream<Path> files = Files.walk(a)) {
            for (Path p : files.sorted().toList()) {
                Path target = copy.resolve(a.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        assertThat(FolderDataset.load(copy, false).name()).isEqualTo(first.name());
        // changed bytes, a renamed file, a renamed class: each a different fingerprint
        write(solid(20, 20, 0x102031), "png", copy.resolve("circle/img0.png"));
        String changed = FolderDataset.load(copy, false).name();
        assertThat(changed).isNotEqualTo(first.name());
        Files.move(copy.resolve("circle/img0.png"), copy.resolve("circle/img00.png"));
        String renamed = FolderDataset.load(copy, false).name();
        assertThat(renamed).isNotIn(first.name(), changed);
        Files.move(copy.resolve("circle"), copy.resolve("disc"));
        assertThat(FolderDataset.load(copy, false).name()).isNotIn(first.name(), changed, renamed);
    }

    @Test
    void theSplitLayoutGivesTrainAndTest() throws IOException {
        smallTree(dir.resolve("train"));
        write(solid(20, 20, 0x0000FF), "png", dir.resolve("train/square/extra.png"));
        smallTree(dir.resolve("test"));
        DatasetSpec spec = DatasetSpec.parse("folder:" + dir);
        ImageDataset train = spec.train();
        ImageDataset test = spec.test();
        assertThat(train.size()).isEqualTo(7);
        assertThat(test.size()).isEqualTo(6);
        assertThat(train.classNames()).isEqualTo(test.classNames()).containsExactly("circle", "square", "triangle");
        assertThat(train.name()).endsWith("/train");
        assertThat(test.name()).endsWith("/test");
        assertThat(spec.describe()).isEqualTo("folder(" + dir + ")");
        // a test/ alone is a test set
        Path testOnly = dir.resolve("only");
        smallTree(testOnly.resolve("test"));
        assertThat(FolderDataset.load(testOnly, false).size()).isEqualTo(6);
        assertThatThrownBy(() -> FolderDataset.load(testOnly, true)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(testOnly.resolve("train").toString()).hasMessageContaining("no training set");
    }

    @Test
    void aFlatFolderIsATestSetOnly() throws IOException {
        smallTree(dir);
        assertThat(FolderDataset.load(dir, false).size()).isEqualTo(6);
        assertThatThrownBy(() -> DatasetSpec.parse("folder:" + dir).train()).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(dir.resolve("train").toString())
                .hasMessageContaining("test set only")
                .hasMessageContaining(dir.resolve("test").resolve("<class>").toString());
    }

    @Test
    void splitErrorsNameTheDirectories() throws IOException {
        Path noTest = dir.resolve("no-test");
        smallTree(noTest.resolve("train"));
        assertThatThrownBy(() -> FolderDataset.load(noTest, true)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(noTest.resolve("test").toString());

        Path differ = dir.resolve("differ");
        smallTree(differ.resolve("train"));
        smallTree(differ.resolve("test"));
        Files.move(differ.resolve("test/square"), differ.resolve("test/box"));
        assertThatThrownBy(() -> FolderDataset.load(differ, false)).hasMessageContaining(differ.resolve("train").toString())
                .hasMessageContaining("only in train: [square]").hasMessageContaining("only in test: [box]");

        Path extra = dir.resolve("extra");
        smallTree(extra.resolve("train"));
        smallTree(extra.resolve("test"));
        smallTree(extra.resolve("validation"));
        assertThatThrownBy(() -> FolderDataset.load(extra, true)).hasMessageContaining(extra.resolve("validation").toString())
                .hasMessageContaining("train/ and test/");
    }

    @Test
    void hiddenEntriesAreSkipped() throws IOException {
        smallTree(dir);
        String before = FolderDataset.load(dir, false).name();
        Files.writeString(dir.resolve(".DS_Store"), "finder");
        Files.writeString(dir.resolve("circle/.DS_Store"), "finder");
        Files.createDirectories(dir.resolve(".thumbnails/x"));
        ImageDataset after = FolderDataset.load(dir, false);
        assertThat(after.size()).isEqualTo(6);
        assertThat(after.name()).isEqualTo(before);
    }

    @Test
    void missingOrEmptyDirectoriesAreNamed() throws IOException {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> FolderDataset.load(missing, false)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("missing");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> FolderDataset.load(file, false)).hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> FolderDataset.load(empty, false)).isInstanceOf(IOException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("no class directories");

        Path noImages = dir.resolve("no-images");
        smallTree(noImages);
        Files.createDirectories(noImages.resolve("hexagon"));
        assertThatThrownBy(() -> FolderDataset.load(noImages, false))
                .hasMessageContaining(noImages.resolve("hexagon").toString()).hasMessageContaining("no images");

        assertNamed("stray", "README.txt", "my probes".getBytes(), "a file where a class directory is expected");

        Path nested = dir.resolve("nested");
        smallTree(nested);
        write(solid(4, 4, 0), "png", nested.resolve("circle/more/deep.png"));
        assertThatThrownBy(() -> FolderDataset.load(nested, false))
                .hasMessageContaining(nested.resolve("circle/more").toString()).hasMessageContaining("directory inside");
    }

    /** {@code format} bytes of a 64 x 64 image with detail, so that most of a file is image data. */
    private static byte[] encoded(String format) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 37 + y * 101) * 0x010203 & 0xFFFFFF);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** A small tree plus the file {@code relative} holding {@code content}: loading it names that file and says why. */
    private void assertNamed(String tree, String relative, byte[] content, String why) throws IOException {
        Path root = smallTree(dir.resolve(tree));
        Path bad = root.resolve(relative);
        Files.write(bad, content);
        assertThatThrownBy(() -> FolderDataset.load(root, false)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(bad + ": ").hasMessageContaining(why);
    }

    @Test
    void badFilesAreNamed() throws IOException {
        assertNamed("ext", "square/notes.txt", "hello".getBytes(), "only .png, .jpg, .jpeg files");
        assertNamed("text", "square/broken.png", "this is not a picture".getBytes(), "not a readable PNG or JPEG image");
        byte[] png = encoded("png");
        assertNamed("cut", "circle/cut.png", java.util.Arrays.copyOf(png, png.length / 2), "not a readable PNG image");
        byte[] jpeg = encoded("jpg");
        assertNamed("cut-jpeg", "circle/cut.jpg", java.util.Arrays.copyOf(jpeg, jpeg.length * 3 / 4),
                "a damaged JPEG image");
        assertNamed("gif", "triangle/really-a-gif.png", encoded("gif"), "a GIF image; a folder dataset reads PNG and JPEG only");
        assertNamed("empty-file", "triangle/empty.jpg", new byte[0], "not a readable PNG or JPEG image");
    }

    @Test
    void theFirstBadFileInOrderIsNamedWhateverTheThreadsDo() throws IOException {
        smallTree(dir);
        for (String cls : List.of("circle", "square", "triangle")) {
            for (int k = 0; k < 20; k++) {
                Files.writeString(dir.resolve(cls + "/bad" + k + ".png"), "not a png " + k);
            }
        }
        for (int round = 0; round < 3; round++) {
            assertThatThrownBy(() -> FolderDataset.load(dir, false)).hasMessageStartingWith(
                    dir.resolve("circle/bad0.png") + ": ");
        }
    }
}
