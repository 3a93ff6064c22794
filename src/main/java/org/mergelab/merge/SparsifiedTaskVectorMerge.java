package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.TensorStatistics;
import org.mergelab.merge.MagnitudeRanking.RankCut;

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
 * Task arithmetic, TIES, DARE, Breadcrumbs and DELLA are this class with different stages; each
 * method class holds one instance, and its {@link MethodSignature} gives the parameters' defaults. The
 * rules are mergekit's ({@code generalized_task_arithmetic.GTATask.execute}); with normalize the plain sum is divided by Σ_i w_i, or by 1 when
 * |Σ_i w_i| &lt; 1e-8, and the sign election by the agreeing weights, or by 1 where none agree.
 *
 * <p>Splitting a tensor: without sparsification every entry is merged on its own
 * ({@link Locality#ELEMENTWISE}); magnitude sparsification needs each model's rank cuts over the
 * whole tensor first ({@link Locality#TENSOR_STATISTICS}: a radix selection, see
 * {@link MagnitudeRanking}), and with the L1 rescale also the norm of the kept entries, so it is
 * then merged whole; random sparsification draws one stream per tensor in index order and is
 * merged whole ({@link Locality#WHOLE_TENSOR}). The whole-tensor {@link #merge} is the one-range
 * case of {@link #mergeRange}, so both give the same bits.
 */
final class SparsifiedTaskVectorMerge {

    /** Below this |Σ_i w_i| the plain sum is not divided by it (mergekit's threshold). */
    static final double ZERO_WEIGHT_SUM = 1e-8;

    private final Sparsification sparsification;
    private final Consensus consensus;
    private final MethodSignature signature;

    /** True for the random sparsifications (DARE's drop, DELLA's magnitude-ranked sampling). */
    boolean drawsRandomNumbers() {
        return sparsification == Sparsification.RANDOM || sparsification == Sparsification.MAGNITUDE_SAMPLING;
    }

    SparsifiedTaskVectorMerge(Sparsification sparsification, Consensus consensus, MethodSignature signature) {
        this.sparsification = sparsification;
        this.consensus = consensus;
        this.signature = signature;
    }

    Locality locality(Map<String, Double> globalParameters) {
        return switch (sparsification) {
            case NONE -> Locality.ELEMENTWISE;
            case RANDOM, MAGNITUDE_SAMPLING -> Locality.WHOLE_TENSOR;
            case MAGNITUDE, MAGNITUDE_OUTLIERS -> rescale(globalParameters) == Rescale.L1
                    ? Locality.WHOLE_TENSOR : Locality.TENSOR_STATISTICS;
        };
    }

    // A method that does not take density, gamma, epsilon or rescale (task_arithmetic sparsifies nothing; only
    // breadcrumbs drop outliers, only della samples by rank) gets the value that leaves its task vectors as they are;
    // its sparsification never reads it.

    private Rescale rescale(Map<String, Double> globalParameters) {
        return signature.global().containsKey(MergeParameter.RESCALE)
                ? Rescale.ofCode(signature.global(globalParameters, MergeParameter.RESCALE)) : Rescale.NONE;
    }

    private double density(MergeRequest request, int model) {
        return signature.perModel().containsKey(MergeParameter.DENSITY)
                ? signature.perModel(request, model, MergeParameter.DENSITY) : 1.0;
    }

    private double gamma(MergeRequest request, int model) {
        return signature.perModel().containsKey(MergeParameter.GAMMA)
                ? signature.perModel(request, model, MergeParameter.GAMMA) : 0.0;
    }

    private double epsilon(MergeRequest request, int model) {
        return signature.perModel().containsKey(MergeParameter.EPSILON)
                ? signature.perModel(request, model, MergeParameter.EPSILON) : 0.0;
    }

    /** Magnitudes of every model's task vector over one range, and their high-bit histograms. */
    record RangeMagnitudes(float[][] magnitudes, int[][] highBits) implements TensorStatistics {}

    /** Per model, the rank cuts bounding the kept window; ranges start at {@code offsets}. */
    record WindowCuts(long[] offsets, RankCut[] from, RankCut[] to) implements TensorStatistics {}

    TensorStatistics rangeStatistics(MergeRequest range, long offset) {
        int models = range.modelCount();
        float[] base = range.base();
        float[][] magnitudes = new float[models][];
        int[][] highBits = new int[models][];
        for (int i = 0; i < models; i++) {
            float[] model = range.models().get(i);
            float[] m = new float[model.length];
            for (int j = 0; j < m.length; j++) {
                m[j] = MagnitudeRanking.magnitude((double) model[j] - base[j]);
            }
            magnitudes[i] = m;
            highBits[i] = new int[MagnitudeRanking.BINS];
            MagnitudeRanking.addHighBits(m, highBits[i]);
        }
        return new RangeMagnitudes(magnitudes, highBits);
    }

    TensorStatistics tensorStatistics(MergeRequest first, List<TensorStatistics> ranges) {
        int models = first.modelCount();
        long[] offsets = new long[ranges.size()];
        long total = 0;
        for (int r = 0; r < ranges.size(); r++) {
            offsets[r] = total;
            total += ((RangeMagnitudes) ranges.get(r)).magnitudes()[0].length;
        }
        int n = Math.toIntExact(total);
        RankCut[] from = new RankCut[models];
        RankCut[] to = new RankCut[models];
        for (int i = 0; i < models; i++) {
            int[] histogram = new int[MagnitudeRanking.BINS];
            List<float[]> magnitudes = new ArrayList<>(ranges.size());
            for (TensorStatistics r : ranges) {
                RangeMagnitudes range = (RangeMagnitudes) r;
                magnitudes.add(range.magnitudes()[i]);
                int[] h = range.highBits()[i];
                for (int b = 0; b < h.length; b++) {
                    histogram[b] += h[b];
                }
            }
            Sparsification.RankWindow window = sparsification.window(density(first, i), gamma(first, i), n);
            from[i] = RankCut.of(window.from(), histogram, magnitudes);
            to[i] = RankCut.of(window.to(), histogram, magnitudes);
        }
        return new WindowCuts(offsets, from, to);
    }

    /** Merges; the caller has already checked the request against its {@link MethodSignature}. */
    float[] merge(MergeRequest request) {
        return mergeDrawingFrom(request, seededStreams(request));
    }

    /**
     * Merges with model i's random numbers drawn from {@code streams.get(i)} in place of its seeded stream (tests
     * supply masks this way); the caller has checked the request.
     */
    float[] mergeDrawingFrom(MergeRequest request, List<? extends RandomGenerator> streams) {
        TensorStatistics statistics = locality(request.globalParameters()) == Locality.TENSOR_STATISTICS
                ? tensorStatistics(request, List.of(rangeStatistics(request, 0))) : null;
        return mergeRange(request, 0, statistics, streams);
    }

    /**
     * Model i's stream: the i-th split of the tensor's stream ({@link TensorRandom#forTensor}), split for every model
     * whatever the method, so model i always gets the same stream.
     */
    private static List<SplittableRandom> seededStreams(MergeRequest request) {
        SplittableRandom tensorRandom = TensorRandom.forTensor(request.seed(), request.tensorName());
        List<SplittableRandom> streams = new ArrayList<>(request.modelCount());
        for (int i = 0; i < request.modelCount(); i++) {
            streams.add(tensorRandom.split());
        }
        return streams;
    }

    /** Merges elements [offset, offset + length) given the tensor's {@link WindowCuts} (or null). */
    float[] mergeRange(MergeRequest request, long offset, TensorStatistics statistics) {
        return mergeRange(request, offset, statistics, seededStreams(request));
    }

    private float[] mergeRange(MergeRequest request, long offset, TensorStatistics statistics,
            List<? extends RandomGenerator> streams) {
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        double lambda = signature.global(request, MergeParameter.LAMBDA);
        boolean normalize = signature.globalFlag(request, MergeParameter.NORMALIZE);
        double[] weights = new double[models];
        double[][] weighted = weightedTaskVectors(request, offset, statistics, streams, weights);
        double[] merged = switch (consensus) {
            case SUM -> sum(weighted, weights, normalize);
            case SIGN_ELECTION -> signElection(weighted, weights, normalize);
        };
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (base[j] + lambda * merged[j]);
        }
        return out;
    }

    /**
     * Which entries of which model enter a sign election's disjoint mean, for the whole tensor: {@code [i][j]} is
     * true when model i's sparsified, weighted entry j is non-zero and has the elected sign. Uses the same
     * sparsification, weighting and election as {@link #merge}; the caller has checked the request.
     *
     * @throws IllegalStateException when this family member has no sign election
     */
    boolean[][] electedEntries(MergeRequest request) {
        if (consensus != Consensus.SIGN_ELECTION) {
            throw new IllegalStateException("tensor '" + request.tensorName() + "': consensus " + consensus
                    + " elects no signs");
        }
        TensorStatistics statistics = locality(request.globalParameters()) == Locality.TENSOR_STATISTICS
                ? tensorStatistics(request, List.of(rangeStatistics(request, 0))) : null;
        double[][] weighted = weightedTaskVectors(request, 0, statistics, seededStreams(request),
                new double[request.modelCount()]);
        int n = request.length();
        boolean[][] entered = new boolean[weighted.length][n];
        for (int j = 0; j < n; j++) {
            double elected = electedSign(weighted, j);
            for (int i = 0; i < weighted.length; i++) {
                entered[i][j] = agrees(weighted[i][j], elected);
            }
        }
        return entered;
    }

    /**
     * Every model's task vector over elements [offset, offset + length), sparsified, rescaled and multiplied by its
     * weight; the weights are written to {@code weights}.
     */
    private double[][] weightedTaskVectors(MergeRequest request, long offset, TensorStatistics statistics,
            List<? extends RandomGenerator> streams, double[] weights) {
        int rangeIndex = 0;
        WindowCuts cuts = null;
        Locality locality = locality(request.globalParameters());
        if (locality == Locality.TENSOR_STATISTICS) {
            cuts = (WindowCuts) statistics;
            rangeIndex = Arrays.binarySearch(cuts.offsets(), offset);
            if (rangeIndex < 0) {
                throw new IllegalArgumentException("tensor '" + request.tensorName() + "': no range starts at "
                        + offset + " in the statistics");
            }
        } else if (locality == Locality.WHOLE_TENSOR && offset != 0) {
            throw new IllegalArgumentException("tensor '" + request.tensorName()
                    + "': random sparsification and the L1 rescale merge whole tensors only");
        }
        if (streams.size() != request.modelCount()) {
            throw new IllegalArgumentException("tensor '" + request.tensorName() + "': " + streams.size()
                    + " random streams for " + request.modelCount() + " models");
        }
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        Rescale rescale = rescale(request.globalParameters());
        double[][] weighted = new double[models][];
        for (int i = 0; i < models; i++) {
            float[] model = request.models().get(i);
            double[] tau = new double[n];
            for (int j = 0; j < n; j++) {
                tau[j] = (double) model[j] - base[j];
            }
            double density = density(request, i);
            if (cuts != null) {
                MagnitudeRanking.keepWindow(tau, rangeIndex, cuts.from()[i], cuts.to()[i]);
                if (density < 1.0) {
                    // never L1 here (that merges whole tensors, see locality): no norm before masking needed
                    rescale.apply(tau, Double.NaN, density);
                }
            } else {
                Sparsification.ModelSparsity sparsity =
                        new Sparsification.ModelSparsity(density, gamma(request, i), epsilon(request, i));
                sparsification.check(sparsity, "tensor '" + request.tensorName() + "', model " + i);
                sparsification.apply(tau, sparsity, request.shape(), rescale, streams.get(i));
            }
            weights[i] = signature.perModel(request, i, MergeParameter.WEIGHT);
            for (int j = 0; j < n; j++) {
                tau[j] *= weights[i];
            }
            weighted[i] = tau;
        }
        return weighted;
    }

    private static double[] sum(double[][] weighted, double[] weights, boolean normalize) {
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
            if (Math.abs(total) < ZERO_WEIGHT_SUM) {
                total = 1.0;
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
            double elected = electedSign(weighted, j);
            double agreeing = 0.0;
            double divisor = 0.0;
            for (int i = 0; i < weighted.length; i++) {
                if (agrees(weighted[i][j], elected)) {
                    agreeing += weighted[i][j];
                    divisor += weights[i];
                }
            }
            merged[j] = normalize && divisor != 0.0 ? agreeing / divisor : agreeing;
        }
        return merged;
    }

    /** The sign elected for entry j of the weighted task vectors ({@link Consensus#SIGN_ELECTION}). */
    private static double electedSign(double[][] weighted, int j) {
        double total = 0.0;
        for (double[] tau : weighted) {
            total += tau[j];
        }
        return Consensus.electedSign(total);
    }

    /** Whether a weighted entry takes part in the disjoint mean: it has the elected sign (a zero never does). */
    private static boolean agrees(double weightedEntry, double elected) {
        return Math.signum(weightedEntry) == elected;
    }
}
