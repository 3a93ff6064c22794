package org.mergelab.selfcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mergelab.data.Batch;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;

/**
 * The engine, under the oneDNN cap mergelab chose for this machine, computes every operation the trainer runs correctly at the trainer's
 * shapes; and the check catches injected faults on every CPU, naming the operation and the shape.
 */
class KnownAnswerCheckTest {

    /** The stride-2 1x1 shortcut with fewer input channels than an AVX-512 block: the upstream fault's shape. */
    private static final CheckCase.Convolution SHORTCUT = new CheckCase.Convolution(128, 8, 16, 32, 1, 2, 0);

    @Test
    void theEngineComputesEveryTrainingOperationCorrectlyAtTheTrainersShapes() {
        KnownAnswerCheck.Options options = KnownAnswerCheck.Options.trainerShapes(2);
        long start = System.nanoTime();
        CheckReport report = KnownAnswerCheck.run(new DjlOperations(), options, c -> {});
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("known-answer check: %d tensors, worst error ratio %.2e, %.1f s (%s)%n",
                report.comparisons().size(), report.worstRatio(), seconds, SelfCheckProcess.casesByOperation(report));
        assertThat(report.firstFailure()).map(CheckReport.Comparison::describe).isEmpty();
        assertThat(report.passed()).isTrue();
        Set<String> operations = report.comparisons().stream().map(CheckReport.Comparison::operation)
                .collect(Collectors.toSet());
        assertThat(operations).containsExactlyInAnyOrder("conv2d", "batch_norm(training)", "relu", "global_avg_pool",
                "linear", "softmax_cross_entropy", "training_step");
        // 8 convolutions per width at widths 4, 12, 8, 16, forward, backward-data and backward-weight each
        assertThat(report.comparisons().stream().filter(c -> c.operation().equals("conv2d"))
                .map(CheckReport.Comparison::shape).distinct().count()).isEqualTo(32);
        // channel counts that are not a multiple of the 8-lane block: where the AVX2 and AVX kernels fail on some CPUs
        assertThat(report.comparisons()).anyMatch(c -> c.shape().equals("mb128_ic12oc12_ih32oh32_kh3sh1ph1")
                && c.tensor().equals("output"));
        assertThat(report.comparisons()).anyMatch(c -> c.shape().equals("mb128_ic4oc4_ih32oh32_kh3sh1ph1")
                && c.tensor().equals("grad_input"));
        assertThat(report.comparisons()).anyMatch(c -> c.shape().equals(SHORTCUT.shape())
                && c.tensor().equals("grad_weight"));
        try (Network n = Network.create(CheckCase.WHOLE_STEP_MODEL, 10, 1)) {
            List<String> names = new ArrayList<>();
            for (NamedParameter p : n.parameters()) {
                names.add(p.trainable() ? "grad:" + p.name() : p.name());
            }
            List<String> stepTensors = report.comparisons().stream()
                    .filter(c -> c.operation().equals("training_step")).map(CheckReport.Comparison::tensor).toList();
            assertThat(stepTensors).contains("loss").containsAll(names);
            assertThat(names).contains("grad:layer2.0.shortcut.0.weight", "grad:fc.bias", "bn1.running_var");
        }
    }

    @Test
    void aPerturbedGradientIsCaughtAndNamed() {
        EngineOperations faulty = new Faulty() {
            @Override
            public Map<String, Computed> run(CheckCase c, Inputs inputs) {
                Map<String, Computed> out = super.run(c, inputs);
                if (c.equals(SHORTCUT)) {
                    float[] g = out.get("grad_weight").values();
                    g[g.length / 2] *= 1.01f; // a 1% error in one of 128 weights
                }
                return out;
            }
        };
        CheckReport report = KnownAnswerCheck.run(faulty, small(), c -> {});
        assertThat(report.passed()).isFalse();
        CheckReport.Comparison first = report.firstFailure().orElseThrow();
        assertThat(first.operation()).isEqualTo("conv2d");
        assertThat(first.shape()).isEqualTo("mb128_ic8oc16_ih32oh16_kh1sh2ph0");
        assertThat(first.tensor()).isEqualTo("grad_weight");
        assertThat(first.describe()).contains("conv2d mb128_ic8oc16_ih32oh16_kh1sh2ph0 grad_weight", "WRONG");
        assertThat(report.failures()).isEqualTo(1);
    }

    @Test
    void aWrongStrideIsCaughtAndNamed() {
        EngineOperations faulty = new Faulty() {
            @Override
            public Map<String, Computed> run(CheckCase c, Inputs inputs) {
                if (c instanceof CheckCase.Convolution cv && cv.stride() == 2 && cv.kernel() == 3) {
                    // same output size, wrong stride: every other input row and column is sampled at the wrong place
                    CheckCase.Convolution wrong = new CheckCase.Convolution(cv.batch(), cv.in(), cv.out(),
                            cv.size(), cv.kernel(), 1, cv.padding());
                    Map<String, Computed> out = super.run(wrong, resized(inputs, cv, wrong));
                    return out;
                }
                return super.run(c, inputs);
            }
        };
        CheckCase.Convolution strided = new CheckCase.Convolution(128, 8, 16, 32, 3, 2, 1);
        KnownAnswerCheck.Options options = new KnownAnswerCheck.Options(List.of(strided), false, 128, 10, 2, 1);
        CheckReport report = KnownAnswerCheck.run(faulty, options, c -> {});
        CheckReport.Comparison first = report.firstFailure().orElseThrow();
        assertThat(first.operation()).isEqualTo("conv2d");
        assertThat(first.shape()).isEqualTo("mb128_ic8oc16_ih32oh16_kh3sh2ph1");
        assertThat(first.tensor()).isEqualTo("output");
        assertThat(first.describe()).contains("shape [128, 16, 32, 32], expected [128, 16, 16, 16]");
    }

