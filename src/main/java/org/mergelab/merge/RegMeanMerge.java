package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.REDUCE_NON_DIAGONAL_RATIO;
import static org.mergelab.merge.MergeParameter.WEIGHT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * <p>Bounded memory: the statistics of a weight with Gram matrices are the Cholesky factor of Σ w_i G̃_i, d(d + 1) / 2
 * float64 values held off the heap (a native arena closed with the statistics), built from the Gram matrices read
 * block by block ({@link RangeMergeable.AuxiliaryMatrices}); the output rows are then solved in ranges of whole
 * rows, each range's right-hand side Σ_i w_i G̃_i W_iᵀ computed from its own rows of W_i and the Grams read again
 * block by block (rows only, when a Gram is symmetric bit for bit). So the heap holds a few blocks of d rows and a
 * range's d x rows right-hand side, whatever the weight's size; what grows with d is the off-heap factor, 4 d² bytes
 * (64 MiB at d = 4096, 462 MiB at d = 11008), which no row-wise scheme avoids: every output row needs all of it.
 * Every sum and subtraction runs in the order of the textbook loops (a dot product over j ascending, the factor
 * column by column, the forward substitution by columns, the backward by dot products), so the bits are those of
 * solving the whole tensor at once.
 *
 * <p>No base. Per model: {@code weight} w_i &ge; 0 (default 1), not all 0; the Gram file ({@code gram: PATH} in a
 * recipe, {@link AuxiliaryInput#INPUT_GRAM}). Global: {@code reduce_non_diagonal_ratio} α in [0, 1], default 0.9:
 * mergelab's choice. The paper reduces the off-diagonal entries to regularise the solution and tunes α; its
 * reference code's function default is 1 (no reduction), FusionBench's CLIP example uses 0.95. α = 0 gives each
 * column of W a per-input-feature weighted mean (weights w_i G_i[k, k]).
 */
final class RegMeanMerge extends AbstractMergeMethod implements RangeMergeable {

    /** Relative size below which a Cholesky pivot counts as zero (the sum is then singular). */
    private static final double SINGULAR_PIVOT = 1e-12;

    /** Largest difference between G[k, j] and G[j, k], relative to sqrt(G[k, k] G[j, j]), taken for rounding. */
    private static final double ASYMMETRY = 1e-3;

    /** Gram rows read and reduced at a time: about this many elements, at least one row. */
    private static final int GRAM_BLOCK_ELEMENTS = 1 << 18;

    /** Gram columns read at a time (all d rows of them): about this many elements, at least a block's rows. */
    private static final int COLUMN_BLOCK_ELEMENTS = 1 << 20;

    /** A range of output rows solved together holds about this many elements (at most 128 rows) or a chunk. */
    private static final int RANGE_ELEMENTS = 1 << 18;

    /** Output rows whose right-hand sides go through the products and substitutions together. */
    private static final int TILE = 64;

    /** Columns of the factor computed together. */
    private static final int PANEL = 32;

    RegMeanMerge() {
        super("regmean", References.REGMEAN, MethodSignature.of(1, ANY, false, Map.of(WEIGHT, 1.0),
                Map.of(REDUCE_NON_DIAGONAL_RATIO, 0.9)).withAuxiliary(AuxiliaryInput.INPUT_GRAM));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /** A weight with Gram matrices is solved in ranges of whole output rows; any other tensor splits anywhere. */
    @Override
    public long rowsPerRange(long[] shape, int chunkElements, boolean auxiliaryMatrices) {
        if (!auxiliaryMatrices) {
            return 0;
        }
        return Math.max(RangeMergeable.rowsIn(shape, chunkElements),
                Math.min(128, RangeMergeable.rowsIn(shape, RANGE_ELEMENTS)));
    }

    @Override
    float[] compute(MergeRequest request) {
        if (request.auxiliary() == null) {
            return computeRange(request, 0, null);
        }
        int d = request.length() / Math.toIntExact(request.shape()[0]);
        try (Factor factor = factor(request, RangeMergeable.AuxiliaryMatrices.of(request.auxiliary(), d))) {
            return solve(request, factor);
        }
    }

    /** A tensor without Gram matrices needs no statistics: it is the weighted mean, range by range. */
    @Override
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length) {
        return scan(first, length, null);
    }

    /** No pass over the ranges: the factor comes from the Gram matrices (none: the weighted mean). */
    @Override
    RangeMergeable.StatisticsScan scan(MergeRequest first, long length, RangeMergeable.AuxiliaryMatrices matrices) {
        return new RangeMergeable.StatisticsScan() {
            @Override
            public boolean readsRanges() {
                return false;
            }

            @Override
            public void add(MergeRequest range, long offset) {
                throw new IllegalStateException("regmean's statistics read no ranges");
            }

            @Override
            public boolean endPass() {
                throw new IllegalStateException("regmean's statistics read no ranges");
            }

            @Override
            public TensorStatistics statistics() {
                return matrices == null ? null : factor(first, matrices);
            }
        };
    }

    /** Output rows of a weight with the tensor's {@link Factor}, or the weighted mean when there is none. */
    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        if (range.auxiliary() != null) {
            throw new IllegalArgumentException(where(range) + ": a range carries no Gram matrices; they are read"
                    + " through the tensor's statistics");
        }
        if (statistics instanceof Factor factor) {
            return solve(range, factor);
        }
        double[] weights = signature().nonNegativeWeights(range, where(range));
        double total = 0.0;
        for (double w : weights) {
            total += w;
        }
        List<float[]> models = range.models();
        int n = range.length();
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

    private String where(MergeRequest request) {
        return "method 'regmean', tensor '" + request.tensorName() + "'";
    }

    /**
     * A weight's statistics: the Cholesky factor L of S = Σ_i w_i G̃_i (the unseen features' rows of the identity
     * in it), lower triangle packed column by column off the heap, and what solving for output rows needs besides.
     */
    private static final class Factor implements TensorStatistics {
        private final Arena arena;
        private final MemorySegment lower;
        private final int d;
        private final double[] weights;
        private final double total;
        private final double alpha;
        private final boolean[] unseen;
        /** Per model: its Gram matrix equals its transpose bit for bit, so its rows are its columns. */
        private final boolean[] symmetric;
        private final RangeMergeable.AuxiliaryMatrices matrices;

        Factor(Arena arena, MemorySegment lower, int d, double[] weights, double alpha, boolean[] unseen,
                boolean[] symmetric, RangeMergeable.AuxiliaryMatrices matrices) {
            this.arena = arena;
            this.lower = lower;
            this.d = d;
            this.weights = weights;
            double sum = 0.0;
            for (double w : weights) {
                sum += w;
            }
            this.total = sum;
            this.alpha = alpha;
            this.unseen = unseen;
            this.symmetric = symmetric;
            this.matrices = matrices;
        }

        /** Entry [i, j], i &ge; j, of the packed lower triangle. */
        double get(int i, int j) {
            return lower.getAtIndex(ValueLayout.JAVA_DOUBLE, index(i, j, d));
        }

        void set(int i, int j, double value) {
            lower.setAtIndex(ValueLayout.JAVA_DOUBLE, index(i, j, d), value);
        }

        /** Entries [from, d) of column j into {@code into[at ...]}. */
        void column(int j, int from, double[] into, int at) {
            MemorySegment.copy(lower, ValueLayout.JAVA_DOUBLE, index(from, j, d) * Double.BYTES, into, at, d - from);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Where entry [i, j] (i &ge; j) of a d x d lower triangle packed column by column lies. */
    private static long index(int i, int j, int d) {
        return (long) j * d - (long) j * (j - 1) / 2 + (i - j);
    }

    /**
     * Checks every model's Gram matrix, sums the reduced matrices into S (lower triangle), sets the unseen features
     * apart and factors S; the caller closes the factor.
     */
    private Factor factor(MergeRequest request, RangeMergeable.AuxiliaryMatrices matrices) {
        String where = where(request);
        double[] weights = signature().nonNegativeWeights(request, where);
        double alpha = signature().global(request, REDUCE_NON_DIAGONAL_RATIO);
        int d = matrices.dimension();
        int models = request.modelCount();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment lower = arena.allocate((long) d * (d + 1) / 2 * Double.BYTES, Double.BYTES);
            lower.fill((byte) 0);
            boolean[] symmetric = new boolean[models];
            Factor factor = new Factor(arena, lower, d, weights, alpha, new boolean[d], symmetric, matrices);
            for (int i = 0; i < models; i++) {
                float[] diagonal = requireDiagonal(matrices, i, d, where);
                symmetric[i] = checkAndAdd(factor, i, diagonal, where);
            }
            setUnseenFeaturesApart(factor, where);
            factorInPlace(factor, where);
            return factor;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Model i's Gram diagonal, refused where negative (a Gram matrix has a diagonal &ge; 0). */
    private static float[] requireDiagonal(RangeMergeable.AuxiliaryMatrices matrices, int model, int d,
            String where) {
        float[] diagonal = new float[d];
        for (int k = 0; k < d; k++) {
            diagonal[k] = matrices.block(model, k, k + 1, k, k + 1)[0];
            if (diagonal[k] < 0.0f) {
                throw new IllegalArgumentException(where + ": the Gram matrix of model " + model + " has "
                        + diagonal[k] + " on its diagonal at input feature " + k + "; a Gram matrix has a"
                        + " diagonal >= 0");
            }
        }
        return diagonal;
    }

    /** The rows of a block of Gram rows from {@code from}: about {@link #GRAM_BLOCK_ELEMENTS}, at least one. */
    private static int blockEnd(int from, int d) {
        return Math.min(d, from + Math.max(1, GRAM_BLOCK_ELEMENTS / d));
    }

    /**
     * One model's Gram columns, read a wide block of whole columns at a time (a multiple of the row blocks'
     * height, about {@link #COLUMN_BLOCK_ELEMENTS} elements), so that a column block, strided in the file, is read
     * in few passes over it.
     */
    private static final class GramColumns {
        private final RangeMergeable.AuxiliaryMatrices matrices;
        private final int model;
        private final int d;
        private final int width;
        private float[] block;
        private int from;
        private int to;

        GramColumns(RangeMergeable.AuxiliaryMatrices matrices, int model) {
            this.matrices = matrices;
            this.model = model;
            this.d = matrices.dimension();
            int rows = Math.max(1, GRAM_BLOCK_ELEMENTS / d);
            this.width = rows * Math.max(1, COLUMN_BLOCK_ELEMENTS / (d * rows));
        }

        /** Makes columns [k0, k1), inside one row block, available to {@link #get}. */
        void cover(int k0, int k1) {
            if (block == null || k0 < from || k1 > to) {
                from = k0;
                to = Math.min(d, k0 + Math.max(width, k1 - k0));
                block = matrices.block(model, 0, d, from, to);
            }
        }

        /** G[j, k], for a column k {@link #cover}ed. */
        float get(int j, int k) {
            return block[j * (to - from) + k - from];
        }
    }

    /**
     * A Gram matrix is symmetric with a diagonal &ge; 0. One computed in float32 by a BLAS (x.T @ x) may differ from
     * its transpose by rounding, so the merge uses its symmetric part, and refuses an entry whose mirror differs by
     * more than {@link #ASYMMETRY} of sqrt(G[k, k] G[j, j]) (a wrong or corrupt file). Adds model i's reduced matrix
     * w_i G̃_i to S's lower triangle on the way, block of rows by block of rows (with the same block of columns).
     *
     * @return whether the matrix equals its transpose bit for bit
     */
    private static boolean checkAndAdd(Factor factor, int model, float[] diagonal, String where) {
        int d = factor.d;
        double w = factor.weights[model];
        boolean symmetric = true;
        GramColumns columns = new GramColumns(factor.matrices, model);
        for (int k0 = 0; k0 < d; k0 = blockEnd(k0, d)) {
            int k1 = blockEnd(k0, d);
            float[] rows = factor.matrices.block(model, k0, k1, 0, d);
            columns.cover(k0, k1);
            for (int k = k0; k < k1; k++) {
                for (int j = k + 1; j < d; j++) {
                    float a = rows[(k - k0) * d + j];
                    float b = columns.get(j, k);
                    symmetric &= Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
                    if (Math.abs((double) a - b) > ASYMMETRY * Math.sqrt((double) diagonal[k] * diagonal[j])) {
                        throw new IllegalArgumentException(where + ": the Gram matrix of model " + model
                                + " is not symmetric: [" + k + ", " + j + "] = " + a + " but [" + j + ", " + k
                                + "] = " + b);
                    }
                }
                for (int j = 0; j <= k; j++) {
                    double g = 0.5 * ((double) rows[(k - k0) * d + j] + columns.get(j, k));
                    factor.set(k, j, factor.get(k, j) + w * (j == k ? g : factor.alpha * g));
                }
            }
        }
        return symmetric;
    }

    /**
     * For an input feature k with a zero diagonal in the sum (no model saw it), the least-squares problem says
     * nothing about column k of W: it becomes the row k of the identity in S and, when rows are solved, the weighted
     * mean of the models' columns in R. A zero diagonal with a non-zero off-diagonal entry is not a Gram matrix.
     */
    private static void setUnseenFeaturesApart(Factor factor, String where) {
        int d = factor.d;
        for (int k = 0; k < d; k++) {
            if (factor.get(k, k) != 0.0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                double entry = j <= k ? factor.get(k, j) : factor.get(j, k); // S is symmetric, bit for bit
                if (entry != 0.0) {
                    throw new IllegalArgumentException(where + ": input feature " + k + " has a zero diagonal in"
                            + " the summed Gram matrices but entry [" + k + ", " + j + "] = " + entry
                            + "; Gram matrices are positive semi-definite");
                }
            }
            factor.set(k, k, 1.0);
            factor.unseen[k] = true;
        }
    }

    /**
     * S = L Lᵀ, L in place of S, column by column: L[i, k] = (S[i, k] − Σ_{j<k} L[i, j] L[k, j]) / L[k, k], the sum
     * subtracted term by term for j ascending (the pivot likewise), a panel of columns at a time.
     */
    private static void factorInPlace(Factor factor, String where) {
        int d = factor.d;
        double largest = 0.0;
        for (int k = 0; k < d; k++) {
            largest = Math.max(largest, factor.get(k, k));
        }
        double[][] panel = new double[Math.min(PANEL, d)][d];
        double[] column = new double[d];
        for (int c0 = 0; c0 < d; c0 += PANEL) {
            int c1 = Math.min(d, c0 + PANEL);
            int height = d - c0; // panel[k − c0][i − c0] holds entry [i, k], i ≥ k
            for (int k = c0; k < c1; k++) {
                factor.column(k, k, panel[k - c0], k - c0);
            }
            for (int j = 0; j < c0; j++) {
                factor.column(j, c0, column, 0);
                for (int k = c0; k < c1; k++) {
                    subtract(panel[k - c0], column, column[k - c0], k - c0, height);
                }
            }
            for (int k = c0; k < c1; k++) {
                double[] a = panel[k - c0];
                for (int j = c0; j < k; j++) {
                    subtract(a, panel[j - c0], panel[j - c0][k - c0], k - c0, height);
                }
                double pivot = a[k - c0];
                if (!(pivot > SINGULAR_PIVOT * largest)) {
                    throw new IllegalArgumentException(where + ": the summed Gram matrices are singular or not"
                            + " positive definite (pivot " + pivot + " at input feature " + k + " against a largest"
                            + " diagonal of " + largest + ")" + (factor.alpha == 1.0 ? "; set"
                            + " reduce_non_diagonal_ratio below 1 (e.g. 0.9) to regularise" : "; check the Gram files"));
                }
                double l = Math.sqrt(pivot);
                a[k - c0] = l;
                for (int i = k - c0 + 1; i < height; i++) {
                    a[i] = a[i] / l;
                }
                MemorySegment.copy(a, k - c0, factor.lower, ValueLayout.JAVA_DOUBLE,
                        index(k, k, d) * Double.BYTES, d - k);
            }
        }
    }

    /** {@code a[i] -= x[i] * scale} for i in [from, to), one entry at a time. */
    private static void subtract(double[] a, double[] x, double scale, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] -= x[i] * scale;
        }
    }

    /**
     * Solves the output rows of {@code request} (whole rows of the weight): their right-hand sides R = Σ_i w_i G̃_i
     * W_iᵀ (d x rows; per entry a dot product over j ascending, added model after model), the unseen features'
     * weighted means, then L Y = R and Lᵀ X = Y, a tile of {@link #TILE} rows at a time.
     */
    private float[] solve(MergeRequest request, Factor factor) {
        String where = where(request);
        signature().nonNegativeWeights(request, where);
        int d = factor.d;
        int n = request.length();
        if (n == 0) {
            return new float[0];
        }
        int rows = n / d;
        int tiles = (rows + TILE - 1) / TILE;
        double[][] rhs = new double[tiles][];
        for (int t = 0; t < tiles; t++) {
            rhs[t] = new double[d * width(t, rows)];
        }
        for (int i = 0; i < request.modelCount(); i++) {
            addModel(factor, i, request.models().get(i), rows, rhs);
        }
        for (int k = 0; k < d; k++) {
            if (!factor.unseen[k]) {
                continue;
            }
            for (int o = 0; o < rows; o++) {
                double s = 0.0;
                for (int i = 0; i < request.modelCount(); i++) {
                    s += factor.weights[i] * request.models().get(i)[o * d + k];
                }
                rhs[o / TILE][k * width(o / TILE, rows) + o % TILE] = s / factor.total;
            }
        }
        float[] merged = new float[n];
        double[] column = new double[d];
        double[] acc = new double[TILE];
        double[] xj = new double[TILE];
        for (int t = 0; t < tiles; t++) {
            int width = width(t, rows);
            double[] x = rhs[t];
            // forward, by columns: x[j] is final once every earlier column has been subtracted from it
            for (int j = 0; j < d; j++) {
                double l = factor.get(j, j);
                for (int o = 0; o < width; o++) {
                    x[j * width + o] = x[j * width + o] / l;
                    xj[o] = x[j * width + o];
                }
                factor.column(j, j, column, j);
                for (int k = j + 1; k < d; k++) {
                    double lkj = column[k];
                    for (int o = 0; o < width; o++) {
                        x[k * width + o] -= lkj * xj[o];
                    }
                }
            }
            // backward, by dot products: x[k] − Σ_{j>k} L[j, k] x[j], j ascending
            for (int k = d - 1; k >= 0; k--) {
                factor.column(k, k, column, k);
                System.arraycopy(x, k * width, acc, 0, width);
                for (int j = k + 1; j < d; j++) {
                    double ljk = column[j];
                    for (int o = 0; o < width; o++) {
                        acc[o] -= ljk * x[j * width + o];
                    }
                }
                double l = column[k];
                for (int o = 0; o < width; o++) {
                    x[k * width + o] = acc[o] / l;
                }
            }
            for (int k = 0; k < d; k++) {
                for (int o = 0; o < width; o++) {
                    double v = x[k * width + o];
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException(where + ": the solution is not finite; the summed Gram"
                                + " matrices are too ill-conditioned");
                    }
                    merged[(t * TILE + o) * d + k] = (float) v;
                }
            }
        }
        return merged;
    }

    /** The output rows tile t of {@code rows} holds. */
    private static int width(int t, int rows) {
        return Math.min(TILE, rows - t * TILE);
    }

    /**
     * Adds model i's term w_i G̃_i W_iᵀ to every tile's right-hand side: per block of Gram rows K, the reduced rows
     * w_i G̃_i[k, ·] (from the Gram's rows, and its columns unless it is symmetric bit for bit), then for each output
     * row o the dot product Σ_j G̃_i[k, j] W_i[o, j] over j ascending, added to R[k, o].
     */
    private static void addModel(Factor factor, int model, float[] weight, int rows, double[][] rhs) {
        int d = factor.d;
        double w = factor.weights[model];
        float[][] transposed = new float[rhs.length][]; // per tile: W_i[o, j] at [j * width + o]
        for (int t = 0; t < rhs.length; t++) {
            int width = width(t, rows);
            float[] wt = new float[d * width];
            for (int o = 0; o < width; o++) {
                int row = (t * TILE + o) * d;
                for (int j = 0; j < d; j++) {
                    wt[j * width + o] = weight[row + j];
                }
            }
            transposed[t] = wt;
        }
        int height = Math.max(1, GRAM_BLOCK_ELEMENTS / d);
        double[] dots = new double[TILE * height];
        double[] reduced = new double[d * height]; // w_i G̃_i[k, j] at [j * q + k − k0]
        boolean symmetric = factor.symmetric[model];
        for (int k0 = 0; k0 < d; k0 = blockEnd(k0, d)) {
            int k1 = blockEnd(k0, d);
            int q = k1 - k0;
            float[] gramRows = factor.matrices.block(model, k0, k1, 0, d);
            // G[j, k] for k in the block: the rows again when the matrix is symmetric bit for bit
            float[] gramColumns = symmetric ? gramRows : factor.matrices.columns(model, k0, k1);
            for (int k = k0; k < k1; k++) {
                for (int j = 0; j < d; j++) {
                    float a = gramRows[(k - k0) * d + j];
                    float b = gramColumns[(k - k0) * d + j];
                    double g = 0.5 * ((double) a + b);
                    reduced[j * q + k - k0] = w * (j == k ? g : factor.alpha * g);
                }
            }
            for (int t = 0; t < rhs.length; t++) {
                int width = width(t, rows);
                float[] wt = transposed[t];
                java.util.Arrays.fill(dots, 0, q * width, 0.0);
                for (int j = 0; j < d; j++) {
                    for (int kk = 0; kk < q; kk++) {
                        double r = reduced[j * q + kk];
                        int at = kk * width;
                        for (int o = 0; o < width; o++) {
                            dots[at + o] += r * wt[j * width + o];
                        }
                    }
                }
                double[] x = rhs[t];
                for (int kk = 0; kk < q; kk++) {
                    for (int o = 0; o < width; o++) {
                        x[(k0 + kk) * width + o] += dots[kk * width + o];
                    }
                }
            }
        }
    }
}
