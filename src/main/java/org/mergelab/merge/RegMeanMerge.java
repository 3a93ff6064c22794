package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.REDUCE_NON_DIAGONAL_RATIO;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code regmean} (Jin et al. 2023, "Dataless Knowledge Fusion by Merging Weights of Language Models"): the
 * weights of each linear map chosen so that the merged map's outputs are closest, in least squares, to every
 * model's outputs on that model's own inputs.
 *
 * <p>A weight W_i of shape {@code [out, in, ...]} is read as an {@code out x d} matrix (d = in x kernel elements,
 * the row-major flattening of a convolution's kernel, which matches the patch order of {@code mergelab gram}).
 * G_i is model i's input Gram matrix {@code [d, d]} (the mean of x xᵀ over its inputs x: token vectors of a linear
 * layer, image patches of a convolution). With α = {@code reduce_non_diagonal_ratio}:
 *
 * <pre>  G̃_i = α G_i + (1 − α) diag(G_i)                     (off-diagonal entries scaled by α)
 *   W  = (Σ_i w_i W_i G̃_i) (Σ_i w_i G̃_i)⁻¹                (minimises Σ_i w_i ‖X̃_i Wᵀ − X̃_i W_iᵀ‖²)</pre>
 *
 * solved in float64 by a Cholesky factorisation of Σ w_i G̃_i, elements and sums in a fixed order, rounded once to
 * float32. Tensors without Gram matrices (biases, norms, embeddings: a request without auxiliary arrays) get the
 * weighted mean Σ w_i θ_i / Σ w_i, as in the paper, where every parameter outside linear layers is averaged.
 *
 * <p>An input feature that no model ever saw (a zero row and column in every G_i, such as a dead ReLU channel)
 * leaves the least-squares problem open for its column of W: that column gets the weighted mean of the models'
 * columns. A sum that is singular otherwise (possible only with α = 1) is an error naming the tensor, suggesting
 * α &lt; 1; with α &lt; 1 the sum is positive definite whenever the diagonals are.
 *
 * <p>No base. Per model: {@code weight} w_i &ge; 0 (default 1), not all 0; the Gram file ({@code gram: PATH} in a
 * recipe, {@link AuxiliaryInput#INPUT_GRAM}). Global: {@code reduce_non_diagonal_ratio} α in [0, 1], default 0.9:
 * mergelab's choice. The paper reduces the off-diagonal entries to regularise the solution and tunes α; its
 * reference code's function default is 1 (no reduction), FusionBench's CLIP example uses 0.95. α = 0 gives each
 * column of W a per-input-feature weighted mean (weights w_i G_i[k, k]).
 */
final class RegMeanMerge extends AbstractMergeMethod {

    /** Relative size below which a Cholesky pivot counts as zero (the sum is then singular). */
    private static final double SINGULAR_PIVOT = 1e-12;

    /** Largest difference between G[k, j] and G[j, k], relative to sqrt(G[k, k] G[j, j]), taken for rounding. */
    private static final double ASYMMETRY = 1e-3;

    RegMeanMerge() {
        super("regmean", References.REGMEAN, MethodSignature.of(1, ANY, false, Map.of(WEIGHT, 1.0),
                Map.of(REDUCE_NON_DIAGONAL_RATIO, 0.9)).withAuxiliary(AuxiliaryInput.INPUT_GRAM));
    }

    @Override
    float[] compute(MergeRequest request) {
        String where = "method 'regmean', tensor '" + request.tensorName() + "'";
        int models = request.modelCount();
        double[] weights = signature().nonNegativeWeights(request, where);
        double total = 0.0;
        for (double w : weights) {
            total += w;
        }
        if (request.auxiliary() == null) {
            return weightedMean(request.models(), weights, total);
        }
        double alpha = signature().global(request, REDUCE_NON_DIAGONAL_RATIO);
        int n = request.length();
        int out = Math.toIntExact(request.shape()[0]);
        int d = n / out;
        List<float[]> grams = request.auxiliary();
        for (int i = 0; i < models; i++) {
            requireGram(grams.get(i), d, i, where);
        }
        // S = Σ w_i G̃_i (d x d) and R = Σ w_i G̃_i W_iᵀ (d x out), row-major
        double[] sum = new double[d * d];
        double[] rhs = new double[d * out];
        double[] reduced = new double[d];
        for (int i = 0; i < models; i++) {
            float[] gram = grams.get(i);
            float[] weight = request.models().get(i);
            double w = weights[i];
            for (int k = 0; k < d; k++) {
                for (int j = 0; j < d; j++) {
                    double g = 0.5 * ((double) gram[k * d + j] + gram[j * d + k]);
                    reduced[j] = w * (j == k ? g : alpha * g);
                    sum[k * d + j] += reduced[j];
                }
                for (int o = 0; o < out; o++) {
                    double dot = 0.0;
                    int row = o * d;
                    for (int j = 0; j < d; j++) {
                        dot += reduced[j] * weight[row + j];
                    }
                    rhs[k * out + o] += dot;
                }
            }
        }
        fixUnseenFeatures(sum, rhs, request.models(), weights, total, d, out, where);
        solveInPlace(sum, rhs, d, out, where, alpha);
        float[] merged = new float[n];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < d; k++) {
                merged[o * d + k] = (float) rhs[k * out + o];
            }
        }
        return merged;
    }

    private static float[] weightedMean(List<float[]> models, double[] weights, double total) {
        int n = models.getFirst().length;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int i = 0; i < models.size(); i++) {
                s += weights[i] * models.get(i)[j];
            }
            out[j] = (float) (s / total);
        }
        return out;
    }

    /**
     * A Gram matrix is symmetric with a diagonal &ge; 0. One computed in float32 by a BLAS (x.T @ x) may differ from
     * its transpose by rounding, so the merge uses its symmetric part, and refuses an entry whose mirror differs by
     * more than {@link #ASYMMETRY} of sqrt(G[k, k] G[j, j]) (a wrong or corrupt file).
     */
    private static void requireGram(float[] gram, int d, int model, String where) {
        for (int k = 0; k < d; k++) {
            if (gram[k * d + k] < 0.0f) {
                throw new IllegalArgumentException(where + ": the Gram matrix of model " + model + " has "
                        + gram[k * d + k] + " on its diagonal at input feature " + k + "; a Gram matrix has a"
                        + " diagonal >= 0");
            }
        }
        for (int k = 0; k < d; k++) {
            for (int j = k + 1; j < d; j++) {
                double a = gram[k * d + j];
                double b = gram[j * d + k];
                if (Math.abs(a - b) > ASYMMETRY * Math.sqrt((double) gram[k * d + k] * gram[j * d + j])) {
                    throw new IllegalArgumentException(where + ": the Gram matrix of model " + model
                            + " is not symmetric: [" + k + ", " + j + "] = " + gram[k * d + j] + " but [" + j + ", "
                            + k + "] = " + gram[j * d + k]);
                }
            }
        }
    }

    /**
     * For an input feature k with a zero diagonal in the sum (no model saw it), the least-squares problem says
     * nothing about column k of W: it becomes the row k of the identity in S and the weighted mean of the models'
     * columns in R. A zero diagonal with a non-zero off-diagonal entry is not a Gram matrix.
     */
    private static void fixUnseenFeatures(double[] sum, double[] rhs, List<float[]> models, double[] weights,
            double total, int d, int out, String where) {
        for (int k = 0; k < d; k++) {
            if (sum[k * d + k] != 0.0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                if (sum[k * d + j] != 0.0) {
                    throw new IllegalArgumentException(where + ": input feature " + k + " has a zero diagonal in"
                            + " the summed Gram matrices but entry [" + k + ", " + j + "] = " + sum[k * d + j]
                            + "; Gram matrices are positive semi-definite");
                }
            }
            sum[k * d + k] = 1.0;
            for (int o = 0; o < out; o++) {
                double s = 0.0;
                for (int i = 0; i < models.size(); i++) {
                    s += weights[i] * models.get(i)[o * d + k];
                }
                rhs[k * out + o] = s / total;
            }
        }
    }

    /** Solves S X = R for X (d x out) by Cholesky, S = L Lᵀ; X replaces R, L replaces S's lower triangle. */
    private static void solveInPlace(double[] s, double[] r, int d, int out, String where, double alpha) {
        double largest = 0.0;
        for (int k = 0; k < d; k++) {
            largest = Math.max(largest, s[k * d + k]);
        }
        for (int k = 0; k < d; k++) {
            double pivot = s[k * d + k];
            for (int j = 0; j < k; j++) {
                pivot -= s[k * d + j] * s[k * d + j];
            }
            if (!(pivot > SINGULAR_PIVOT * largest)) {
                throw new IllegalArgumentException(where + ": the summed Gram matrices are singular or not positive"
                        + " definite (pivot " + pivot + " at input feature " + k + " against a largest diagonal of "
                        + largest + ")" + (alpha == 1.0 ? "; set reduce_non_diagonal_ratio below 1 (e.g. 0.9) to"
                        + " regularise" : "; check the Gram files"));
            }
            double l = Math.sqrt(pivot);
            s[k * d + k] = l;
            for (int i = k + 1; i < d; i++) {
                double v = s[i * d + k];
                for (int j = 0; j < k; j++) {
                    v -= s[i * d + j] * s[k * d + j];
                }
                s[i * d + k] = v / l;
            }
        }
        // forward: L Y = R
        for (int k = 0; k < d; k++) {
            double l = s[k * d + k];
            for (int o = 0; o < out; o++) {
                double v = r[k * out + o];
                for (int j = 0; j < k; j++) {
                    v -= s[k * d + j] * r[j * out + o];
                }
                r[k * out + o] = v / l;
            }
        }
        // backward: Lᵀ X = Y
        for (int k = d - 1; k >= 0; k--) {
            double l = s[k * d + k];
            for (int o = 0; o < out; o++) {
                double v = r[k * out + o];
                for (int j = k + 1; j < d; j++) {
                    v -= s[j * d + k] * r[j * out + o];
                }
                r[k * out + o] = v / l;
            }
        }
        if (Arrays.stream(r).anyMatch(v -> !Double.isFinite(v))) {
            throw new IllegalArgumentException(where + ": the solution is not finite; the summed Gram matrices are"
                    + " too ill-conditioned");
        }
    }
}
