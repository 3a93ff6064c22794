package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.mergelab.merge.RangeMergeable.Locality;
import org.mergelab.merge.RangeMergeable.TensorStatistics;

/**
 * What every {@link MergeMethod} must do; one subclass per method adds its hand-computed cases.
 */
abstract class MergeMethodContractTest {

    /** The method under test, as the registry hands it out. */
    abstract MergeMethod method();

    /** How many models the contract fixtures pass (slerp takes exactly two). */
    int contractModelCount() {
        return 3;
    }

    /** Auxiliary arrays the method needs for {@code models}, or null (fisher overrides). */
    List<float[]> auxiliaryFor(List<float[]> models) {
        return null;
    }

    /** A request for {@code models}; the base and auxiliary arrays attached only where needed. */
    MergeRequest.Builder requestFor(String tensorName, List<float[]> models, float[] base) {
        MergeRequest.Builder builder = MergeRequest.builder().setTensorName(tensorName).setModels(models);
        if (method().needsBaseModel()) {
            builder.optBase(base);
        }
        List<float[]> auxiliary = auxiliaryFor(models);
        if (auxiliary != null) {
            builder.optAuxiliary(auxiliary);
        }
        return builder;
    }

    static float[] randomTensor(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int j = 0; j < n; j++) {
            values[j] = (float) (random.nextDouble() * 2.0 - 1.0);
        }
        return values;
    }

    List<float[]> randomModels(SplittableRandom random, int n) {
        List<float[]> models = new ArrayList<>();
        for (int i = 0; i < contractModelCount(); i++) {
            models.add(randomTensor(random, n));
        }
        return models;
    }

    static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int j = 0; j < expected.length; j++) {
            assertThat((double) actual[j]).as("element %d of %s", j, Arrays.toString(actual))
                    .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void identicalInputsReturnThatInput() {
        float[] x = {0.5f, -1.25f, 3f, 0f, 2.75f, -0.125f};
        List<float[]> models = Collections.nCopies(contractModelCount(), x);
        float[] merged = method().merge(requestFor("block.0.weight", models, x.clone()).build());
        double[] expected = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            expected[j] = x[j];
        }
        assertClose(merged, expected, 1e-6);
    }

    @Test
    void outputHasTheInputLengthAndInputsAreLeftUntouched() {
        SplittableRandom random = new SplittableRandom(11);
        List<float[]> models = randomModels(random, 37);
        float[] base = randomTensor(random, 37);
        List<float[]> modelCopies = models.stream().map(float[]::clone).toList();
        float[] baseCopy = base.clone();

        float[] merged = method().merge(requestFor("fc.bias", models, base).build());

        assertThat(merged).hasSize(37).isNotSameAs(models.getFirst());
        for (int i = 0; i < models.size(); i++) {
            assertArrayEquals(modelCopies.get(i), models.get(i), "model " + i + " was modified");
        }
        assertArrayEquals(baseCopy, base, "base was modified");
    }

    @Test
    void theSameRequestGivesTheSameResult() {
        SplittableRandom random = new SplittableRandom(12);
        List<float[]> models = randomModels(random, 64);
        float[] base = randomTensor(random, 64);
        MergeRequest request = requestFor("conv1.weight", models, base).optSeed(99).build();
        assertArrayEquals(method().merge(request), method().merge(request));
    }

    @Test
    void resultsDoNotDependOnWhichThreadMergesOrInWhichOrder() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        int tensors = 8;
        List<MergeRequest> requests = new ArrayList<>();
        for (int k = 0; k < tensors; k++) {
            requests.add(requestFor("layer" + k + ".weight", randomModels(random, 50), randomTensor(random, 50))
                    .optSeed(2024).build());
        }
        List<float[]> sequential = requests.stream().map(method()::merge).toList();

        List<Future<float[]>> futures = new ArrayList<>(Collections.nCopies(tensors, null));
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int k = tensors - 1; k >= 0; k--) {
                MergeRequest request = requests.get(k);
                futures.set(k, pool.submit(() -> method().merge(request)));
            }
            for (int k = 0; k < tensors; k++) {
                assertArrayEquals(sequential.get(k), futures.get(k).get(), "tensor " + k);
            }
        }
    }

    @Test
    void lengthMismatchIsRejectedNamingTheTensorAndBothLengths() {
        List<float[]> models = new ArrayList<>(Collections.nCopies(contractModelCount(), new float[6]));
        models.set(contractModelCount() - 1, new float[5]);
        assertThatThrownBy(() -> method().merge(requestFor("enc.attn.q", models, new float[6]).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'enc.attn.q'")
                .hasMessageContaining("5 elements")
                .hasMessageContaining("6");
    }

    @Test
    void aBaseOfTheWrongLengthIsRejected() {
        List<float[]> models = Collections.nCopies(contractModelCount(), new float[4]);
        assertThatThrownBy(() -> MergeRequest.builder().setTensorName("head.w").setModels(models)
                        .optBase(new float[3]).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'head.w'")
                .hasMessageContaining("base has 3 elements");
    }

    @Test
    void aGlobalParameterTheMethodDoesNotTakeIsRejectedByName() {
        MergeParameter foreign = Arrays.stream(MergeParameter.values())
                .filter(p -> !method().globalParameters().contains(p.key()))
                .filter(p -> p.accepts(0.5))
                .findFirst().orElseThrow();
        SplittableRandom random = new SplittableRandom(14);
        MergeRequest request = requestFor("x", randomModels(random, 4), randomTensor(random, 4))
                .optGlobalParameter(foreign.key(), 0.5).build();
        assertThatThrownBy(() -> method().merge(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + foreign.key() + "'")
                .hasMessageContaining(method().name());
    }

    @Test
    void aBaseIsRequiredExactlyWhenTheMethodSaysSo() {
        SplittableRandom random = new SplittableRandom(15);
        List<float[]> models = randomModels(random, 4);
        MergeRequest.Builder builder = requestFor("norm.weight", models, null);
        if (method().needsBaseModel()) {
            assertThatThrownBy(() -> method().merge(builder.build()))
                    .hasMessageContaining("needs a base model").hasMessageContaining("'norm.weight'");
        } else if (method().acceptsBaseModel()) {
            // an optional base is taken, and used: task vectors relative to it give another result
            float[] withBase = method().merge(requestFor("norm.weight", models, null)
                    .optBase(randomTensor(random, 4)).build());
            assertThat(withBase).hasSize(4).isNotEqualTo(method().merge(builder.build()));
        } else {
            MergeRequest withBase = builder.optBase(randomTensor(random, 4)).build();
            assertThatThrownBy(() -> method().merge(withBase))
                    .hasMessageContaining("takes no base model").hasMessageContaining("'norm.weight'");
        }
    }

    @Test
    void nameReferenceAndKeysAreDeclared() {
        assertThat(MergeMethods.byName(method().name())).isSameAs(method());
        assertThat(method().reference()).matches(".*\\b(19|20)\\d\\d\\b.*").contains(",");
        List<String> catalogue = Arrays.stream(MergeParameter.values()).map(MergeParameter::key).toList();
        assertThat(method().perModelParameters()).isSubsetOf(catalogue);
        assertThat(method().globalParameters()).isSubsetOf(catalogue);
    }

    /**
     * Parameters a {@link RangeMergeable} method is merged range by range with, and the tensor's shape.
     *
     * @param perModel one map per model, or none
     * @param global the global parameters
     * @param shape the tensor's shape, or null for the contract's one-dimensional tensor of
     *     {@code 2 * RANGE_ALIGNMENT + 4321} elements (or the shape {@link #requestFor} gives it)
     */
    record RangeCase(List<Map<String, Double>> perModel, Map<String, Double> global, long[] shape) {
        /** The contract's one-dimensional tensor. */
        RangeCase(List<Map<String, Double>> perModel, Map<String, Double> global) {
            this(perModel, global, null);
        }

        @Override
        public String toString() {
            return perModel + " " + global + (shape == null ? "" : " " + Arrays.toString(shape));
        }
    }

    /**
     * The parameters {@link #mergingRangeByRangeGivesTheBitsOfMergingTheWholeTensor} tries; each must let the method
     * split the tensor. The default is the method's defaults; methods override it with what exercises their maths.
     */
    List<RangeCase> rangeCases() {
        return List.of(new RangeCase(List.of(), Map.of()));
    }

    /**
     * Elements {@code [from, to)} of every array of {@code whole}, with its name, parameters and seed, and
     * {@code shape} (null: one-dimensional); the auxiliary arrays are sliced as diagonals, or left out when they are
     * matrices read whole ({@code matrices}).
     */
    static MergeRequest slice(MergeRequest whole, int from, int to, long[] shape, boolean matrices) {
        MergeRequest.Builder range = MergeRequest.builder().setTensorName(whole.tensorName())
                .setModels(whole.models().stream().map(m -> Arrays.copyOfRange(m, from, to)).toList())
                .optPerModelParameters(whole.perModelParameters()).optGlobalParameters(whole.globalParameters())
                .optSeed(whole.seed()).optShape(shape);
        if (whole.base() != null) {
            range.optBase(Arrays.copyOfRange(whole.base(), from, to));
        }
        if (whole.auxiliary() != null && !matrices) {
            range.optAuxiliary(whole.auxiliary().stream().map(a -> Arrays.copyOfRange(a, from, to)).toList());
        }
        return range.build();
    }

    /**
     * Every method that declares it can merge range by range ({@link RangeMergeable}) gives, range by range, the
     * bits of its whole-tensor merge: the protocol of {@link StreamingMerge} (a statistics scan made from a one-element
     * request that carries the parameters reads every range in index order, pass after pass, unless it reads none;
     * then every range is merged, and the statistics closed), for the ranges {@link RangedTensorMerge#ranges} cuts
     * with chunks of one and two alignments: a short last range, or whole rows with their shape, and Gram matrices
     * read through {@link RangeMergeable.AuxiliaryMatrices}. Exact: no tolerance, as range statistics are combined in
     * index order in float64 blocks of {@link RangeMergeable#RANGE_ALIGNMENT}, the order the whole-tensor merge uses.
     */
    @Test
    void mergingRangeByRangeGivesTheBitsOfMergingTheWholeTensor() {
        assumeTrue(method() instanceof RangeMergeable, method().name() + " merges whole tensors only");
        RangeMergeable ranged = (RangeMergeable) method();
        for (RangeCase c : rangeCases()) {
            int n = 2 * RangeMergeable.RANGE_ALIGNMENT + 4321;
            if (c.shape() != null) {
                n = Math.toIntExact(Arrays.stream(c.shape()).reduce(1, (a, b) -> a * b));
            }
            SplittableRandom random = new SplittableRandom(16);
            List<float[]> models = randomModels(random, n);
            float[] base = randomTensor(random, n);
            MergeRequest.Builder builder = requestFor("blocks.3.mlp.weight", models, base).optSeed(31)
                    .optPerModelParameters(c.perModel()).optGlobalParameters(c.global());
            if (c.shape() != null) {
                builder.optShape(c.shape());
            }
            MergeRequest whole = builder.build();
            int[] expected = bits(method().merge(whole));
            Locality locality = ranged.locality(c.global());
            assertThat(locality).as("%s with %s", method().name(), c).isNotEqualTo(Locality.WHOLE_TENSOR);
            for (int chunk : new int[] {RangeMergeable.RANGE_ALIGNMENT, 2 * RangeMergeable.RANGE_ALIGNMENT}) {
                boolean matrices = method().auxiliaryInput() == AuxiliaryInput.INPUT_GRAM && whole.auxiliary() != null;
                int ranges = RangedTensorMerge.ranges(ranged, whole.shape(), chunk, matrices).size();
                boolean oneRow = ranged.rowsPerRange(whole.shape(), chunk, matrices) > 0 && whole.shape().length < 2;
                assertThat(ranges).as("%s with %s in ranges of %d", method().name(), c, chunk)
                        .isGreaterThanOrEqualTo(oneRow ? 1 : 2);
                assertThat(bits(mergeInRanges(ranged, whole, chunk)))
                        .as("%s with %s in ranges of %d", method().name(), c, chunk).isEqualTo(expected);
            }
        }
    }

    /**
     * Merges {@code whole} range by range as {@link StreamingMerge} does: the ranges {@link RangedTensorMerge#ranges}
     * cuts for {@code chunk}, the statistics scan (when the method's locality asks for one), each range merged with
     * the statistics, which are closed at the end. Auxiliary arrays are Fisher diagonals, sliced with the ranges, or,
     * for a method that reads Gram matrices, read whole through {@link RangeMergeable.AuxiliaryMatrices}.
     */
    static float[] mergeInRanges(RangeMergeable ranged, MergeRequest whole, int chunk) {
        int n = whole.length();
        boolean matrices = ranged.auxiliaryInput() == AuxiliaryInput.INPUT_GRAM && whole.auxiliary() != null;
        RangeMergeable.AuxiliaryMatrices grams = matrices ? RangeMergeable.AuxiliaryMatrices.of(whole.auxiliary(),
                Math.toIntExact(RangeMergeable.rowElements(whole.shape()))) : null;
        List<RangedTensorMerge.Range> ranges = RangedTensorMerge.ranges(ranged, whole.shape(), chunk, matrices);
        TensorStatistics statistics = null;
        if (ranged.locality(whole.globalParameters()) == Locality.TENSOR_STATISTICS) {
            RangeMergeable.StatisticsScan scan = ranged.statisticsScan(slice(whole, 0, 1, null, matrices), n, grams);
            if (scan.readsRanges()) {
                do {
                    for (RangedTensorMerge.Range r : ranges) {
                        scan.add(slice(whole, (int) r.from(), (int) r.to(), r.shape(), matrices), r.from());
                    }
                } while (scan.endPass());
            }
            statistics = scan.statistics();
        }
        float[] merged = new float[n];
        try {
            for (RangedTensorMerge.Range r : ranges) {
                float[] part = ranged.mergeRange(slice(whole, (int) r.from(), (int) r.to(), r.shape(), matrices),
                        r.from(), statistics);
                System.arraycopy(part, 0, merged, (int) r.from(), part.length);
            }
        } finally {
            if (statistics != null) {
                statistics.close();
            }
        }
        return merged;
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int j = 0; j < values.length; j++) {
            out[j] = Float.floatToRawIntBits(values[j]);
        }
        return out;
    }
}
