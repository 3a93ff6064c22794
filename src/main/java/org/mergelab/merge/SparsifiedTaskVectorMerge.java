package org.mergelab.merge;

import java.util.SplittableRandom;

/**
 * The task-vector family (mergekit's "generalized task arithmetic"):
 *
 * <pre>
 *   τ_i  = θ_i − θ_base                       task vectors, float64
 *   τ'_i = sparsify(τ_i; density_i, gamma_i)  {@link Sparsification}
 *   m    = combine(w_i τ'_i)                  {@link Consensus}, optionally normalized
 *   θ    = θ_base + λ · m
 * </pre>
 *
 * Task arithmetic, TIES, DARE and Breadcrumbs are this class with different parameters; each
 * method class holds one instance and documents its defaults.
 */
final class SparsifiedTaskVectorMerge {

    private final Sparsification sparsification;
    private final Consensus consensus;
    private final double defaultDensity;
    private final double defaultGamma;
    private final boolean defaultNormalize;
    private final boolean defaultRescale;

    SparsifiedTaskVectorMerge(Sparsification sparsification, Consensus consensus, double defaultDensity,
            double defaultGamma, boolean defaultNormalize, boolean defaultRescale) {
        this.sparsification = sparsification;
        this.consensus = consensus;
        this.defaultDensity = defaultDensity;
        this.defaultGamma = defaultGamma;
        this.defaultNormalize = defaultNormalize;
        this.defaultRescale = defaultRescale;
    }

    /** Merges; the caller has already checked the request against its {@link MethodSignature}. */
    float[] merge(MergeRequest request) {
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        double lambda = request.globalParameter(MergeParameter.LAMBDA, 1.0);
        boolean normalize = request.globalFlag(MergeParameter.NORMALIZE, defaultNormalize);
        boolean rescale = request.globalFlag(MergeParameter.RESCALE, defaultRescale);
        SplittableRandom tensorRandom = TensorRandom.forTensor(request.seed(), request.tensorName());

        double[] weights = new double[models];
        double[][] weighted = new double[models][];
        for (int i = 0; i < models; i++) {
            float[] model = request.models().get(i);
            double[] tau = new double[n];
            for (int j = 0; j < n; j++) {
                tau[j] = (double) model[j] - base[j];
            }
            // split for every model, whatever the method, so model i always gets the same stream
            SplittableRandom modelRandom = tensorRandom.split();
            sparsification.apply(tau,
                    request.modelParameter(i, MergeParameter.DENSITY, defaultDensity),
                    request.modelParameter(i, MergeParameter.GAMMA, defaultGamma),
                    rescale, modelRandom);
            weights[i] = request.modelParameter(i, MergeParameter.WEIGHT, 1.0);
            for (int j = 0; j < n; j++) {
                tau[j] *= weights[i];
            }
            weighted[i] = tau;
        }

        double[] merged = switch (consensus) {
            case SUM -> sum(weighted, weights, normalize, request.tensorName());
            case SIGN_ELECTION -> signElection(weighted, weights, normalize);
        };
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (base[j] + lambda * merged[j]);
        }
        return out;
    }

    private static double[] sum(double[][] weighted, double[] weights, boolean normalize, String tensorName) {
        int n = weighted[0].length;
        double[] merged = new double[n];
        for (double[] tau : weighted) {
            for (int j = 0; j < n; j++) {
                merged[j] += tau[j];
            }
        }
        if (normalize) {
            double total = 0.0;
            for (double w : weights) {
                total += w;
            }
            if (Math.abs(total) < 1e-12) {
                throw new IllegalArgumentException("tensor '" + tensorName
                        + "': normalize is on but the weights sum to " + total + "; cannot divide by it");
            }
            for (int j = 0; j < n; j++) {
                merged[j] /= total;
            }
        }
        return merged;
    }

    private static double[] signElection(double[][] weighted, double[] weights, boolean normalize) {
        int n = weighted[0].length;
        double[] merged = new double[n];
        for (int j = 0; j < n; j++) {
            double total = 0.0;
            for (double[] tau : weighted) {
                total += tau[j];
            }
            double elected = total >= 0.0 ? 1.0 : -1.0;
            double agreeing = 0.0;
            double divisor = 0.0;
            for (int i = 0; i < weighted.length; i++) {
                if (Math.signum(weighted[i][j]) == elected) {
                    agreeing += weighted[i][j];
                    divisor += weights[i];
                }
            }
            merged[j] = normalize && divisor != 0.0 ? agreeing / divisor : agreeing;
        }
        return merged;
    }
}
