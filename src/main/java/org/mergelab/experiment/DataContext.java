package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;
import org.mergelab.data.Split;
import org.mergelab.data.Splits;

/**
 * A dataset loaded once for a run: training and test sets and the training set's per-channel
 * normalisation (computed on the uncued images, used for every task and probe).
 *
 * @param spec the dataset spec as given
 * @param train the training set
 * @param test the test set
 * @param normalization the training set's normalisation
 */
public record DataContext(String spec, ImageDataset train, ImageDataset test, Normalization normalization) {

    /**
     * Loads a dataset spec.
     *
     * @throws UncheckedIOException naming the path when files are missing or malformed
     */
    public static DataContext load(String spec) {
        DatasetSpec parsed = DatasetSpec.parse(spec);
        try {
            ImageDataset train = parsed.train();
            ImageDataset test = parsed.test();
            return new DataContext(spec, train, test, Normalization.fromDataset(train));
        } catch (IOException e) {
            throw new UncheckedIOException("dataset '" + spec + "': " + e.getMessage(), e);
        }
    }

    /** Number of classes. */
    public int numClasses() {
        return train.numClasses();
    }

    /** The training ids of a split: all, or half A or B of a seeded disjoint split. */
    public int[] trainIds(Split split, long splitSeed) {
        return split.ids(train.size(), splitSeed);
    }

    /**
     * The test ids: all, or a seeded subset of {@code testSize} when given.
     *
     * @param key names the setting in messages ({@code test_size}, {@code --test-size})
     * @throws IllegalArgumentException naming the key, the value and the test set's size when it asks for more
     *     images than the test set holds
     */
    public int[] testIds(Integer testSize, long subsetSeed, String key) {
        return testIds(test, testSize, subsetSeed, key + " of dataset '" + spec + "'");
    }

    /**
     * The ids of {@code test}: all, or a seeded subset of {@code testSize} when given.
     *
     * @param key names the setting in messages
     * @throws IllegalArgumentException naming the key, the value and the test set's size when it asks for more
     *     images than the test set holds
     */
    public static int[] testIds(ImageDataset test, Integer testSize, long subsetSeed, String key) {
        if (testSize != null && testSize > test.size()) {
            throw new IllegalArgumentException(key + ": " + testSize + " is above the " + test.size()
                    + " images of the test set");
        }
        if (testSize == null || testSize == test.size()) {
            return Splits.all(test.size());
        }
        return Splits.subset(test.size(), testSize, subsetSeed);
    }

    /**
     * The selection subset of the method study: {@code selectionSize} test images drawn (seeded from
     * {@code subsetSeed}) from those outside the reported subset of {@code testSize}, in ascending order.
     *
     * @throws IllegalArgumentException naming test_size, selection_size and the test set's size when too few
     *     images are left
     */
    public int[] selectionIds(Integer testSize, long subsetSeed, int selectionSize) {
        return selectionIds(test, spec, testSize, subsetSeed, selectionSize);
    }

    /**
     * As {@link #selectionIds(Integer, long, int)} for any test set.
     *
     * @param spec the dataset spec, for messages
     */
    public static int[] selectionIds(ImageDataset test, String spec, Integer testSize, long subsetSeed,
            int selectionSize) {
        int[] reported = testIds(test, testSize, subsetSeed, "test_size of dataset '" + spec + "'");
        boolean[] used = new boolean[test.size()];
        for (int id : reported) {
            used[id] = true;
        }
        int[] rest = new int[test.size() - reported.length];
        int k = 0;
        for (int id = 0; id < used.length; id++) {
            if (!used[id]) {
                rest[k++] = id;
            }
        }
        if (selectionSize > rest.length) {
            throw new IllegalArgumentException("selection_size: " + selectionSize + " images are needed outside the "
                    + reported.length + " of test_size, but the test set of dataset '" + spec + "' holds "
                    + test.size() + " images, leaving " + rest.length);
        }
        int[] chosen = Splits.subset(rest.length, selectionSize,
                org.mergelab.config.Seeds.derive(subsetSeed, "selection"));
        int[] out = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            out[i] = rest[chosen[i]];
        }
        java.util.Arrays.sort(out);
        return out;
    }
}
