/**
 * Merge methods over plain named tensors: one {@link org.mergelab.merge.MergeMethod} interface,
 * one class per method, one explicit registry ({@link org.mergelab.merge.MergeMethods}).
 *
 * <p>A {@link org.mergelab.merge.MergeRequest} carries one tensor from every input model as a
 * flat {@code float[]}, the optional base, the recipe's parameters (mergekit's keys: weight,
 * density, gamma, epsilon, lambda, normalize, rescale, select_topk, t, normalize_weights, eps, max_iter, tol,
 * nuslerp_flatten, nuslerp_row_wise; mergelab's: beta, normalize_fishers, fisher_norm, reduce_non_diagonal_ratio), the tensor's shape (for the
 * methods that work along an axis or on rows), a seed, and per-model auxiliary arrays
 * ({@link org.mergelab.merge.AuxiliaryInput}: a diagonal Fisher for fisher, an input Gram matrix for regmean). Methods compute in
 * float64 and return float32. The task-vector methods (task_arithmetic, ties, dare_*,
 * breadcrumbs*, della*) are one family with different sparsification and consensus stages.
 * {@link org.mergelab.merge.TensorDiff} compares one tensor across two models.
 *
 * <p>Whole checkpoints: {@link org.mergelab.merge.StreamingMerge} merges them tensor by tensor;
 * {@link org.mergelab.merge.MergeRecipe} reads a mergekit-style YAML recipe and
 * {@link org.mergelab.merge.RecipeMerge} runs it into an output directory with its lineage (a {@code slices:} recipe
 * through {@link org.mergelab.merge.RecipeSlice} and {@link org.mergelab.merge.SliceStack}: layer ranges stacked or
 * merged)
 * ({@code mergelab merge}); {@link org.mergelab.merge.CheckpointDiff} compares two checkpoints and
 * {@link org.mergelab.merge.WeightForensics} two task vectors per {@link org.mergelab.merge.LayerGroups layer group}
 * ({@code mergelab forensics}); {@link org.mergelab.merge.LayerSwap} builds the swap models of "where knowledge
 * lives".
 *
 * <p>This package never imports train, data, model or eval, nor DJL: what needs a model and
 * data (Fisher and Gram estimation, BatchNorm recalibration) hands plain tensors in.
 */
package org.mergelab.merge;
