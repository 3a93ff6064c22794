package org.mergelab.train;

import java.util.List;

/**
 * Hyper-parameters of one training run (pre-training or one fine-tune). YAML keys are snake_case;
 * every missing key takes the default given here.
 *
 * @param epochs passes over the training data; default 1
 * @param batchSize images per step; default 128
 * @param learningRate peak learning rate; default 0.1
 * @param momentum SGD momentum (PyTorch semantics: v = m v + g; w -= lr v); default 0.9
 * @param weightDecay L2 penalty added to the gradient of every trainable tensor; default 5e-4
 * @param schedule {@code cosine} (per step, from the peak to 0), {@code step} (multiply by
 *     {@code stepGamma} at each epoch in {@code stepEpochs}) or {@code constant}; default cosine
 * @param stepEpochs epochs at which the step schedule decays; default none
 * @param stepGamma decay factor of the step schedule; default 0.1
 * @param augment random crop (padding 4) and horizontal flip, applied before any cue; default true
 */
public record TrainConfig(
        Integer epochs,
        Integer batchSize,
        Double learningRate,
        Double momentum,
        Double weightDecay,
        String schedule,
        List<Integer> stepEpochs,
        Double stepGamma,
        Boolean augment) {

    /** Fills defaults and validates; messages name the key and the value. */
    public TrainConfig {
        epochs = epochs == null ? 1 : epochs;
        batchSize = batchSize == null ? 128 : batchSize;
        learningRate = learningRate == null ? 0.1 : learningRate;
        momentum = momentum == null ? 0.9 : momentum;
        weightDecay = weightDecay == null ? 5e-4 : weightDecay;
        schedule = schedule == null ? "cosine" : schedule;
        stepEpochs = stepEpochs == null ? List.of() : List.copyOf(stepEpochs);
        stepGamma = stepGamma == null ? 0.1 : stepGamma;
        augment = augment == null ? Boolean.TRUE : augment;
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs: " + epochs + " is below 1 (nothing would be trained)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size: " + batchSize + " is below 1");
        }
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning_rate: " + learningRate + " is not a finite value >= 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: " + momentum + " is outside [0, 1)");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay: " + weightDecay + " is not a finite value >= 0");
        }
        if (!List.of("cosine", "step", "constant").contains(schedule)) {
            throw new IllegalArgumentException("schedule: unknown schedule '" + schedule + "' (known: cosine, step, constant)");
        }
        if (!(stepGamma > 0 && stepGamma <= 1)) {
            throw new IllegalArgumentException("step_gamma: " + stepGamma + " is outside (0, 1]");
        }
    }

    /** All defaults. */
    public static TrainConfig defaults() {
        return new TrainConfig(null, null, null, null, null, null, null, null, null);
    }

    /** A copy with another number of epochs. */
    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(newEpochs, batchSize, learningRate, momentum, weightDecay, schedule, stepEpochs, stepGamma, augment);
    }

    /** A copy with another peak learning rate. */
    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, lr, momentum, weightDecay, schedule, stepEpochs, stepGamma, augment);
    }

    /**
     * The learning rate of one step.
     *
     * @param epoch zero-based epoch
     * @param batch zero-based batch within the epoch
     * @param batchesPerEpoch steps per epoch
     */
    public double learningRateAt(int epoch, int batch, int batchesPerEpoch) {
        return switch (schedule) {
            case "constant" -> learningRate;
            case "step" -> {
                double lr = learningRate;
                for (int e : stepEpochs) {
                    if (epoch >= e) {
                        lr *= stepGamma;
                    }
                }
                yield lr;
            }
            default -> {
                long total = (long) epochs * batchesPerEpoch;
                long t = (long) epoch * batchesPerEpoch + batch;
                yield total == 0 ? learningRate : 0.5 * learningRate * (1 + Math.cos(Math.PI * t / total));
            }
        };
    }
}
