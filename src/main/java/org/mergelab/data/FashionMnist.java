package org.mergelab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its four gzipped IDX files, as 3 x 32 x 32 images:
 * each 28 x 28 grayscale image is padded with a 2-pixel zero border and copied into all three channels.
 * Train: 60,000 images, test: 10,000, 10 classes. Names {@code fashion-mnist/train}, {@code fashion-mnist/test}.
 *
 * <p>On Debian-like systems the files come with the package {@code dataset-fashion-mnist} in
 * {@link #DEFAULT_DIR}.
 */
public final class FashionMnist {

    /** Where the {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class names from the Fashion-MNIST README, index = label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int SIDE = 28;

    private FashionMnist() {}

    /** Loads the training or test set from {@link #DEFAULT_DIR}. */
    public static ImageDataset load(boolean train) throws IOException {
        return load(DEFAULT_DIR, train);
    }

    /**
     * Loads the training ({@code train-*}) or test ({@code t10k-*}) set from {@code dir}.
     *
     * @throws NoSuchFileException naming the directory or file that is missing
     * @throws IOException         naming the file on a bad magic number, dimension, label or truncation
     */
    public static ImageDataset load(Path dir, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    "Fashion-MNIST directory missing (install dataset-fashion-mnist or give the directory)");
        }
        String prefix = train ? "train" : "t10k";
        Path imagesFile = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labelsFile = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        byte[] raw = readImages(imagesFile);
        int[] labels = readLabels(labelsFile, CLASS_NAMES.size());
        int n = raw.length / (SIDE * SIDE);
        if (labels.length != n) {
            throw new IOException(imagesFile + " holds " + n + " images but " + labelsFile + " holds " + labels.length
                    + " labels");
        }
        return new ImageDataset(train ? "fashion-mnist/train" : "fashion-mnist/test", CLASS_NAMES.size(), CLASS_NAMES,
                padTo32(raw, n, SIDE), labels);
    }

    /** Reads an IDX3 uint8 image file (optionally gzipped by name) of 28 x 28 images; returns the raw bytes. */
    static byte[] readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] header = readHeader(in, 4, file);
            int magic = header[0];
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + ": magic number 0x" + Integer.toHexString(magic)
                        + " is not an IDX3 uint8 image file (0x803)");
            }
            int n = header[1];
            int rows = header[2];
            int cols = header[3];
            if (n < 0 || rows != SIDE || cols != SIDE) {
                throw new IOException(file + ": dimensions " + n + " x " + rows + " x " + cols + ", expected N x 28 x 28");
            }
            if (n > Integer.MAX_VALUE / ImageDataset.IMAGE_BYTES) {
                throw new IOException(file + ": " + n + " images do not fit in one array");
            }
            return readData(in, n * SIDE * SIDE, file);
        }
    }

    /** Reads an IDX1 uint8 label file, checking every label is below {@code numClasses}. */
    static int[] readLabels(Path file, int numClasses) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] header = readHeader(in, 2, file);
            int magic = header[0];
            if (magic != LABELS_MAGIC) {
                throw new IOException(file + ": magic number 0x" + Integer.toHexString(magic)
                        + " is not an IDX1 uint8 label file (0x801)");
            }
            int n = header[1];
            if (n < 0) {
                throw new IOException(file + ": negative label count " + n);
            }
            byte[] data = readData(in, n, file);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = data[i] & 0xFF;
                if (labels[i] >= numClasses) {
                    throw new IOException(file + ": label " + labels[i] + " of item " + i + " is not below " + numClasses);
                }
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "Fashion-MNIST file missing");
        }
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream s = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new DataInputStream(new BufferedInputStream(s, 1 << 16));
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + ": not a readable gzip file: " + e.getMessage(), e);
        }
    }

    /** The magic number and dimensions: {@code count} big-endian ints. */
    private static int[] readHeader(DataInputStream in, int count, Path file) throws IOException {
        int[] header = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                header[i] = in.readInt();
            }
        } catch (EOFException e) {
            throw new IOException(file + ": truncated header, expected " + 4 * count + " bytes", e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return header;
    }

    /** Reads {@code length} bytes, allocating as they arrive: a count in a header is not trusted with memory. */
    private static byte[] readData(DataInputStream in, int length, Path file) throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(length);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (data.length < length) {
            throw new IOException(file + ": truncated, expected " + length + " data bytes after the header, found "
                    + data.length);
        }
        return data;
    }

    /** A read error (a corrupt gzip stream, an I/O error) as a message naming the file. */
    private static IOException unreadable(Path file, IOException e) {
        return new IOException(file + ": cannot read: " + e.getMessage(), e);
    }

    /** Pads {@code n} side x side grayscale images to 32 x 32 (centred, zero border) and replicates to 3 channels. */
    static byte[] padTo32(byte[] raw, int n, int side) {
        int border = (ImageDataset.WIDTH - side) / 2;
        byte[] out = new byte[Math.multiplyExact(n, ImageDataset.IMAGE_BYTES)];
        for (int i = 0; i < n; i++) {
            int src = i * side * side;
            int dst = i * ImageDataset.IMAGE_BYTES;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    System.arraycopy(raw, src + y * side, out,
                            dst + c * ImageDataset.PLANE + (y + border) * ImageDataset.WIDTH + border, side);
                }
            }
        }
        return out;
    }
}
