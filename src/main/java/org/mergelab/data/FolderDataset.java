package org.mergelab.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Users' own images: a folder with one directory of PNG or JPEG files per class, read into a 3 x 32 x 32
 * {@link ImageDataset}.
 *
 * <p><b>Layout.</b> Either of:
 * <ul>
 *   <li>{@code DIR/train/<class>/*.png|jpg|jpeg} and {@code DIR/test/<class>/...}: a training and a test set.
 *       {@code DIR} then holds only {@code train/} and {@code test/}; {@code test/} is required, {@code train/}
 *       only when a command trains. Both must have the same class directories, so that a label means the same
 *       class in both.</li>
 *   <li>{@code DIR/<class>/*.png|jpg|jpeg} (no {@code train/} or {@code test/} in {@code DIR}): a test set only,
 *       for the commands that probe checkpoints trained elsewhere (such as {@code eval}); asking it
 *       for a training set is an error that names the split layout.</li>
 * </ul>
 * Classes are the class directories in sorted name order (label 0 = the first name); images are taken in
 * sorted file name order within each class, class after class. Names are compared by Unicode code point after
 * NFC normalisation (the order of Python's {@code sorted}, hence of torchvision's {@code ImageFolder}), so the
 * same folder gives the same dataset on every file system. Entries whose name starts with {@code .} (such as
 * {@code .DS_Store}) are skipped; any other file where a class directory is expected, a directory inside a
 * class directory, or a file not named {@code .png}, {@code .jpg} or {@code .jpeg} (any case) is an error.
 *
 * <p><b>Pixels.</b> Each file is decoded with {@code javax.imageio} (PNG or JPEG by content; EXIF orientation
 * and colour profiles are not applied beyond what {@code javax.imageio} does); a file the decoder warns about
 * (one that ends early, or corrupt data) is an error, as in PIL, not an image filled in with gray. Grayscale images (8 or 16 bits,
 * with or without alpha) take their gray sample, scaled to 8 bits with rounding, in all three channels; palette
 * and RGB(A) images take their red, green and blue values; alpha is dropped (the colour under it is kept, as
 * PIL's {@code convert("RGB")} does). The image is then resized to 32 x 32 by <em>area averaging</em>: each
 * output pixel is the mean of the source area it covers, source pixels weighted by their exact fractional
 * overlap, computed in integer arithmetic and rounded half up once at the end, so the result is the same on
 * every machine. Non-square images are stretched, not cropped. Images are stored as uint8 like every other
 * dataset; normalisation is the caller's ({@link Normalization}: from the training set, or from a checkpoint's
 * lineage when probing).
 *
 * <p><b>Identity.</b> The dataset is named {@code folder(sha256=HEX)/train} or {@code .../test}, where
 * {@code HEX} is the SHA-256 of {@value #FORMAT}, the class names, and per image its class, file name, size
 * and the SHA-256 of its bytes. The name goes into {@link DataFingerprint}, so a renamed, added, removed or
 * changed image gives a different lineage, and a copy of the folder elsewhere gives the same one.
 */
public final class FolderDataset {

    /** The file name endings read (lower case; matched in any case). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    /** Hashed first into a folder's identity: the layout, decoding and resampling of this version. */
    static final String FORMAT = "mergelab-folder-v1(area-average-32,rgb8)";

    /** The most images one dataset holds: their bytes must fit in one array. */
    static final int MAX_IMAGES = Integer.MAX_VALUE / ImageDataset.IMAGE_BYTES;

    /** Code point order of names, the order of Python's {@code sorted} and of C-locale {@code ls}. */
    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private FolderDataset() {}

    /** A directory entry: its name (NFC) and its path. */
    private record Entry(String name, Path path) {}

    /** One class: its name and its image files in order. */
    private record ClassImages(String name, List<Entry> files) {}

    /** One image read: its pixels (3 x 32 x 32) and the SHA-256 of its file, or why it could not be read. */
    private record Decoded(byte[] pixels, byte[] sha256, long size, IOException failure) {}

    /**
     * Loads the training or test set of the folder {@code dir} (layout above).
     *
     * @throws NoSuchFileException naming the directory that is missing: {@code dir}, {@code dir/test} in the
     *                             split layout, or {@code dir/train} when the training set of a folder without
     *                             one is asked for
     * @throws IOException         naming the file or directory: a file where a class directory is expected, a
     *                             class directory with no images or with a subdirectory, a file that is not named
     *                             as, not readable as, or a damaged PNG or JPEG image, no class directory at all,
     *                             or class directories that differ between {@code train/} and {@code test/}
     */
    public static ImageDataset load(Path dir, boolean train) throws IOException {
        Path root = splitDirectory(dir, train);
        List<ClassImages> classes = new ArrayList<>();
        for (Entry c : classDirectories(root)) {
            classes.add(new ClassImages(c.name(), imageFiles(c)));
        }
        List<Entry> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            for (Entry f : classes.get(label).files()) {
                files.add(f);
                labels.add(label);
            }
        }
        if (files.size() > MAX_IMAGES) {
            throw new IOException(root + ": " + files.size() + " images do not fit in one array (at most "
                    + MAX_IMAGES + ")");
        }
        Decoded[] decoded = new Decoded[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> decoded[i] = read(files.get(i).path()));
        MessageDigest md = sha256();
        md.update(FORMAT.getBytes(StandardCharsets.UTF_8));
        md.update(ByteBuffer.allocate(4).putInt(classes.size()).array());
        for (ClassImages c : classes) {
            putString(md, c.name());
            md.update(ByteBuffer.allocate(4).putInt(c.files().size()).array());
        }
        byte[] pixels = new byte[files.size() * ImageDataset.IMAGE_BYTES];
        int[] labelArray = new int[files.size()];
        for (int i = 0; i < decoded.length; i++) {
            Decoded d = decoded[i];
            if (d.failure() != null) {
                throw d.failure(); // the first bad file in sorted order, whatever the threads did
            }
            md.update(ByteBuffer.allocate(4).putInt(labels.get(i)).array());
            putString(md, files.get(i).name());
            md.update(ByteBuffer.allocate(8).putLong(d.size()).array());
            md.update(d.sha256());
            System.arraycopy(d.pixels(), 0, pixels, i * ImageDataset.IMAGE_BYTES, ImageDataset.IMAGE_BYTES);
            labelArray[i] = labels.get(i);
        }
        String name = "folder(sha256=" + HexFormat.of().formatHex(md.digest()) + ")/" + (train ? "train" : "test");
        return new ImageDataset(name, classes.size(), classes.stream().map(ClassImages::name).toList(), pixels,
                labelArray);
    }

    /** The directory holding the class directories of the part asked for; checks the split layout. */
    private static Path splitDirectory(Path dir, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, Files.exists(dir)
                    ? "not a directory; a folder dataset is a directory of class directories"
                    : "folder dataset directory missing");
        }
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        if (!Files.isDirectory(trainDir) && !Files.isDirectory(testDir)) {
            if (train) {
                throw new NoSuchFileException(trainDir.toString(), null, "no training set: " + dir
                        + " holds class directories, which are read as a test set only; to train, arrange the images"
                        + " as " + trainDir.resolve("<class>") + "/ and " + testDir.resolve("<class>") + "/");
            }
            return dir;
        }
        for (Entry e : entries(dir)) {
            if (!e.path().equals(trainDir) && !e.path().equals(testDir)) {
                throw new IOException(e.path() + ": unexpected next to train/ and test/; a folder dataset split into "
                        + trainDir + " and " + testDir + " holds nothing else");
            }
        }
        if (!Files.isDirectory(testDir)) {
            throw new NoSuchFileException(testDir.toString(), null, "folder dataset has " + trainDir
                    + " but no test directory");
        }
        if (!Files.isDirectory(trainDir)) {
            if (train) {
                throw new NoSuchFileException(trainDir.toString(), null, "no training set: " + dir
                        + " holds test/ only");
            }
            return testDir;
        }
        List<String> trainClasses = classDirectories(trainDir).stream().map(Entry::name).toList();
        List<String> testClasses = classDirectories(testDir).stream().map(Entry::name).toList();
        if (!trainClasses.equals(testClasses)) {
            TreeSet<String> onlyTrain = new TreeSet<>(CODE_POINT_ORDER);
            onlyTrain.addAll(trainClasses);
            testClasses.forEach(onlyTrain::remove);
            TreeSet<String> onlyTest = new TreeSet<>(CODE_POINT_ORDER);
            onlyTest.addAll(testClasses);
            trainClasses.forEach(onlyTest::remove);
            throw new IOException(trainDir + " and " + testDir + ": the class directories differ (only in train: "
                    + onlyTrain + ", only in test: " + onlyTest + "); both need the same classes, so that a label"
                    + " means the same class in both");
        }
        return train ? trainDir : testDir;
    }

    /** The class directories of {@code root}, in order. */
    private static List<Entry> classDirectories(Path root) throws IOException {
        List<Entry> classes = entries(root);
        for (Entry c : classes) {
            if (!Files.isDirectory(c.path())) {
                throw new IOException(c.path() + ": a file where a class directory is expected; " + root
                        + " holds one directory of images per class");
            }
        }
        if (classes.isEmpty()) {
            throw new IOException(root + ": no class directories; a folder dataset holds one directory of PNG or"
                    + " JPEG images per class");
        }
        return classes;
    }

    /** The image files of one class directory, in order. */
    private static List<Entry> imageFiles(Entry classDir) throws IOException {
        List<Entry> files = entries(classDir.path());
        for (Entry f : files) {
            if (Files.isDirectory(f.path())) {
                throw new IOException(f.path() + ": a directory inside the class directory of '" + classDir.name()
                        + "'; a class directory holds its images directly");
            }
            String lower = f.name().toLowerCase(Locale.ROOT);
            if (EXTENSIONS.stream().noneMatch(lower::endsWith)) {
                throw new IOException(f.path() + ": not an image file name; a class directory holds only "
                        + String.join(", ", EXTENSIONS) + " files");
            }
        }
        if (files.isEmpty()) {
            throw new IOException(classDir.path() + ": class '" + classDir.name() + "' has no images ("
                    + String.join(", ", EXTENSIONS) + ")");
        }
        return files;
    }

    /** The entries of {@code dir} not starting with {@code .}, by NFC name in code point order. */
    private static List<Entry> entries(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = Normalizer.normalize(p.getFileName().toString(), Normalizer.Form.NFC);
                if (!name.startsWith(".")) {
                    out.add(new Entry(name, p));
                }
            }
        } catch (IOException e) {
            throw new IOException(dir + ": cannot list: " + e.getMessage(), e);
        } catch (DirectoryIteratorException e) {
            throw new IOException(dir + ": cannot list: " + e.getCause().getMessage(), e.getCause());
        }
        out.sort(Comparator.comparing(Entry::name, CODE_POINT_ORDER));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).name().equals(out.get(i - 1).name())) {
                throw new IOException(out.get(i - 1).path() + " and " + out.get(i).path()
                        + ": the same name in Unicode NFC; rename one");
            }
        }
        return out;
    }

    /** Reads, hashes and decodes one file; a failure is returned, not thrown, so the first one in order wins. */
    private static Decoded read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Decoded(null, null, 0, new IOException(file + ": cannot read: " + e.getMessage(), e));
        }
        try {
            return new Decoded(toPixels(decode(bytes, file)), sha256().digest(bytes), bytes.length, null);
        } catch (IOException e) {
            return new Decoded(null, null, 0, e);
        } catch (RuntimeException e) {
            return new Decoded(null, null, 0, new IOException(file + ": cannot convert to RGB: " + e, e));
        }
    }

    /** Decodes PNG or JPEG bytes (by content, not by name); anything else is an error naming {@code file}. */
    static BufferedImage decode(byte[] bytes, Path file) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not a readable PNG or JPEG image (" + bytes.length
                        + " bytes that no image reader recognises)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg")) {
                    throw new IOException(file + ": a " + format.toUpperCase(Locale.ROOT)
                            + " image; a folder dataset reads PNG and JPEG only");
                }
                reader.setInput(in, true, true);
                // a decoder warns, and fills in gray, where a file ends early or its data is corrupt: an error here
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    // a corrupt stream can also make a decoder fail with an unchecked exception
                    throw new IOException(file + ": not a readable " + format.toUpperCase(Locale.ROOT) + " image: "
                            + e.getMessage(), e);
                }
                if (!warnings.isEmpty()) {
                    throw new IOException(file + ": a damaged " + format.toUpperCase(Locale.ROOT) + " image: "
                            + String.join("; ", warnings));
                }
                return image;
            } finally {
                reader.dispose();
            }
        }
    }

    /** The 3 x 32 x 32 CHW bytes of a decoded image: its RGB rows, area-averaged to 32 x 32. */
    static byte[] toPixels(BufferedImage image) {
        int w = image.getWidth();
        ColorModel cm = image.getColorModel();
        if (!(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // the gray sample itself: getRGB would convert the linear gray colour space to sRGB and brighten it
            Raster raster = image.getRaster();
            int max = (1 << cm.getComponentSize(0)) - 1;
            int[] samples = new int[w];
            return areaAverage(w, image.getHeight(), (y, rgb) -> {
                raster.getSamples(0, y, w, 1, 0, samples);
                for (int x = 0; x < w; x++) {
                    int v = max == 255 ? samples[x] : (int) (((long) samples[x] * 255 + max / 2) / max);
                    rgb[x] = v * 0x010101;
                }
            });
        }
        return areaAverage(w, image.getHeight(), (y, rgb) -> image.getRGB(0, y, w, 1, rgb, 0, w));
    }

    /** Fills {@code rgb} with row {@code y} of an image as {@code 0xRRGGBB} (higher bits ignored). */
    @FunctionalInterface
    interface Rows {
        void read(int y, int[] rgb);
    }

    /**
     * Area-average resampling of a {@code width} x {@code height} image, read row by row, to 32 x 32 CHW bytes.
     * On a grid where output pixels are {@code width} units wide and source pixels 32, each source pixel weighs
     * its overlap with the output pixel in each direction; the weighted sum (exact, in {@code long}) is divided by
     * {@code width * height} and rounded half up.
     */
    static byte[] areaAverage(int width, int height, Rows rows) {
        final int side = ImageDataset.WIDTH;
        long[] acc = new long[3 * side * side];
        long[] rowSum = new long[3 * side];
        int[] rgb = new int[width];
        for (int y = 0; y < height; y++) {
            rows.read(y, rgb);
            Arrays.fill(rowSum, 0);
            for (int x = 0; x < width; x++) {
                int p = rgb[x];
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                long lo = (long) x * side;
                for (int o = (int) (lo / width); o < side && (long) o * width < lo + side; o++) {
                    long weight = Math.min(lo + side, (long) (o + 1) * width) - Math.max(lo, (long) o * width);
                    rowSum[o] += r * weight;
                    rowSum[side + o] += g * weight;
                    rowSum[2 * side + o] += b * weight;
                }
            }
            long top = (long) y * side;
            for (int o = (int) (top / height); o < side && (long) o * height < top + side; o++) {
                long weight = Math.min(top + side, (long) (o + 1) * height) - Math.max(top, (long) o * height);
                for (int c = 0; c < 3; c++) {
                    int dst = c * side * side + o * side;
                    for (int ox = 0; ox < side; ox++) {
                        acc[dst + ox] += rowSum[c * side + ox] * weight;
                    }
                }
            }
        }
        long area = (long) width * height;
        byte[] out = new byte[ImageDataset.IMAGE_BYTES];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) ((acc[k] + area / 2) / area);
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void putString(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }
}
