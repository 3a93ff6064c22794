package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Turns a dataset (or some of its ids) into normalised float batches, epoch by epoch.
 *
 * <p>Per sample: copy the uint8 image, augment it (if enabled), draw the cue for its true label (if any),
 * normalise to float NCHW. Determinism: the order of epoch {@code e} is a permutation from a
 * {@link SplittableRandom} seeded by {@code (seed, e)} (or the given id order without shuffling), and the
 * augmentation of the sample at position {@code p} of that order is drawn from {@code (seed, e, p)}. A
 * batch's content therefore depends only on (dataset, ids, options, seed, epoch, batch index), never on
 * threads, prefetching or earlier calls; {@link #batch(int, int)} gives random access, e.g. to resume.
 *
 * <p>Defaults are those of evaluation: no shuffle, no augmentation, no cue, {@link Normalization#unit()},
 * keep the last partial batch, no prefetch. A seed is required when shuffling or augmenting.
 */
public final class BatchStream {
    private static final Executor PREFETCH = command -> Thread.ofVirtual().name("batch-prefetch").start(command);

    private final ImageDataset dataset;
    private final int[] ids;
    private final int batchSize;
    private final boolean shuffle;
    private final Augmentation augmentation;
    private final Cue cue;
    private final Normalization normalization;
    private final long seed;
    private final boolean dropLast;
    private final boolean prefetch;

    private BatchStream(Builder b) {
        this.dataset = b.dataset;
        this.ids = b.ids;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.augmentation = b.augmentation;
        this.cue = b.cue;
        this.normalization = b.normalization;
        this.seed = b.seed == null ? 0L : b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of samples per epoch (the ids). */
    public int samplesPerEpoch() {
        return ids.length;
    }

    /** Number of batches per epoch: {@code floor(n/B)} with drop-last, else {@code ceil(n/B)}. */
    public int batchesPerEpoch() {
        return dropLast ? ids.length / batchSize : (ids.length + batchSize - 1) / batchSize;
    }

    /** The sample ids of epoch {@code epoch} in the order they are served. */
    public int[] order(int epoch) {
        if (!shuffle) {
            return ids.clone();
        }
        int[] perm = Splits.permutation(ids.length, Seeds.derive(seed, epoch));
        int[] out = new int[ids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[perm[i]];
        }
        return out;
    }

    /** The batches of epoch {@code epoch}; each {@code iterator()} call starts a fresh pass. */
    public Iterable<Batch> epoch(int epoch) {
        return () -> new EpochIterator(epoch);
    }

    /** Batch {@code index} of epoch {@code epoch}, identical to what {@link #epoch(int)} serves. */
    public Batch batch(int epoch, int index) {
        return build(epoch, order(epoch), index);
    }

    private Batch build(int epoch, int[] order, int index) {
        Objects.checkIndex(index, batchesPerEpoch());
        int start = index * batchSize;
        int size = Math.min(batchSize, order.length - start);
        float[] images = new float[size * ImageDataset.IMAGE_BYTES];
        int[] labels = new int[size];
        byte[] src = dataset.pixels();
        byte[] work = new byte[ImageDataset.IMAGE_BYTES];
        for (int k = 0; k < size; k++) {
            int position = start + k;
            int id = order[position];
            int label = dataset.labels()[id];
            int off = id * ImageDataset.IMAGE_BYTES;
            if (augmentation != null) {
                augmentation.apply(src, off, work, 0, new SplittableRandom(Seeds.derive(seed, epoch, position)));
            } else {
                System.arraycopy(src, off, work, 0, ImageDataset.IMAGE_BYTES);
            }
            if (cue != null) {
                cue.apply(work, 0, label);
            }
            normalization.apply(work, 0, images, k * ImageDataset.IMAGE_BYTES);
            labels[k] = label;
        }
        return new Batch(images, labels, size);
    }

    /** A one-line description of every option, for lineage. */
    public String describe() {
        return "batches(dataset=" + dataset.name() + ",n=" + ids.length + ",batch=" + batchSize + ",shuffle=" + shuffle
                + ",aug=" + (augmentation == null ? "none" : augmentation.describe()) + ",cue="
                + (cue == null ? "none" : cue.describe()) + "," + normalization.describe() + ",seed=" + seed
                + ",dropLast=" + dropLast + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private final int count;
        private int next;
        private CompletableFuture<Batch> pending;

        EpochIterator(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.count = batchesPerEpoch();
            if (prefetch && count > 0) {
                pending = CompletableFuture.supplyAsync(() -> build(epoch, order, 0), PREFETCH);
            }
        }

        @Override
        public boolean hasNext() {
            return next < count;
        }

        @Override
        public Batch next() {
            if (next >= count) {
                throw new NoSuchElementException("epoch " + epoch + " has " + count + " batches");
            }
            int index = next++;
            if (!prefetch) {
                return build(epoch, order, index);
            }
            Batch b;
            try {
                b = pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + index, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("building batch " + index + " of epoch " + epoch + " failed", e.getCause());
            }
            int following = next; // captured now: the field moves on before the task runs
            pending = following < count
                    ? CompletableFuture.supplyAsync(() -> build(epoch, order, following), PREFETCH) : null;
            return b;
        }
    }

    /**
     * Builder. Required: {@code setDataset}, {@code setBatchSize}, and {@code setSeed} when shuffling or
     * augmenting. Optional (defaults): ids (all, in order), shuffle (off), augmentation (none), cue (none),
     * normalization ({@link Normalization#unit()}), drop-last (off), prefetch (off).
     */
    public static final class Builder {
        private ImageDataset dataset;
        private int[] ids;
        private int batchSize = -1;
        private boolean shuffle;
        private Augmentation augmentation;
        private Cue cue;
        private Normalization normalization = Normalization.unit();
        private Long seed;
        private boolean dropLast;
        private boolean prefetch;

        private Builder() {}

        public Builder setDataset(ImageDataset dataset) {
            this.dataset = dataset;
            return this;
        }

        /** Positive batch size B. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The run's data seed (shuffle order and augmentation derive from it). */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The ids to serve (default: all, in order); copied. */
        public Builder optIds(int[] ids) {
            this.ids = ids.clone();
            return this;
        }

        /** Reshuffle every epoch (default off). */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Augmentation before the cue, or null for none (default none). */
        public Builder optAugmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Cue drawn for each sample's label after augmentation, or null for none (default none). */
        public Builder optCue(Cue cue) {
            this.cue = cue;
            return this;
        }

        /** Float conversion (default {@link Normalization#unit()}). */
        public Builder optNormalization(Normalization normalization) {
            this.normalization = Objects.requireNonNull(normalization, "normalization");
            return this;
        }

        /** Drop the last incomplete batch (default off). */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Build the next batch on a background virtual thread while the current one is used (default off). */
        public Builder optPrefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        public BatchStream build() {
            if (dataset == null) {
                throw new IllegalArgumentException("batch stream: setDataset is required");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch stream: setBatchSize must be >= 1, got " + batchSize);
            }
            if (seed == null && (shuffle || augmentation != null)) {
                throw new IllegalArgumentException("batch stream over " + dataset.name()
                        + ": setSeed is required when shuffling or augmenting");
            }
            if (ids == null) {
                ids = Splits.all(dataset.size());
            }
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] < 0 || ids[k] >= dataset.size()) {
                    throw new IllegalArgumentException("batch stream: id " + ids[k] + " at position " + k
                            + " outside dataset " + dataset.name() + " of size " + dataset.size());
                }
            }
            return new BatchStream(this);
        }
    }
}
