package org.mergelab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.model.Network;
import org.mergelab.engine.TorchEngine;

/**
 * The one trainer: minibatch SGD with momentum and weight decay on softmax cross-entropy.
 * Pre-training and fine-tuning, incremental and parallel regimes are all calls of {@link #train}
 * with a different network state and data.
 *
 * <p>Every step runs in its own NDManager sub-scope, so native memory stays flat. With an epoch
 * directory, the complete state (weights, BatchNorm statistics, momentum buffers) is written after
 * every epoch; a killed run started again resumes from the last complete epoch and ends with the
 * same tensors as an uninterrupted run, because each epoch's batches depend only on (seed, epoch).
 */
public final class Trainer {

    private final TrainConfig config;
    private final int threads;
    private final String taskName;
    private final TrainingProgress progress;
    private final Path epochDirectory;
    private final String resumeKey;

    private Trainer(Builder b) {
        this.config = b.config;
        this.threads = b.threads;
        this.taskName = b.taskName;
        this.progress = b.progress;
        this.epochDirectory = b.epochDirectory;
        this.resumeKey = b.resumeKey;
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Removes the epoch state kept in {@code directory} (after the final checkpoint is written). */
    public static void clearEpochState(Path directory) {
        EpochState.clear(directory);
        try {
            java.nio.file.Files.deleteIfExists(directory);
        } catch (java.io.IOException e) {
            // a non-empty directory holds something of the user's: leave it
        }
    }

    /**
     * Trains {@code network} in place on {@code data}.
     *
     * @return what the run did
     */
    public TrainingResult train(Network network, BatchStream data) {
        TorchEngine.useThreads(threads);
        long start = System.nanoTime();
        int firstEpoch = 0;
        try (SgdMomentum optimizer = new SgdMomentum(
                network.parameters(), network.manager(), config.momentum(), config.weightDecay())) {
            if (epochDirectory != null) {
                firstEpoch = EpochState.restore(epochDirectory, resumeKey, network, optimizer);
            }
            double loss = Double.NaN;
            double accuracy = Double.NaN;
            long images = 0;
            double trainSeconds = 0;
            int batches = data.batchesPerEpoch();
            DivergenceWatch watch = new DivergenceWatch(taskName, config.learningRate());
            for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
                progress.epochStarted(taskName, epoch, config.epochs(), batches);
                long epochStart = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                Iterator<Batch> it = data.epoch(epoch).iterator();
                for (int b = 0; it.hasNext(); b++) {
                    Batch batch = it.next();
                    double lr = config.learningRateAt(epoch, b, batches);
                    StepOutcome step = step(network, optimizer, batch, lr, watch, epoch, b);
                    lossSum += step.loss * batch.size();
                    correct += step.correct;
                    seen += batch.size();
                    double secs = (System.nanoTime() - epochStart) / 1e9;
                    progress.stepDone(b, lossSum / seen, seen / secs);
                }
                double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
                loss = lossSum / Math.max(1, seen);
                accuracy = correct / (double) Math.max(1, seen);
                images += seen;
                trainSeconds += epochSeconds;
                progress.epochDone(epoch, loss, accuracy, seen / epochSeconds);
                if (epochDirectory != null && epoch + 1 < config.epochs()) {
                    EpochState.save(epochDirectory, resumeKey, epoch + 1, network, optimizer);
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return new TrainingResult(config.epochs() - firstEpoch, firstEpoch, loss, accuracy,
                    trainSeconds > 0 ? images / trainSeconds : Double.NaN, wall);
        }
    }

    /**
     * What one step measured.
     *
     * @param loss mean cross-entropy of the batch
     * @param correct correct top-1 predictions in the batch
     */
    public record StepOutcome(double loss, long correct) {}

    /** One training step without divergence checks (benchmarks). */
    static StepOutcome step(Network network, SgdMomentum optimizer, Batch batch, double lr) {
        return step(network, optimizer, batch, lr, null, 0, 0);
    }

    /**
     * One training step: {@link #forwardBackward}, then (with a watch) a check that the loss and every gradient are
     * finite, which stops training at the first step where they are not, then the SGD update.
     */
    static StepOutcome step(Network network, SgdMomentum optimizer, Batch batch, double lr, DivergenceWatch watch,
            int epoch, int batchIndex) {
        try (NDManager scope = network.manager().newSubManager()) {
            StepOutcome outcome = forwardBackward(network, scope, batch);
            if (watch != null) {
                watch.check(network, scope, batch, outcome.loss(), epoch, batchIndex);
            }
            optimizer.step(lr, scope);
            return outcome;
        }
    }

    /**
     * The forward and backward pass of one training step, exactly as training runs it: logits in training mode
     * (BatchNorm on batch statistics, running statistics updated), mean softmax cross-entropy, and backward. Leaves
     * each trainable parameter's gradient on it (added to what is there: the optimizer zeroes them).
     *
     * @param network the network (its BatchNorm running statistics change)
     * @param scope the manager the step's arrays belong to
     * @param batch images and labels
     * @return the mean loss and the number of correct predictions
     */
    public static StepOutcome forwardBackward(Network network, NDManager scope, Batch batch) {
        NDArray x = Network.images(scope, batch.images(), batch.size());
        long[] labels = new long[batch.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = batch.labels()[i];
        }
        NDArray y = scope.create(labels);
        try (GradientCollector collector = TorchEngine.newGradientCollector()) {
            NDArray logits = network.logits(x, true);
            NDArray loss = crossEntropy(logits, y);
            collector.backward(loss);
            return new StepOutcome(loss.getFloat(), logits.argMax(1).eq(y).countNonzero().getLong());
        }
    }

    /**
     * The training loss: mean over the batch of {@code -log softmax(logits)[label]}.
     *
     * @param logits N x classes
     * @param labels N class indices (int64)
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.logSoftmax(1);
        return logProbs.get(new NDIndex().addAllDim().addPickDim(labels.expandDims(1))).neg().mean();
    }

    /** Builds a {@link Trainer}. */
    public static final class Builder {
        private TrainConfig config;
        private int threads = 2;
        private String taskName = "train";
        private TrainingProgress progress = TrainingProgress.SILENT;
        private Path epochDirectory;
        private String resumeKey;

        private Builder() {}

        /** Required: the hyper-parameters. */
        public Builder setConfig(TrainConfig value) {
            this.config = value;
            return this;
        }

        /** PyTorch threads; default 2. Results depend on it, so it belongs to the lineage. */
        public Builder optThreads(int value) {
            this.threads = value;
            return this;
        }

        /** A name shown in progress output; default "train". */
        public Builder optTaskName(String value) {
            this.taskName = value;
            return this;
        }

        /** Progress receiver; default silent. */
        public Builder optProgress(TrainingProgress value) {
            this.progress = value;
            return this;
        }

        /**
         * Keeps a resumable state after every epoch in {@code directory}, valid only for runs with
         * the same {@code key} (derive it from everything that determines the result).
         */
        public Builder optEpochCheckpoints(Path directory, String key) {
            this.epochDirectory = directory;
            this.resumeKey = key;
            return this;
        }

        /** Validates and builds. */
        public Trainer build() {
            Objects.requireNonNull(config, "config is required: call setConfig");
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " is below 1");
            }
            if (epochDirectory != null && (resumeKey == null || resumeKey.isBlank())) {
                throw new IllegalArgumentException("epoch checkpoints need a non-empty resume key");
            }
            return new Trainer(this);
        }
    }
}