    @Test
    void aFaultInOneGradientOfTheWholeStepIsNamedByItsPyTorchName() {
        EngineOperations faulty = new Faulty() {
            @Override
            public Map<String, Computed> trainingStep(Network network, Batch batch) {
                Map<String, Computed> out = super.trainingStep(network, batch);
                float[] g = out.get("grad:layer2.0.shortcut.0.weight").values();
                float max = 0;
                for (float v : g) {
                    max = Math.max(max, Math.abs(v));
                }
                g[3] += 0.01f * max;
                return out;
            }
        };
        KnownAnswerCheck.Options options = new KnownAnswerCheck.Options(List.of(), true, 128, 10, 2, 3);
        CheckReport report = KnownAnswerCheck.run(faulty, options, c -> {});
        CheckReport.Comparison first = report.firstFailure().orElseThrow();
        assertThat(first.operation()).isEqualTo("training_step");
        assertThat(first.shape()).isEqualTo("resnet8_w8_mb128_classes10");
        assertThat(first.tensor()).isEqualTo("grad:layer2.0.shortcut.0.weight");
        assertThat(report.failures()).isEqualTo(1);
    }

    @Test
    void aNonFiniteResultFails() {
        EngineOperations faulty = new Faulty() {
            @Override
            public Map<String, Computed> run(CheckCase c, Inputs inputs) {
                Map<String, Computed> out = super.run(c, inputs);
                out.get("output").values()[0] = Float.NaN;
                return out;
            }
        };
        KnownAnswerCheck.Options options = new KnownAnswerCheck.Options(
                List.of(new CheckCase.Relu(4, 2, 3)), false, 128, 10, 1, 1);
        CheckReport report = KnownAnswerCheck.run(faulty, options, c -> {});
        assertThat(report.firstFailure().orElseThrow().tensor()).isEqualTo("output");
        assertThat(report.firstFailure().orElseThrow().maxError()).isNaN();
    }

    @Test
    void aFailedOutcomeNamesTheFirstWrongOperationAndShapeOrTheCrash() {
        CheckReport.Comparison ok = new CheckReport.Comparison("relu", "mb4_c2_h3w3", "output", new long[] {4},
                new long[] {4}, 0, 1);
        CheckReport.Comparison bad = new CheckReport.Comparison("conv2d", SHORTCUT.shape(), "grad_weight",
                new long[] {16, 8, 1, 1}, new long[] {16, 8, 1, 1}, 0.5, 2);
        SelfCheckProcess.Outcome wrong = new SelfCheckProcess.Outcome(0, new CheckReport(List.of(ok, bad)), true,
                "oneDNN v3.7.1", "Intel AVX-512", List.of(), List.of(), 3);
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.failure()).startsWith("the engine computes conv2d mb128_ic8oc16_ih32oh16_kh1sh2ph0 grad_weight:")
                .contains("max |error| 0.500", "(1 of 2 tensors wrong)");
        SelfCheckProcess.Outcome crashed = new SelfCheckProcess.Outcome(134, new CheckReport(List.of(ok)), false,
                "unknown", "unknown", List.of(), List.of("# A fatal error has been detected by the Java Runtime"), 1);
        assertThat(crashed.failure()).isEqualTo("the engine check crashed with exit code 134 (signal 6) after 1"
                + " comparisons, the last relu mb4_c2_h3w3: # A fatal error has been detected by the Java Runtime");
        SelfCheckProcess.Outcome good = new SelfCheckProcess.Outcome(0, new CheckReport(List.of(ok)), true,
                "oneDNN v3.7.1", "Intel AVX2", List.of(), List.of(), 1);
        assertThat(good.passed()).isTrue();
        assertThat(good.failure()).isEmpty();
    }

    private static KnownAnswerCheck.Options small() {
        return new KnownAnswerCheck.Options(List.of(new CheckCase.Convolution(128, 3, 8, 32, 3, 1, 1), SHORTCUT,
                new CheckCase.BatchNorm(128, 16, 16)), false, 128, 10, 2, 11);
    }

    /** The inputs of {@code from} re-cut for {@code to} (same input and weight, upstream of {@code to}'s size). */
    private static EngineOperations.Inputs resized(EngineOperations.Inputs in, CheckCase.Convolution from,
            CheckCase.Convolution to) {
        int n = to.batch() * to.out() * to.outSize() * to.outSize();
        float[] upstream = new float[n];
        float[] old = in.get("upstream");
        for (int i = 0; i < n; i++) {
            upstream[i] = old[i % old.length];
        }
        return new EngineOperations.Inputs(Map.of("input", in.get("input"), "weight", in.get("weight"),
                "upstream", upstream), in.labels());
    }

    /** The real engine, to be overridden where a fault is injected. */
    private static class Faulty extends DjlOperationsDelegate {}
}
