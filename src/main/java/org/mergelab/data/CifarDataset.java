package org.mergelab.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky 2009) from their binary versions; images are already 3 x 32 x 32 CHW.
 *
 * <ul>
 *   <li>CIFAR-10: {@code data_batch_1.bin} .. {@code data_batch_5.bin} (train, 50,000) and {@code test_batch.bin}
 *       (10,000); each record is 1 label byte + 3072 pixel bytes (R plane, G plane, B plane). Class names from
 *       {@code batches.meta.txt} if present, else the standard ten.</li>
 *   <li>CIFAR-100: {@code train.bin} (50,000) and {@code test.bin} (10,000); each record is 2 label bytes
 *       (coarse, fine) + 3072 pixel bytes. The fine label is used (100 classes); names from
 *       {@code fine_label_names.txt} if present, else the standard hundred.</li>
 * </ul>
 * The directory may be the one holding the files or its parent holding {@code cifar-10-batches-bin} /
 * {@code cifar-100-binary}. Names: {@code cifar10/train}, {@code cifar100/test}, ...
 */
public final class CifarDataset {

    /** Which CIFAR. */
    public enum Variant {
        /** 10 classes, 1 label byte per record. */
        CIFAR10("cifar10", 10, 1, "cifar-10-batches-bin", "batches.meta.txt"),
        /** 100 fine classes, 2 label bytes (coarse, fine) per record. */
        CIFAR100("cifar100", 100, 2, "cifar-100-binary", "fine_label_names.txt");

        final String id;
        final int numClasses;
        final int labelBytes;
        final String subdir;
        final String namesFile;

        Variant(String id, int numClasses, int labelBytes, String subdir, String namesFile) {
            this.id = id;
            this.numClasses = numClasses;
            this.labelBytes = labelBytes;
            this.subdir = subdir;
            this.namesFile = namesFile;
        }

        /** Bytes per record: label bytes + 3072. */
        public int recordBytes() {
            return labelBytes + ImageDataset.IMAGE_BYTES;
        }

        public int numClasses() {
            return numClasses;
        }
    }

    /** The standard CIFAR-10 class names. */
    public static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** The standard CIFAR-100 fine class names (alphabetical, as in {@code fine_label_names.txt}). */
    public static final List<String> CIFAR100_NAMES = List.of("apple", "aquarium_fish", "baby", "bear", "beaver", "bed",
            "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
            "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile",
            "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house",
            "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree",
            "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear",
            "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray",
            "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
            "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
            "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm");

    private CifarDataset() {}

    /**
     * Loads the training or test set of {@code variant} from {@code dir}.
     *
     * @throws NoSuchFileException naming the directory or file that is missing
     * @throws IOException         naming the file on a size that is not a multiple of the record size, a label out
     *                             of range, or a names file with the wrong number of names
     */
    public static ImageDataset load(Path dir, Variant variant, boolean train) throws IOException {
        Path root = resolve(dir, variant);
        List<Path> files = new ArrayList<>();
        if (variant == Variant.CIFAR10) {
            if (train) {
                for (int k = 1; k <= 5; k++) {
                    files.add(root.resolve("data_batch_" + k + ".bin"));
                }
            } else {
                files.add(root.resolve("test_batch.bin"));
            }
        } else {
            files.add(root.resolve(train ? "train.bin" : "test.bin"));
        }
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, variant.id + " file missing");
            }
            long size = Files.size(f);
            if (size % variant.recordBytes() != 0) {
                throw new IOException(f + ": size " + size + " bytes is not a multiple of the " + variant.id
                        + " record size " + variant.recordBytes());
            }
            total += size / variant.recordBytes();
        }
        if (total > Integer.MAX_VALUE / ImageDataset.IMAGE_BYTES) {
            throw new IOException(root + ": " + total + " records do not fit in one array");
        }
        int n = (int) total;
        byte[] pixels = new byte[n * ImageDataset.IMAGE_BYTES];
        int[] labels = new int[n];
        int i = 0;
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            int records = data.length / variant.recordBytes();
            for (int r = 0; r < records; r++, i++) {
                int off = r * variant.recordBytes();
                int label = data[off + variant.labelBytes - 1] & 0xFF; // CIFAR-100: the second (fine) byte
                if (label >= variant.numClasses) {
                    throw new IOException(f + ": record " + r + " has label " + label + ", not below "
                            + variant.numClasses);
                }
                labels[i] = label;
                System.arraycopy(data, off + variant.labelBytes, pixels, i * ImageDataset.IMAGE_BYTES,
                        ImageDataset.IMAGE_BYTES);
            }
        }
        return new ImageDataset(variant.id + (train ? "/train" : "/test"), variant.numClasses, classNames(root, variant),
                pixels, labels);
    }

    private static Path resolve(Path dir, Variant variant) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, variant.id + " directory missing");
        }
        Path sub = dir.resolve(variant.subdir);
        return Files.isDirectory(sub) ? sub : dir;
    }

    private static List<String> classNames(Path root, Variant variant) throws IOException {
        Path f = root.resolve(variant.namesFile);
        if (!Files.isRegularFile(f)) {
            return variant == Variant.CIFAR10 ? CIFAR10_NAMES : CIFAR100_NAMES;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(f + ": class names are not UTF-8 text", e);
        }
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != variant.numClasses) {
            throw new IOException(f + ": " + names.size() + " class names, expected " + variant.numClasses);
        }
        return names;
    }
}
