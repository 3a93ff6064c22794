/**
 * Measuring networks: probes (PROTOCOL.md "Probes"), accuracy, the figures of merit of PROTOCOL.md, and the
 * computations that need a model and data before a merge: BatchNorm recalibration, Fisher and Gram estimation.
 *
 * <p>Entry points: {@link org.mergelab.eval.ProbeSet} builds the batches of every probe ({@code base}, each
 * cue, each {@code -conflict} probe) once per run; {@link org.mergelab.eval.Probes} gives a network's top-1
 * accuracy on them in inference mode. {@link org.mergelab.eval.ProtocolFigures#compute} turns result rows
 * ({@link org.mergelab.eval.ResultRow}, {@link org.mergelab.eval.ProbeAccuracy}) of the protocols
 * ({@link org.mergelab.eval.ProtocolDefinition}) into a {@link org.mergelab.eval.Summary}, the contents of
 * {@code summary.json}: every figure is computed per seed, then given as a {@link org.mergelab.eval.Statistic}
 * (mean, standard error and 95% Student-t interval over seeds). {@link org.mergelab.eval.BatchNormCalibration}
 * re-estimates a network's running statistics in place (the {@code recalibrate} BatchNorm policy) and
 * {@link org.mergelab.eval.FisherEstimation} gives the diagonal empirical Fisher from per-sample gradients as
 * named tensors, the input of the {@code fisher} merge method; {@link org.mergelab.eval.GramEstimation} the input
 * Gram matrices of every convolution and linear weight, the input of {@code regmean}.
 * {@link org.mergelab.eval.MethodStudy} computes the method study's figures from {@link org.mergelab.eval.MergeRow}s
 * (retention under each merge, the coefficient chosen on the selection subset), {@link org.mergelab.eval.PathBarriers}
 * the loss and error barriers along an interpolation path and {@link org.mergelab.eval.RankCorrelation} Spearman's
 * rank correlation (how well a predicted retention ranks the measured one). This package never imports {@code merge}.
 */
package org.mergelab.eval;
