package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.EPSILON;
import static org.mergelab.merge.MergeParameter.FISHER_NORM;
import static org.mergelab.merge.MergeParameter.NORMALIZE_FISHERS;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Map;

/**
 * {@code fisher} (Matena &amp; Raffel 2022): an elementwise average weighted by each model's
 * diagonal Fisher information.
 *
 * <pre>  θ_j = Σ_i c_i (F_i,j + ε) θ_i,j / Σ_i c_i (F_i,j + ε)
 *   c_i = w_i                 (default)
 *   c_i = w_i / ‖F_i‖₂        (normalize_fishers = 1; ‖F_i‖₂ over every tensor of model i)</pre>
 *
 * F_i is given as {@link MergeRequest#auxiliary()} (one array per model, same length, values
 * &ge; 0); estimating it needs a model and data and lives outside this package. ε is added to
 * every F_i,j, so where all Fisher values are ≪ ε the result is the plain weighted mean
 * Σ w_i θ_i / Σ w_i, and the denominator never vanishes.
 *
 * <p>The normalised form is the one of the original Fisher-merging code (Matena &amp; Raffel,
 * {@code model_merging/merging.py}, {@code normalize_fishers}), which divides each model's
 * coefficient by the L2 norm of its whole-model Fisher, so that Fishers estimated at different
 * scales (batch sizes, sample counts) weigh alike. The raw form stays the default, so that
 * existing merges keep their numbers; Fishers from {@code mergelab fisher} share one estimator,
 * and their raw values compare directly. Where that code floors the first model's F at 1e-6 (and the others not
 * at all), mergelab adds ε to every F. A single request cannot see the whole model, so with
 * normalize_fishers each model's norm arrives as the per-model {@code fisher_norm}, which
 * {@link StreamingMerge} computes from the Fisher files.
 *
 * <p>No base. Per model: {@code weight} w_i &ge; 0 (default 1), not all 0; {@code fisher_norm}
 * (only with normalize_fishers). Global: {@code epsilon} &gt; 0 (default 1e-8),
 * {@code normalize_fishers} (default 0).
 */
final class FisherMerge extends AbstractMergeMethod implements RangeMergeable {

    FisherMerge() {
        super("fisher", References.FISHER, MethodSignature.of(1, ANY, false,
                Map.of(WEIGHT, 1.0, FISHER_NORM, MethodSignature.COMPUTED), Map.of(EPSILON, 1e-8, NORMALIZE_FISHERS, 0.0))
                .withAuxiliary(AuxiliaryInput.FISHER_DIAGONAL));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.ELEMENTWISE;
    }

    @Override
    float[] compute(MergeRequest request) {
        String where = "method 'fisher', tensor '" + request.tensorName() + "'";
        int models = request.modelCount();
        double epsilon = signature().global(request, EPSILON);
        boolean normalizeFishers = signature().globalFlag(request, NORMALIZE_FISHERS);
        double[] weights = signature().nonNegativeWeights(request, where);
        for (int i = 0; i < models; i++) {
            boolean hasNorm = request.perModelParameters().get(i).containsKey(FISHER_NORM.key());
            if (normalizeFishers && !hasNorm) {
                throw new IllegalArgumentException(where + ": normalize_fishers divides model " + i
                        + "'s weight by the L2 norm of its whole Fisher (per-model 'fisher_norm', computed from the"
                        + " Fisher files when merging checkpoints); none was given");
            }
            if (!normalizeFishers && hasNorm) {
                throw new IllegalArgumentException(where + ": 'fisher_norm' of model " + i
                        + " is read only with normalize_fishers = 1");
            }
            if (normalizeFishers) {
                weights[i] /= signature().perModel(request, i, FISHER_NORM);
            }
            float[] fisher = request.auxiliary().get(i);
            for (int j = 0; j < fisher.length; j++) {
                if (fisher[j] < 0.0f) {
                    throw new IllegalArgumentException(where + ": Fisher value " + fisher[j] + " of model " + i
                            + " at element " + j + " is negative; a diagonal Fisher is >= 0");
                }
            }
        }
        int n = request.length();
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double numerator = 0.0;
            double denominator = 0.0;
            for (int i = 0; i < models; i++) {
                double f = weights[i] * (request.auxiliary().get(i)[j] + epsilon);
                numerator += f * request.models().get(i)[j];
                denominator += f;
            }
            out[j] = (float) (numerator / denominator);
        }
        return out;
    }
}
