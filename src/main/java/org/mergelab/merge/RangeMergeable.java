package org.mergelab.merge;

import java.util.Map;

/**
 * A method that can merge a tensor range by range, so that {@link StreamingMerge} merges the ranges of one tensor
 * on several threads: merging every range and concatenating gives exactly the bits of {@link #merge} on the whole
 * tensor ({@code MergeMethodContractTest} checks it for every method that implements this). Whether it splits
 * depends on the global parameters ({@link #locality}); a method that never can does not implement this, and is
 * merged whole.
 *
 * <p>Ranges start at multiples of {@link #RANGE_ALIGNMENT}, unless the method merges whole rows
 * ({@link #rowsPerRange}): then each range holds whole rows and its request carries their shape. A
 * {@link Locality#TENSOR_STATISTICS} method first reads every range in index order (or on several threads, where a
 * pass allows it), in as many passes as its {@link StatisticsScan} asks for, then merges every range (in any order, on
 * any thread) with the tensor's statistics.
 */
interface RangeMergeable extends MergeMethod {

    /** Range offsets are multiples of this (64 Ki elements). */
    int RANGE_ALIGNMENT = 1 << 16;

    /** How this method's output element j depends on the inputs under the given global parameters. */
    enum Locality {
        /**
         * Only on element j of every input (and the parameters), or, for a method whose ranges hold whole rows
         * ({@link #rowsPerRange}), on j's row of every input: any range can be merged alone.
         */
        ELEMENTWISE,
        /**
         * On element j (or its row) and statistics of the whole tensor gathered range by range (norms, rank
         * thresholds, quantiles), or taken from auxiliary matrices (regmean's Gram factor).
         */
        TENSOR_STATISTICS,
        /** On the whole tensor in a way that cannot be split. */
        WHOLE_TENSOR
    }

    /**
     * Whole-tensor facts a {@link Locality#TENSOR_STATISTICS} method computes before merging ranges; closed once every
     * range is merged, which frees what they hold off the heap (the default holds nothing).
     */
    interface TensorStatistics extends AutoCloseable {
        @Override
        default void close() {}
    }

    /**
     * How this method may split a tensor under the given global parameters (the same for every tensor of a merge).
     */
    Locality locality(Map<String, Double> globalParameters);

    /**
     * How many whole rows each range of a tensor of {@code shape} holds, or 0 when ranges may cut anywhere (the
     * default; they are then {@code chunkElements} long). A row is a slice along axis 0 of a tensor of two or more
     * dimensions ({@link #rowElements}), and the whole of a tensor of fewer: della ranks magnitudes along axis 1,
     * arcee_fusion takes a softmax along the last axis, and regmean solves for output rows. The request of a range
     * of r rows then has the shape {@code [r, shape[1], ...]} (a tensor of fewer dimensions is one range, with its own
     * shape), and its offset is a multiple of the row's elements.
     *
     * @param chunkElements the elements a range holds when it may cut anywhere
     * @param auxiliaryMatrices true when each model's auxiliary matrix of the tensor is read through
     *     {@link AuxiliaryMatrices} (regmean with a Gram matrix for the tensor)
     */
    default long rowsPerRange(long[] shape, int chunkElements, boolean auxiliaryMatrices) {
        return 0;
    }

