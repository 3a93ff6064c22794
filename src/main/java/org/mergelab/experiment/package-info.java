/**
 * The cue protocol of PROTOCOL.md and the commands that train, probe and estimate on mergelab checkpoints.
 *
 * <p>Entry points: {@link org.mergelab.experiment.ExperimentRunner} ({@code mergelab run} and {@code demo}: plan,
 * run with any number of workers, report), {@link org.mergelab.experiment.TrainRun} ({@code train}),
 * {@link org.mergelab.experiment.Evaluation} ({@code eval}) and {@link org.mergelab.experiment.DataStatisticsRun}
 * ({@code fisher}, {@code gram}). An experiment is read into an {@link org.mergelab.experiment.ExperimentConfig}.
 *
 * <p>{@link org.mergelab.experiment.ExperimentPlan} says which units an experiment needs, each keyed by the SHA-256
 * of a typed key record: {@link org.mergelab.experiment.TrainingUnit} (pre-training or a fine-tune, through
 * {@link org.mergelab.experiment.TaskTraining}), {@link org.mergelab.experiment.ProbeUnit} (the probes of a
 * checkpoint), {@link org.mergelab.experiment.InterpolationUnit} (a merge-and-probe sweep over alpha),
 * {@link org.mergelab.experiment.StatisticUnit} (an endpoint's Fisher or Gram statistic),
 * {@link org.mergelab.experiment.EndpointUnit} and {@link org.mergelab.experiment.MergeUnit} (the method study's
 * endpoints, and one merge method's sweep) and {@link org.mergelab.experiment.SwapUnit} (layer-group swaps). Each unit
 * runs itself with a {@link org.mergelab.experiment.UnitContext}; the generic scheduler of
 * {@link org.mergelab.work} decides who runs what. Trained checkpoints carry their
 * {@link org.mergelab.experiment.TrainingRecipe} in their lineage, from which
 * {@link org.mergelab.experiment.CheckpointModels} rebuilds the network.
 */
package org.mergelab.experiment;
