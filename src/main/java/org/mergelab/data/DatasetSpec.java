package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset named by one config string, loading its training and test sets on demand.
 *
 * <p>Forms:
 * <ul>
 *   <li>{@code builtin} or {@code builtin:key=value,...}: the procedural {@link BuiltinDataset}. Keys and
 *       defaults: {@code size=20000} (train), {@code test-size=4000}, {@code seed=1}, and the difficulty knobs
 *       of {@link BuiltinDataset.Options} ({@code min-scale}, {@code max-scale}, {@code rotation},
 *       {@code clutter}, {@code noise}, {@code texture}, {@code contrast}). Train and test are generated from
 *       two different seeds derived from {@code seed}, so they share no image.</li>
 *   <li>{@code fashion-mnist} (from {@link FashionMnist#DEFAULT_DIR}) or {@code fashion-mnist:/dir}.</li>
 *   <li>{@code cifar10:/dir}, {@code cifar100:/dir} (a directory is required).</li>
 *   <li>{@code folder:/dir}: users' own PNG or JPEG images, one directory per class, read by
 *       {@link FolderDataset}. Either {@code /dir/train/<class>/...} and {@code /dir/test/<class>/...} (a
 *       training and a test set, with the same class directories), or {@code /dir/<class>/...} alone, a test set
 *       only: enough for the commands that probe trained checkpoints (such as {@code eval}), which
 *       normalise with the statistics in the checkpoint's lineage; {@link #train()} of such a folder is an error
 *       that names the split layout. Classes in sorted name order (label 0 = the first), files in sorted order,
 *       each resized to 32 x 32 by area averaging; the dataset's name carries the SHA-256 of the folder's
 *       names and bytes, so a changed folder gives a different {@link DataFingerprint}.</li>
 * </ul>
 */
public final class DatasetSpec {

    /** The dataset kinds understood by {@link #parse}. */
    public static final List<String> KINDS = List.of("builtin", "fashion-mnist", "cifar10", "cifar100", "folder");

    /** Default builtin training set size. */
    public static final int DEFAULT_BUILTIN_TRAIN = 20_000;
    /** Default builtin test set size. */
    public static final int DEFAULT_BUILTIN_TEST = 4_000;
    /** Default builtin dataset seed. */
    public static final long DEFAULT_BUILTIN_SEED = 1L;

    private static final List<String> BUILTIN_KEYS = List.of("size", "test-size", "seed", "min-scale", "max-scale",
            "rotation", "clutter", "noise", "texture", "contrast", "saturation");

    private final String spec;
    private final String kind;
    private final Path dir;
    private final int trainSize;
    private final int testSize;
    private final long seed;
    private final BuiltinDataset.Options options;

    private DatasetSpec(String spec, String kind, Path dir, int trainSize, int testSize, long seed,
            BuiltinDataset.Options options) {
        this.spec = spec;
        this.kind = kind;
        this.dir = dir;
        this.trainSize = trainSize;
        this.testSize = testSize;
        this.seed = seed;
        this.options = options;
    }

    /**
     * Parses a spec string.
     *
     * @throws IllegalArgumentException for an unknown kind (listing {@link #KINDS}), an unknown or malformed
     *                                  builtin option, or a missing CIFAR or folder directory
     */
    public static DatasetSpec parse(String spec) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? "" : s.substring(colon + 1).strip();
        switch (kind) {
            case "builtin" -> {
                return parseBuiltin(spec, arg);
            }
            case "fashion-mnist" -> {
                return new DatasetSpec(spec, kind, arg.isEmpty() ? FashionMnist.DEFAULT_DIR : Path.of(arg), 0, 0, 0,
                        null);
            }
            case "cifar10", "cifar100", "folder" -> {
                if (arg.isEmpty()) {
                    throw new IllegalArgumentException("dataset '" + spec + "': " + kind + " needs a directory, e.g. "
                            + kind + (kind.equals("folder") ? ":/data/my-images" : ":/data/" + kind));
                }
                return new DatasetSpec(spec, kind, Path.of(arg), 0, 0, 0, null);
            }
            default -> throw new IllegalArgumentException("unknown dataset '" + kind + "' in '" + spec
                    + "'; known datasets: " + String.join(", ", KINDS));
        }
    }

    private static DatasetSpec parseBuiltin(String spec, String arg) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (!arg.isEmpty()) {
            for (String part : arg.split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("dataset '" + spec + "': option '" + part
                            + "' is not key=value; builtin keys: " + String.join(", ", BUILTIN_KEYS));
                }
                String key = part.substring(0, eq).strip();
                if (!BUILTIN_KEYS.contains(key)) {
                    throw new IllegalArgumentException("dataset '" + spec + "': unknown builtin option '" + key
                            + "'; known: " + String.join(", ", BUILTIN_KEYS));
                }
                kv.put(key, part.substring(eq + 1).strip());
            }
        }
        try {
            BuiltinDataset.Options d = BuiltinDataset.Options.defaults();
            BuiltinDataset.Options options = BuiltinDataset.Options.builder()
                    .optScaleRange(Float.parseFloat(kv.getOrDefault("min-scale", "" + d.minScale())),
                            Float.parseFloat(kv.getOrDefault("max-scale", "" + d.maxScale())))
                    .optMaxRotationDegrees(Float.parseFloat(kv.getOrDefault("rotation", "" + d.maxRotationDegrees())))
                    .optMaxClutter(Integer.parseInt(kv.getOrDefault("clutter", "" + d.maxClutter())))
                    .optNoiseSigma(Float.parseFloat(kv.getOrDefault("noise", "" + d.noiseSigma())))
                    .optTextureStrength(Float.parseFloat(kv.getOrDefault("texture", "" + d.textureStrength())))
                    .optMinContrast(Float.parseFloat(kv.getOrDefault("contrast", "" + d.minContrast())))
                    .optSaturation(Float.parseFloat(kv.getOrDefault("saturation", "" + d.saturation())))
                    .build();
            int train = Integer.parseInt(kv.getOrDefault("size", "" + DEFAULT_BUILTIN_TRAIN));
            int test = Integer.parseInt(kv.getOrDefault("test-size", "" + DEFAULT_BUILTIN_TEST));
            if (train < 1 || test < 1) {
                throw new IllegalArgumentException("dataset '" + spec + "': size " + train + " and test-size " + test
                        + " must be >= 1");
            }
            long seed = Long.parseLong(kv.getOrDefault("seed", "" + DEFAULT_BUILTIN_SEED));
            return new DatasetSpec(spec, "builtin", null, train, test, seed, options);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dataset '" + spec + "': bad number (" + e.getMessage() + ")", e);
        }
    }

    /** One of {@link #KINDS}. */
    public String kind() {
        return kind;
    }

    /** The training set. */
    public ImageDataset train() throws IOException {
        return load(true);
    }

    /** The test set. */
    public ImageDataset test() throws IOException {
        return load(false);
    }

    private ImageDataset load(boolean train) throws IOException {
        return switch (kind) {
            case "builtin" -> BuiltinDataset.generate(train ? "builtin/train" : "builtin/test",
                    train ? trainSize : testSize, Seeds.derive(seed, train ? "train" : "test"), options);
            case "fashion-mnist" -> FashionMnist.load(dir, train);
            case "cifar10" -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR10, train);
            case "cifar100" -> CifarDataset.load(dir, CifarDataset.Variant.CIFAR100, train);
            case "folder" -> FolderDataset.load(dir, train);
            default -> throw new IllegalStateException(kind);
        };
    }

    /** A complete description, e.g. {@code builtin(train=20000,test=4000,seed=1,builtin-v2(...))}, for lineage. */
    public String describe() {
        return switch (kind) {
            case "builtin" -> "builtin(train=" + trainSize + ",test=" + testSize + ",seed=" + seed + ","
                    + options.describe() + ")";
            default -> kind + "(" + dir + ")";
        };
    }

    @Override
    public String toString() {
        return spec;
    }
}
