package org.mergelab.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * whole tensor first ({@link Locality#TENSOR_STATISTICS}: a streaming radix selection, see
 * {@link MagnitudeRanking.CutSearch}), and with the L1 rescale also the norm of the kept entries; random
 * sparsification draws each range's mask from its models' streams moved on to the range's first
 * element ({@link SplitMixStream}), elementwise, and with the L1 rescale takes the norms before and after
 * the mask from a scan; DELLA's rank sampling along axis 1 is random sparsification in ranges of whole rows
 * ({@link #rowsPerRange}), each range's keep probabilities ranked within its own rows, with the same L1 scan.
 * The whole-tensor {@link #merge} runs the same scan over the tensor as one range (magnitude cuts), or draws
 * the masks as {@link Sparsification#apply} does; the contract test checks both give the same bits.
 */
final class SparsifiedTaskVectorMerge {

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
            case RANDOM -> rescale(globalParameters) == Rescale.L1 ? Locality.TENSOR_STATISTICS : Locality.ELEMENTWISE;
            case MAGNITUDE_SAMPLING -> rescale(globalParameters) == Rescale.L1 ? Locality.TENSOR_STATISTICS
                    : Locality.ELEMENTWISE;
            case MAGNITUDE, MAGNITUDE_OUTLIERS -> Locality.TENSOR_STATISTICS;
        };
    }

    /**
     * DELLA ranks magnitudes along axis 1, within each slice along axis 0 (or over a whole one-dimensional tensor):
     * its ranges hold as many whole rows as fit in {@code chunkElements}, at least one; the rest cut anywhere.
     */
    long rowsPerRange(long[] shape, int chunkElements) {
        return sparsification == Sparsification.MAGNITUDE_SAMPLING ? RangeMergeable.rowsIn(shape, chunkElements) : 0;
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

    /**
     * What ranges of a tensor are merged with: per model, the rank cuts bounding the kept window (magnitude
     * sparsification; null otherwise) and, for the L1 rescale, the L1 norms of the task vector before and after its
     * mask, summed in index order; ranges start at {@code offsets}.
     */
    record RangeStatistics(long[] offsets, RankCut[] from, RankCut[] to, double[] l1Before, double[] l1After)
            implements TensorStatistics {}

    /**
     * The scan of a tensor of {@code length} elements: for magnitude sparsification, each model's two rank cuts by
     * a streaming radix selection ({@link MagnitudeRanking.CutSearch}: two passes, a third only for ties in magnitude
     * at a cut), then, with the L1 rescale, a pass for the norm of what the cuts keep; for random sparsification with
     * the L1 rescale (DARE, or DELLA over ranges of whole rows), one pass drawing each model's mask from its stream,
     * as the whole-tensor merge draws it (DARE's on the workers, each range's from the stream moved on to it:
     * {@link RangeMergeable.StatisticsScan#prepare}). Sums run in index order, so the statistics are the whole-tensor
     * merge's, bit for bit.
     */
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length) {
        int models = first.modelCount();
        int n = Math.toIntExact(length);
        boolean l1 = rescale(first.globalParameters()) == Rescale.L1;
        boolean magnitude = sparsification == Sparsification.MAGNITUDE
                || sparsification == Sparsification.MAGNITUDE_OUTLIERS;
        double[] densities = new double[models];
        MagnitudeRanking.CutSearch[] from = new MagnitudeRanking.CutSearch[models];
        MagnitudeRanking.CutSearch[] to = new MagnitudeRanking.CutSearch[models];
        for (int i = 0; i < models; i++) {
            densities[i] = density(first, i);
            if (magnitude) {
                Sparsification.RankWindow window = sparsification.window(densities[i], gamma(first, i), n);
                from[i] = new MagnitudeRanking.CutSearch(window.from(), n);
                to[i] = new MagnitudeRanking.CutSearch(window.to(), n);
            }
        }
        if (sparsification == Sparsification.MAGNITUDE_SAMPLING) {
            for (int i = 0; i < models; i++) {
                checkSampling(first, i, densities[i]);
            }
        }
        List<SplitMixStream> streams = sparsification == Sparsification.MAGNITUDE_SAMPLING ? seededStreams(first)
                : null;
        MagnitudeRanking.CutSearch[] searches = new MagnitudeRanking.CutSearch[2 * models];
        for (int i = 0; magnitude && i < models; i++) {
            searches[2 * i] = from[i];
            searches[2 * i + 1] = to[i];
        }
        // a tally per worker at most, within a sixteenth of the heap
        int rangeLength = Math.toIntExact(Math.min(length, 1L << 20));
        long tallyLimit = Runtime.getRuntime().maxMemory() / 16
                / MagnitudeRanking.Tallies.bytesPerTally(searches.length, rangeLength);
        MagnitudeRanking.Tallies tallies = magnitude ? new MagnitudeRanking.Tallies(searches,
                (int) Math.min(Runtime.getRuntime().availableProcessors(), tallyLimit)) : null;
        return new RangeMergeable.PreparedScan() {
            private long[] offsets = new long[16];
            private int offsetCount;
            private int ranges;
            private int pass;
            private boolean cutsKnown = !magnitude;
            private final double[] l1Before = new double[models];
            private final double[] l1After = new double[models];
            private float[] magnitudes;

            /**
             * The passes that search the cuts read their ranges on several threads (each thread counts into a tally
             * of its own), except a first pass that also sums the L1 norm in index order.
             */
            @Override
            public boolean concurrentPass() {
                return !cutsKnown && !(l1 && pass == 0);
            }

            /**
             * DARE's mask of the range for the L1 pass, drawn on a worker from each model's stream moved on to the
             * range (as the merge of the range draws it): a bit per entry, set where it is kept. Null otherwise.
             */
            @Override
            public Object prepare(MergeRequest range, long offset) {
                if (sparsification != Sparsification.RANDOM) {
                    return null;
                }
                int length = range.length();
                List<SplitMixStream> rangeStreams = seededStreams(range);
                long[][] kept = new long[models][];
                for (int i = 0; i < models; i++) {
                    if (densities[i] < 1.0) {
                        SplitMixStream stream = rangeStreams.get(i).skipped(offset);
                        double density = densities[i];
                        long[] bits = new long[(length + 63) >>> 6];
                        for (int j = 0; j < length; j++) {
                            if (stream.nextDouble() < density) {
                                bits[j >>> 6] |= 1L << j;
                            }
                        }
                        kept[i] = bits;
                    }
                }
                return kept;
            }

            @Override
            public void add(MergeRequest range, long offset, Object prepared) {
                if (pass == 0) {
                    synchronized (this) {
                        if (offsetCount == offsets.length) {
                            offsets = Arrays.copyOf(offsets, 2 * offsetCount);
                        }
                        offsets[offsetCount++] = offset;
                    }
                }
                if (concurrentPass()) {
                    countConcurrently(range, offset);
                    return;
                }
                int rangeIndex = ranges++;
                float[] base = range.base();
                for (int i = 0; i < models; i++) {
                    if (densities[i] >= 1.0) {
                        continue; // nothing masked, nothing rescaled
                    }
                    float[] model = range.models().get(i);
                    if (!cutsKnown) {
                        if (magnitudes == null || magnitudes.length != model.length) {
                            magnitudes = new float[model.length]; // reused: the searches keep none of it
                        }
                        for (int j = 0; j < magnitudes.length; j++) {
                            double tau = (double) model[j] - base[j];
                            magnitudes[j] = MagnitudeRanking.magnitude(tau);
                            if (l1 && pass == 0) {
                                l1Before[i] += Math.abs(tau);
                            }
                        }
                        if (from[i].searching()) {
                            from[i].add(magnitudes);
                        }
                        if (to[i].searching()) {
                            to[i].add(magnitudes);
                        }
                    } else if (magnitude) { // the L1 pass: the norm of what the cuts keep
                        double[] tau = taskVector(model, base);
                        MagnitudeRanking.keepWindow(tau, rangeIndex, from[i].cut(), to[i].cut());
                        for (double t : tau) {
                            l1After[i] += Math.abs(t);
                        }
                    } else if (sparsification == Sparsification.RANDOM) {
                        // DARE's mask with the L1 rescale: both norms in one pass, with the mask drawMask draws
                        // (prepared; a dropped entry adds +0.0 to a sum that is never -0.0: the bits of the arrays' sums)
                        long[] kept = ((long[][]) prepared)[i];
                        double before = l1Before[i];
                        double after = l1After[i];
                        for (int j = 0; j < model.length; j++) {
                            double tau = Math.abs((double) model[j] - base[j]);
                            before += tau;
                            after += (kept[j >>> 6] & 1L << j) != 0 ? tau : 0.0;
                        }
                        l1Before[i] = before;
                        l1After[i] = after;
                    } else { // rank-sampled mask with the L1 rescale: both norms, drawing as the whole
                        double[] tau = taskVector(model, base);
                        for (double t : tau) {
                            l1Before[i] += Math.abs(t);
                        }
                        Sparsification.drawMask(tau, keepProbabilities(tau, range, i, densities[i]), densities[i],
                                Rescale.L1, streams.get(i));
                        for (double t : tau) {
                            l1After[i] += Math.abs(t);
                        }
                    }
                }
            }

            /** A range of a {@link #concurrentPass}: every searching cut counts it into this thread's tally. */
            private void countConcurrently(MergeRequest range, long offset) {
                int rangeIndex = pass == 0 ? -1 : Arrays.binarySearch(offsets, offset);
                float[] base = range.base();
                MagnitudeRanking.Tallies.Tally tally = tallies.take();
                try {
                    for (int i = 0; i < models; i++) {
                        if (densities[i] >= 1.0) {
                            continue;
                        }
                        float[] model = range.models().get(i);
                        float[] m = tally.magnitudes(model.length);
                        for (int j = 0; j < m.length; j++) {
                            m[j] = MagnitudeRanking.magnitude((double) model[j] - base[j]);
                        }
                        tally.count(2 * i, m, rangeIndex);
                        tally.count(2 * i + 1, m, rangeIndex);
                    }
                } finally {
                    tallies.give(tally);
                }
            }

            @Override
            public boolean endPass() {
                boolean concurrent = concurrentPass();
                if (pass++ == 0) {
                    offsets = Arrays.copyOf(offsets, offsetCount);
                    Arrays.sort(offsets); // in index order unless the pass was concurrent
                }
                ranges = 0;
                if (cutsKnown) {
                    return false;
                }
                if (concurrent) {
                    tallies.addToSearches();
                }
                boolean searching = false;
                for (MagnitudeRanking.CutSearch search : searches) {
                    if (search.searching()) {
                        search.endPass();
                        search.expectRanges(offsets.length); // the pass counting equal entries is concurrent
                        searching |= search.searching();
                    }
                }
                if (searching) {
                    return true;
                }
                cutsKnown = true;
                return l1 && Arrays.stream(densities).anyMatch(d -> d < 1.0);
            }

            @Override
            public TensorStatistics statistics() {
                RankCut[] fromCuts = magnitude ? new RankCut[models] : null;
                RankCut[] toCuts = magnitude ? new RankCut[models] : null;
                for (int i = 0; magnitude && i < models; i++) {
                    fromCuts[i] = from[i].cut();
                    toCuts[i] = to[i].cut();
                }
                return new RangeStatistics(offsets, fromCuts, toCuts, l1Before, l1After);
            }
        };
    }

    /**
     * DELLA's keep probabilities of model i's task-vector range {@code tau}, from the range's shape (whole rows), or
     * null (one probability, the density) for DARE.
     */
    private double[] keepProbabilities(double[] tau, MergeRequest range, int model, double density) {
        return sparsification == Sparsification.MAGNITUDE_SAMPLING
                ? Sparsification.keepProbabilities(tau, range.shape(), density, epsilon(range, model)) : null;
    }

    /** Throws, naming the tensor and the model, unless model i's density and epsilon suit DELLA's sampling. */
    private void checkSampling(MergeRequest request, int model, double density) {
        sparsification.check(new Sparsification.ModelSparsity(density, gamma(request, model), epsilon(request, model)),
                "tensor '" + request.tensorName() + "', model " + model);
    }

    private static double[] taskVector(float[] model, float[] base) {
        double[] tau = new double[model.length];
        for (int j = 0; j < tau.length; j++) {
            tau[j] = (double) model[j] - base[j];
        }
        return tau;
    }

    /** Merges; the caller has already checked the request against its {@link MethodSignature}. */
    float[] merge(MergeRequest request) {
        return mergeDrawingFrom(request, seededStreams(request));
    }

    /**
     * Merges with model i's random numbers drawn from {@code streams.get(i)} in place of its seeded stream (tests
     * supply masks this way); the caller has checked the request. Random and sampled masks are drawn over the whole
     * tensor here; magnitude cuts come from the scan run over the whole tensor as one range.
     */
    float[] mergeDrawingFrom(MergeRequest request, List<? extends RandomGenerator> streams) {
        boolean cuts = sparsification == Sparsification.MAGNITUDE
                || sparsification == Sparsification.MAGNITUDE_OUTLIERS;
        TensorStatistics statistics = cuts
                ? AbstractMergeMethod.scanWhole(scan(request, request.length()), request) : null;
        return mergeRange(request, 0, statistics, streams, true);
    }

    /**
     * Model i's stream: the i-th split of the tensor's stream ({@link TensorRandom#forTensor}), split for every model
     * whatever the method, so model i always gets the same stream.
     */
    private static List<SplitMixStream> seededStreams(MergeRequest request) {
        SplitMixStream tensorRandom = new SplitMixStream(request.seed() ^ TensorRandom.stableHash(request.tensorName()));
        List<SplitMixStream> streams = new ArrayList<>(request.modelCount());
        for (int i = 0; i < request.modelCount(); i++) {
            streams.add(tensorRandom.split());
        }
        return streams;
    }

    /**
     * Merges elements [offset, offset + length) given the tensor's {@link RangeStatistics} (null where the locality
     * is {@link Locality#ELEMENTWISE}); a random mask is drawn from each model's stream moved {@code offset} draws on.
     */
    float[] mergeRange(MergeRequest request, long offset, TensorStatistics statistics) {
        Locality locality = locality(request.globalParameters());
        if (locality == Locality.TENSOR_STATISTICS && !(statistics instanceof RangeStatistics)) {
            throw new IllegalArgumentException("tensor '" + request.tensorName() + "': merging a range of "
                    + sparsification + " needs the tensor's statistics, got " + statistics);
        }
        List<RandomGenerator> streams = new ArrayList<>();
        for (SplitMixStream stream : seededStreams(request)) {
            streams.add(stream.skipped(offset));
        }
        return mergeRange(request, offset, statistics, streams, false);
    }

    /**
     * Merges elements [offset, offset + length): {@code whole} for the whole tensor, whose random masks are drawn
     * from {@code streams} as they are.
     */
    private float[] mergeRange(MergeRequest request, long offset, TensorStatistics statistics,
            List<? extends RandomGenerator> streams, boolean whole) {
        return mergeRange(request, offset, statistics, streams, whole, false);
    }

    /**
     * The whole-tensor merge through the array-by-array stages only, never {@link #mergeElementByElement}: the
     * reference the one-pass merge is tested against (its bits must be these).
     */
    float[] mergeInStages(MergeRequest request) {
        boolean cuts = sparsification == Sparsification.MAGNITUDE
                || sparsification == Sparsification.MAGNITUDE_OUTLIERS;
        TensorStatistics statistics = cuts
                ? AbstractMergeMethod.scanWhole(scan(request, request.length()), request) : null;
        return mergeRange(request, 0, statistics, seededStreams(request), true, true);
    }

    /** As above; {@code inStages}: never in one pass. */
    private float[] mergeRange(MergeRequest request, long offset, TensorStatistics statistics,
            List<? extends RandomGenerator> streams, boolean whole, boolean inStages) {
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        double lambda = signature.global(request, MergeParameter.LAMBDA);
        boolean normalize = signature.globalFlag(request, MergeParameter.NORMALIZE);
        RangeStatistics ranged = statistics instanceof RangeStatistics r ? r : null;
        boolean magnitudeCuts = ranged != null && ranged.from() != null;
        if (!inStages && (magnitudeCuts || sparsification == Sparsification.NONE
                || (sparsification == Sparsification.RANDOM && !whole))) {
            return mergeElementByElement(request, offset, ranged, streams, lambda, normalize);
        }
        double[] weights = new double[models];
        double[][] weighted = weightedTaskVectors(request, offset, statistics, streams, whole, weights);
        double sumDivisor = Consensus.sumDivisor(weights);
        double[] entries = new double[models];
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < models; i++) {
                entries[i] = weighted[i][j];
            }
            out[j] = (float) (base[j] + lambda * consensus.combine(entries, weights, normalize, sumDivisor));
        }
        return out;
    }

    /**
     * {@link #mergeRange} for the merges whose every element depends on the same element of the inputs once the
     * statistics are known: no sparsification (task arithmetic), or magnitude cuts from the scan (TIES, Breadcrumbs),
     * with any rescale. One pass over the elements, each element computed with exactly the operations, in the same
     * order, as {@link #weightedTaskVectors} and the consensus apply them array by array, so the bits are theirs;
     * but no float64 array per model and no pass per stage (on a 2 GiB TIES merge those passes and arrays were most of
     * the merge's time). {@code ranged}: the magnitude cuts, or null for no sparsification.
     */
    private float[] mergeElementByElement(MergeRequest request, long offset, RangeStatistics ranged,
            List<? extends RandomGenerator> streams, double lambda, boolean normalize) {
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        float[][] inputs = request.models().toArray(new float[0][]);
        Rescale rescale = rescale(request.globalParameters());
        boolean cuts = ranged != null && ranged.from() != null;
        boolean random = sparsification == Sparsification.RANDOM;
        if (random && rescale == Rescale.L1 && ranged == null) {
            throw new IllegalArgumentException("tensor '" + request.tensorName() + "': merging a range of "
                    + sparsification + " with the L1 rescale needs the tensor's statistics");
        }
        requireStreamPerModel(request, streams);
        RandomGenerator[] generators = streams.toArray(new RandomGenerator[0]);
        int rangeIndex = cuts ? rangeIndex(request, ranged, offset) : 0;
        double[] weights = new double[models];
        double[] densities = new double[models];
        boolean[] draws = new boolean[models];
        double[] inverseDensity = new double[models];
        // the rescale after the mask, as rescaleMasked applies it (1 where there is none: x * 1 is x)
        double[] factor = new double[models];
        MagnitudeRanking.Window[] windows = new MagnitudeRanking.Window[models];
        for (int i = 0; i < models; i++) {
            double density = density(request, i);
            densities[i] = density;
            factor[i] = 1.0;
            if (random) { // as drawMask, then rescaleMasked for L1, in weightedTaskVectors' merge of a range
                draws[i] = density < 1.0;
                inverseDensity[i] = 1.0 / density;
                if (draws[i] && rescale == Rescale.L1) {
                    factor[i] = l1Factor(ranged, i);
                }
            } else if (cuts) {
                windows[i] = new MagnitudeRanking.Window(ranged.from()[i], ranged.to()[i], rangeIndex);
                if (density < 1.0) {
                    factor[i] = rescale == Rescale.L1 ? l1Factor(ranged, i)
                            : rescale == Rescale.INVERSE_DENSITY ? 1.0 / density : 1.0;
                }
            } else {
                Sparsification.ModelSparsity sparsity =
                        new Sparsification.ModelSparsity(density, gamma(request, i), epsilon(request, i));
                sparsification.check(sparsity, "tensor '" + request.tensorName() + "', model " + i);
            }
            weights[i] = signature.perModel(request, i, MergeParameter.WEIGHT);
        }
        float[] out = new float[n];
        new OnePassRange(base, inputs, out, consensus, normalize, Consensus.sumDivisor(weights), lambda, weights,
                factor, draws, densities, inverseDensity, rescale == Rescale.INVERSE_DENSITY, cuts ? windows : null,
                generators).merge();
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
        boolean cuts = sparsification == Sparsification.MAGNITUDE
                || sparsification == Sparsification.MAGNITUDE_OUTLIERS;
        TensorStatistics statistics = cuts
                ? AbstractMergeMethod.scanWhole(scan(request, request.length()), request) : null;
        double[][] weighted = weightedTaskVectors(request, 0, statistics, seededStreams(request), true,
                new double[request.modelCount()]);
        int n = request.length();
        boolean[][] entered = new boolean[weighted.length][n];
        double[] entries = new double[weighted.length];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < weighted.length; i++) {
                entries[i] = weighted[i][j];
            }
            double elected = Consensus.electedSign(entries);
            for (int i = 0; i < weighted.length; i++) {
                entered[i][j] = Consensus.agrees(entries[i], elected);
            }
        }
        return entered;
    }

    /**
     * Every model's task vector over elements [offset, offset + length), sparsified, rescaled and multiplied by its
     * weight ({@code whole}: the whole tensor, its random masks drawn from {@code streams} as they are); the weights
     * are written to {@code weights}.
     */
    private double[][] weightedTaskVectors(MergeRequest request, long offset, TensorStatistics statistics,
            List<? extends RandomGenerator> streams, boolean whole, double[] weights) {
        RangeStatistics ranged = (RangeStatistics) statistics;
        int rangeIndex = ranged != null && ranged.from() != null ? rangeIndex(request, ranged, offset) : 0;
        requireStreamPerModel(request, streams);
        int n = request.length();
        int models = request.modelCount();
        float[] base = request.base();
        Rescale rescale = rescale(request.globalParameters());
        double[][] weighted = new double[models][];
        for (int i = 0; i < models; i++) {
            double[] tau = taskVector(request.models().get(i), base);
            double density = density(request, i);
            if (ranged != null && ranged.from() != null) {
                MagnitudeRanking.keepWindow(tau, rangeIndex, ranged.from()[i], ranged.to()[i]);
                if (density < 1.0) {
                    rescaleMasked(tau, rescale, density, ranged, i);
                }
            } else if (!whole && (sparsification == Sparsification.RANDOM
                    || sparsification == Sparsification.MAGNITUDE_SAMPLING)) {
                if (density < 1.0) {
                    if (sparsification == Sparsification.MAGNITUDE_SAMPLING) {
                        checkSampling(request, i, density);
                    }
                    // as Sparsification.apply: a draw for every entry, kept or not
                    Sparsification.drawMask(tau, keepProbabilities(tau, request, i, density), density, rescale,
                            streams.get(i));
                    if (rescale == Rescale.L1) {
                        rescaleMasked(tau, rescale, density, ranged, i);
                    }
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

    /**
     * Rescales model i's masked range as {@link Rescale#apply} rescales the whole masked task vector: with the
     * tensor's L1 norms before and after the mask for {@link Rescale#L1}.
     */
    private static void rescaleMasked(double[] masked, Rescale rescale, double density, RangeStatistics statistics,
            int model) {
        if (rescale != Rescale.L1) {
            rescale.apply(masked, Double.NaN, density);
            return;
        }
        double factor = l1Factor(statistics, model);
        for (int j = 0; j < masked.length; j++) {
            masked[j] *= factor;
        }
    }

    /**
     * The L1 rescale of model i's masked task vector, as {@link Rescale#apply} takes it: the norm before the mask over
     * the norm after, when both reach {@link Rescale#L1_EPSILON}; else 1 (no rescale: x * 1 is x, bit for bit).
     */
    private static double l1Factor(RangeStatistics statistics, int model) {
        double before = statistics.l1Before()[model];
        double after = statistics.l1After()[model];
        return before >= Rescale.L1_EPSILON && after >= Rescale.L1_EPSILON ? before / after : 1.0;
    }

    /** The index of the range that starts at {@code offset} among the statistics' ranges. */
    private static int rangeIndex(MergeRequest request, RangeStatistics statistics, long offset) {
        int index = Arrays.binarySearch(statistics.offsets(), offset);
        if (index < 0) {
            throw new IllegalArgumentException("tensor '" + request.tensorName() + "': no range starts at " + offset
                    + " in the statistics");
        }
        return index;
    }

    private static void requireStreamPerModel(MergeRequest request, List<?> streams) {
        if (streams.size() != request.modelCount()) {
            throw new IllegalArgumentException("tensor '" + request.tensorName() + "': " + streams.size()
                    + " random streams for " + request.modelCount() + " models");
        }
    }
}
