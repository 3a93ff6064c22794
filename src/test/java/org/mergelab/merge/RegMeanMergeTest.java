package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegMeanMergeTest extends MergeMethodContractTest {

    @Override
    MergeMethod method() {
        return MergeMethods.byName("regmean");
    }

    /**
     * The contract's requests as weights {@code [n / d, d]} with d = 3 where n allows it (else 1), and a random
     * positive definite Gram matrix per model, so that the contract runs the Gram path.
     */
    @Override
    MergeRequest.Builder requestFor(String tensorName, List<float[]> models, float[] base) {
        int n = models.getFirst().length;
        int d = n % 3 == 0 ? 3 : 1;
        List<float[]> grams = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            grams.add(randomGram(new SplittableRandom(100 + i), d));
        }
        return MergeRequest.builder().setTensorName(tensorName).setModels(models).optShape(new long[] {n / d, d})
                .optAuxiliary(grams);
    }

    /** X^T X / rows for 4d random rows: symmetric and (almost surely) positive definite. */
    static float[] randomGram(SplittableRandom random, int d) {
        int rows = 4 * d;
        double[][] x = new double[rows][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextDouble() * 2 - 1;
            }
        }
        float[] g = new float[d * d];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (double[] row : x) {
                    s += row[k] * row[j];
                }
                g[k * d + j] = (float) (s / rows);
            }
        }
        return g;
    }

    // W1 = [1, 0], G1 = [[2, 1], [1, 1]]; W2 = [0, 1], G2 = [[1, 0], [0, 1]] (one output row, d = 2)
    private static MergeRequest.Builder twoByTwo(double alpha) {
        return MergeRequest.builder().setTensorName("fc.weight").setModels(new float[] {1, 0}, new float[] {0, 1})
                .optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {2, 1, 1, 1}, new float[] {1, 0, 0, 1}))
                .optGlobalParameters(Map.of("reduce_non_diagonal_ratio", alpha));
    }

    @Test
    void exactRegMeanSolvesTheNormalEquations() {
        // S = [[3, 1], [1, 2]], R = G1 W1ᵀ + G2 W2ᵀ = [2, 1] + [0, 1] = [2, 2]; S⁻¹ = [[2, −1], [−1, 3]] / 5
        // W = [(4 − 2) / 5, (−2 + 6) / 5] = [0.4, 0.8]
        assertClose(method().merge(twoByTwo(1.0).build()), new double[] {0.4, 0.8}, 1e-7);
    }

    @Test
    void theOffDiagonalEntriesAreScaledByTheRatio() {
        // α = 0.5: G̃1 = [[2, 0.5], [0.5, 1]]; S = [[3, 0.5], [0.5, 2]], det 5.75; R = [2, 0.5] + [0, 1] = [2, 1.5]
        // W = [[2, −0.5], [−0.5, 3]] [2, 1.5] / 5.75 = [3.25, 3.5] / 5.75
        assertClose(method().merge(twoByTwo(0.5).build()), new double[] {3.25 / 5.75, 3.5 / 5.75}, 1e-7);
        // α = 0: per input feature k, Σ w_i G_i[k, k] W_i[k] / Σ w_i G_i[k, k] = [2 / 3, 1 / 2]
        assertClose(method().merge(twoByTwo(0.0).build()), new double[] {2.0 / 3, 0.5}, 1e-7);
    }

    @Test
    void weightsScaleEachModelsTerm() {
        // α = 0, weights 1 and 4: [2 / (2 + 4), 4 / (1 + 4)]
        MergeRequest request = twoByTwo(0.0).optPerModelParameters(List.of(Map.of("weight", 1.0),
                Map.of("weight", 4.0))).build();
        assertClose(method().merge(request), new double[] {2.0 / 6, 4.0 / 5}, 1e-7);
    }

    @Test
    void equalGramMatricesGiveTheWeightedMean() {
        SplittableRandom random = new SplittableRandom(5);
        float[] gram = randomGram(random, 4);
        List<float[]> models = List.of(randomTensor(random, 12), randomTensor(random, 12), randomTensor(random, 12));
        MergeRequest request = MergeRequest.builder().setTensorName("w").setModels(models).optShape(new long[] {3, 4})
                .optAuxiliary(List.of(gram, gram, gram)).optPerModelParameters(List.of(Map.of("weight", 1.0),
                        Map.of("weight", 2.0), Map.of("weight", 5.0))).build();
        double[] mean = new double[12];
        for (int j = 0; j < 12; j++) {
            mean[j] = (models.get(0)[j] + 2.0 * models.get(1)[j] + 5.0 * models.get(2)[j]) / 8.0;
        }
        assertClose(method().merge(request), mean, 1e-6);
    }

    @Test
    void aTensorWithoutGramsIsTheWeightedMean() {
        MergeRequest request = MergeRequest.builder().setTensorName("bn1.bias").setModels(new float[] {1, 2},
                new float[] {4, -2}).optPerModelParameters(List.of(Map.of("weight", 1.0), Map.of("weight", 3.0)))
                .build();
        assertClose(method().merge(request), new double[] {13.0 / 4, -1.0}, 1e-7);
    }

    @Test
    void aSingularSumAtRatioOneIsRefusedSuggestingALowerRatio() {
        // both Grams [[1, 1], [1, 1]]: the inputs were always equal in both features, so W is not determined
        MergeRequest request = MergeRequest.builder().setTensorName("layers.2.w").setModels(new float[] {1, 0},
                new float[] {0, 1}).optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {1, 1, 1, 1},
                new float[] {1, 1, 1, 1})).optGlobalParameters(Map.of("reduce_non_diagonal_ratio", 1.0)).build();
        assertThatThrownBy(() -> method().merge(request)).hasMessageContaining("'layers.2.w'")
                .hasMessageContaining("singular").hasMessageContaining("reduce_non_diagonal_ratio below 1");
        // the default 0.9 regularises it: S = 2 [[1, 0.9], [0.9, 1]], R = [1, 0.9] + [0.9, 1] → W = [0.5, 0.5]
        MergeRequest regularised = MergeRequest.builder().setTensorName("layers.2.w").setModels(new float[] {1, 0},
                new float[] {0, 1}).optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {1, 1, 1, 1},
                new float[] {1, 1, 1, 1})).build();
        assertClose(method().merge(regularised), new double[] {0.5, 0.5}, 1e-7);
    }

    @Test
    void badGramMatricesAreRefusedNamingTheTensorAndModel() {
        MergeRequest asymmetric = MergeRequest.builder().setTensorName("w").setModels(new float[] {1, 0},
                new float[] {0, 1}).optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {1, 0, 0, 1},
                new float[] {1, 0.5f, 0, 1})).build();
        assertThatThrownBy(() -> method().merge(asymmetric)).hasMessageContaining("'w'")
                .hasMessageContaining("model 1 is not symmetric");
        MergeRequest negative = MergeRequest.builder().setTensorName("w").setModels(new float[] {1, 0},
                new float[] {0, 1}).optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {1, 0, 0, -1},
                new float[] {1, 0, 0, 1})).build();
        assertThatThrownBy(() -> method().merge(negative)).hasMessageContaining("model 0 has -1.0 on its diagonal");
        MergeRequest wrongSize = MergeRequest.builder().setTensorName("w").setModels(new float[] {1, 0},
                new float[] {0, 1}).optShape(new long[] {1, 2}).optAuxiliary(List.of(new float[] {1}, new float[] {1}))
                .build();
        assertThatThrownBy(() -> method().merge(wrongSize)).hasMessageContaining("Gram matrix of model 0 has 1 elements")
                .hasMessageContaining("[2, 2]");
        MergeRequest oneDimensional = MergeRequest.builder().setTensorName("b").setModels(new float[] {1, 0},
                new float[] {0, 1}).optAuxiliary(List.of(new float[] {1}, new float[] {1})).build();
        assertThatThrownBy(() -> method().merge(oneDimensional)).hasMessageContaining("at least two dimensions");
    }

    @Test
    void negativeOrAllZeroWeightsAreRefused() {
        assertThatThrownBy(() -> method().merge(twoByTwo(0.9).optPerModelParameters(List.of(Map.of("weight", -1.0),
                Map.of("weight", 1.0))).build())).hasMessageContaining("weight of model 0 is -1.0");
        assertThatThrownBy(() -> method().merge(twoByTwo(0.9).optPerModelParameters(List.of(Map.of("weight", 0.0),
                Map.of("weight", 0.0))).build())).hasMessageContaining("all weights are 0");
    }

    @Test
    void theSolutionZeroesTheGradientOfTheWeightedLeastSquares() {
        // Σ_i w_i (W − W_i) G̃_i = 0 for the merged W: the first-order condition of the problem regmean solves
        SplittableRandom random = new SplittableRandom(9);
        int out = 3;
        int d = 5;
        double alpha = 0.8;
        double[] w = {1.0, 0.3};
        List<float[]> models = List.of(randomTensor(random, out * d), randomTensor(random, out * d));
        List<float[]> grams = List.of(randomGram(random, d), randomGram(random, d));
        float[] merged = method().merge(MergeRequest.builder().setTensorName("w").setModels(models)
                .optShape(new long[] {out, d}).optAuxiliary(grams)
                .optPerModelParameters(List.of(Map.of("weight", w[0]), Map.of("weight", w[1])))
                .optGlobalParameters(Map.of("reduce_non_diagonal_ratio", alpha)).build());
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < d; j++) {
                double gradient = 0;
                for (int i = 0; i < 2; i++) {
                    for (int k = 0; k < d; k++) {
                        double g = grams.get(i)[k * d + j] * (k == j ? 1 : alpha);
                        gradient += w[i] * (merged[o * d + k] - models.get(i)[o * d + k]) * g;
                    }
                }
                assertThat(Math.abs(gradient)).as("gradient at [%d, %d]", o, j).isLessThan(1e-6);
            }
        }
    }

    /**
     * The blocked, off-heap solve gives, whole or in ranges of output rows, the bits of the textbook loops it
     * replaced ({@link #textbookSolve}): d = 600 (two blocks of Gram rows, many panels and tiles), one Gram not
     * symmetric bit for bit (its columns are read), and an input feature no model saw.
     */
    @Test
    void theBlockedSolveGivesTheBitsOfTheTextbookLoops() {
        SplittableRandom random = new SplittableRandom(33);
        int d = 600;
        int out = 300;
        int unseen = 17;
        double[] weights = {0.7, 0.4, 0.5};
        double alpha = 0.8;
        List<float[]> models = new ArrayList<>();
        List<float[]> grams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            models.add(randomTensor(random, out * d));
            float[] g = new float[d * d];
            for (int k = 0; k < d; k++) {
                g[k * d + k] = k == unseen ? 0f : (float) (1 + random.nextDouble());
                for (int j = 0; j < k; j++) {
                    float v = k == unseen || j == unseen ? 0f : (float) ((random.nextDouble() - 0.5) / d);
                    g[k * d + j] = v;
                    g[j * d + k] = i == 2 && v != 0f && (k + j) % 7 == 0 ? Math.nextUp(v) : v;
                }
            }
            grams.add(g);
        }
        MergeRequest request = MergeRequest.builder().setTensorName("mlp.down.weight").setModels(models)
                .optShape(out, d).optAuxiliary(grams).optGlobalParameters(Map.of("reduce_non_diagonal_ratio", alpha))
                .optPerModelParameters(List.of(Map.of("weight", weights[0]), Map.of("weight", weights[1]),
                        Map.of("weight", weights[2]))).build();
        int[] expected = bits(textbookSolve(models, grams, weights, alpha, out, d));
        assertThat(bits(method().merge(request))).isEqualTo(expected);
        assertThat(RangedTensorMerge.ranges((RangeMergeable) method(), request.shape(), 1 << 16, true)).hasSize(3);
        assertThat(bits(mergeInRanges((RangeMergeable) method(), request, 1 << 16))).isEqualTo(expected);
    }

    /**
     * regmean as first written, whole tensor, row-major loops (no checks): S and R summed model by model, the
     * unseen features' rows of the identity and weighted means, a Cholesky factor row by row, forward and backward
     * substitution by dot products.
     */
    private static float[] textbookSolve(List<float[]> models, List<float[]> grams, double[] weights, double alpha,
            int out, int d) {
        double total = 0.0;
        for (double w : weights) {
            total += w;
        }
        double[] sum = new double[d * d];
        double[] rhs = new double[d * out];
        double[] reduced = new double[d];
        for (int i = 0; i < models.size(); i++) {
            float[] gram = grams.get(i);
            float[] weight = models.get(i);
            for (int k = 0; k < d; k++) {
                for (int j = 0; j < d; j++) {
                    double g = 0.5 * ((double) gram[k * d + j] + gram[j * d + k]);
                    reduced[j] = weights[i] * (j == k ? g : alpha * g);
                    sum[k * d + j] += reduced[j];
                }
                for (int o = 0; o < out; o++) {
                    double dot = 0.0;
                    for (int j = 0; j < d; j++) {
                        dot += reduced[j] * weight[o * d + j];
                    }
                    rhs[k * out + o] += dot;
                }
            }
        }
        for (int k = 0; k < d; k++) {
            if (sum[k * d + k] == 0.0) {
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
        for (int k = 0; k < d; k++) {
            double pivot = sum[k * d + k];
            for (int j = 0; j < k; j++) {
                pivot -= sum[k * d + j] * sum[k * d + j];
            }
            double l = Math.sqrt(pivot);
            sum[k * d + k] = l;
            for (int i = k + 1; i < d; i++) {
                double v = sum[i * d + k];
                for (int j = 0; j < k; j++) {
                    v -= sum[i * d + j] * sum[k * d + j];
                }
                sum[i * d + k] = v / l;
            }
        }
        for (int k = 0; k < d; k++) {
            for (int o = 0; o < out; o++) {
                double v = rhs[k * out + o];
                for (int j = 0; j < k; j++) {
                    v -= sum[k * d + j] * rhs[j * out + o];
                }
                rhs[k * out + o] = v / sum[k * d + k];
            }
        }
        for (int k = d - 1; k >= 0; k--) {
            for (int o = 0; o < out; o++) {
                double v = rhs[k * out + o];
                for (int j = k + 1; j < d; j++) {
                    v -= sum[j * d + k] * rhs[j * out + o];
                }
                rhs[k * out + o] = v / sum[k * d + k];
            }
        }
        float[] merged = new float[out * d];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < d; k++) {
                merged[o * d + k] = (float) rhs[k * out + o];
            }
        }
        return merged;
    }
}