    /** The elements of one row of a tensor of {@code shape} (see {@link #rowsPerRange}). */
    static long rowElements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return shape.length >= 2 && shape[0] > 0 ? n / shape[0] : n;
    }

    /** How many whole rows of a tensor of {@code shape} fit in {@code elements} elements: at least one. */
    static long rowsIn(long[] shape, long elements) {
        long row = rowElements(shape);
        return row == 0 ? 1 : Math.max(1, elements / row);
    }

    /**
     * Each model's auxiliary matrix of one tensor, {@code [d, d]} (regmean's input Gram matrix), read block by block,
     * so that a method that needs all of it (a factorisation) never holds it whole on the heap.
     */
    interface AuxiliaryMatrices {
        /** d: the matrices' rows and columns. */
        int dimension();

        /**
         * Rows {@code [rowFrom, rowTo)} by columns {@code [colFrom, colTo)} of model {@code model}'s matrix as
         * float32, row-major.
         *
         * @throws IllegalArgumentException naming the tensor (and the file) when a value is not finite
         */
        float[] block(int model, int rowFrom, int rowTo, int colFrom, int colTo);

        /**
         * Columns {@code [from, to)} of model {@code model}'s matrix, column after column (entry [j, c] at
         * {@code (c − from) · d + j}): the rows of its transpose. The default reads them as a {@link #block}.
         */
        default float[] columns(int model, int from, int to) {
            int d = dimension();
            int width = to - from;
            float[] block = block(model, 0, d, from, to);
            float[] out = new float[block.length];
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < width; c++) {
                    out[c * d + j] = block[j * width + c];
                }
            }
            return out;
        }

        /** Matrices held as arrays: {@code matrices.get(i)} is model i's, row-major, d x d. */
        static AuxiliaryMatrices of(java.util.List<float[]> matrices, int d) {
            return new AuxiliaryMatrices() {
                @Override
                public int dimension() {
                    return d;
                }

                @Override
                public float[] block(int model, int rowFrom, int rowTo, int colFrom, int colTo) {
                    float[] matrix = matrices.get(model);
                    int columns = colTo - colFrom;
                    float[] out = new float[(rowTo - rowFrom) * columns];
                    for (int r = rowFrom; r < rowTo; r++) {
                        System.arraycopy(matrix, r * d + colFrom, out, (r - rowFrom) * columns, columns);
                    }
                    return out;
                }
            };
        }
    }

    /**
     * Tensor-wide statistics gathered in one or more passes over a tensor's consecutive ranges, in index order, with
     * state carried from range to range (running sums in float64, histograms, random streams), so that the memory it
     * holds does not grow with the tensor: a few histograms and sums, and at most a number per range.
     */
    interface StatisticsScan {
        /**
         * False when the statistics need no pass over the ranges (regmean's come from the Gram matrices): then
         * neither {@link #add} nor {@link #endPass} is called before {@link #statistics}.
         */
        default boolean readsRanges() {
            return true;
        }

        /**
         * Whether the ranges of the current pass may be read on several threads at once and in any order: then
         * {@link #add} may be called concurrently, once per range (the default, false, is for a pass that carries
         * state from range to range in index order). Asked before each pass; the statistics must be the same either
         * way.
         */
        default boolean concurrentPass() {
            return false;
        }

        /**
         * Reads the next range of the current pass: elements {@code [offset, offset + range.length())} of every
         * input. The ranges of one pass come in index order (or, in a {@link #concurrentPass}, in any order), cover
         * the tensor, and are the ranges the tensor is then merged in (see the class Javadoc for where they start).
         */
        void add(MergeRequest range, long offset);

        /**
         * Work on one range of a pass that does not depend on the other ranges (random draws from a stream moved on to
         * the range), done on a worker before the range is added: {@link #add(MergeRequest, long, Object)} gets the
         * result. The default does nothing.
         */
        default Object prepare(MergeRequest range, long offset) {
            return null;
        }

        /**
         * {@link #add(MergeRequest, long)} with what {@link #prepare} gave for the range; the default ignores it.
         */
        default void add(MergeRequest range, long offset, Object prepared) {
            add(range, offset);
        }

        /** Ends the current pass; true when another pass over every range is needed. */
        boolean endPass();

        /** The tensor's statistics, once {@link #endPass} has returned false (or at once, see {@link #readsRanges}). */
        TensorStatistics statistics();
    }

    /**
     * A scan whose every range is prepared ({@link #prepare}, on a worker where the caller has workers) before it is
     * added: adding a range that was not prepared prepares it first, on the calling thread.
     */
    interface PreparedScan extends StatisticsScan {
        @Override
        Object prepare(MergeRequest range, long offset);

        @Override
        default void add(MergeRequest range, long offset) {
            add(range, offset, prepare(range, offset));
        }

        @Override
        void add(MergeRequest range, long offset, Object prepared);
    }

    /**
     * {@link Locality#TENSOR_STATISTICS} only: a scan of a tensor of {@code length} elements; {@code first} carries
     * the request's name, seed and parameters, and each range is checked as {@link #merge} checks.
     */
    StatisticsScan statisticsScan(MergeRequest first, long length);

    /**
     * As {@link #statisticsScan(MergeRequest, long)}, for a tensor whose models' auxiliary matrices are read through
     * {@code matrices} ({@code null}: none), which {@link #rowsPerRange} was told of.
     */
    StatisticsScan statisticsScan(MergeRequest first, long length, AuxiliaryMatrices matrices);

    /**
     * Merges elements {@code [offset, offset + range.length())} of a tensor; {@code statistics} is the tensor's (from
     * its {@link #statisticsScan}) for {@link Locality#TENSOR_STATISTICS}, {@code null} for {@link Locality#ELEMENTWISE}.
     * The request is checked as {@link #merge} checks.
     */
    float[] mergeRange(MergeRequest range, long offset, TensorStatistics statistics);
}
