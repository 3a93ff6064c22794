/**
 * One trainer: minibatch SGD with momentum and weight decay (our own optimizer with PyTorch's semantics, so
 * its state can be checkpointed) on softmax cross-entropy. Pre-training, fine-tuning and the incremental and
 * parallel regimes are ways of calling it, chosen by {@code experiment}.
 *
 * <p>Entry points: {@link org.mergelab.train.Trainer} (a builder taking a {@link org.mergelab.train.TrainConfig}
 * of hyper-parameters and schedule, then {@code train(network, stream)} over a {@code data.BatchStream}, returning a
 * {@link org.mergelab.train.TrainingResult}). With epoch checkpoints it writes the complete state after every
 * epoch (the package-private {@code EpochState}) and a killed run resumes to the same tensors; a loss or
 * gradient that is not finite stops training with a message saying what was seen ({@code DivergenceWatch}).
 * Progress goes to a {@link org.mergelab.train.TrainingProgress} such as
 * {@link org.mergelab.train.ConsoleProgress}. {@link org.mergelab.train.ThroughputBenchmark} measures the bare
 * model step against the whole data pipeline ({@code mergelab bench-train}).
 */
package org.mergelab.train;
