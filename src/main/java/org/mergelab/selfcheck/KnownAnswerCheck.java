package org.mergelab.selfcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.mergelab.data.Batch;
import org.mergelab.engine.TorchEngine;
import org.mergelab.model.ModelSpec;
import org.mergelab.model.NamedParameter;
import org.mergelab.model.Network;

/**
 * The known-answer check of the engine: every case of {@link CheckCase#trainerShapes} through an
 * {@link EngineOperations} against {@link ReferenceOps} in float64, then one whole training step of a ResNet-8 against
 * {@link ReferenceResNet}. Inputs are seeded, so a failure repeats. A tensor passes when
 * {@code max |engine - reference| <= TOLERANCE * max |reference|} and the shapes agree.
 */
public final class KnownAnswerCheck {

    /** The relative tolerance: max |error| over max |reference|, per tensor. */
    public static final double TOLERANCE = 1e-4;

    private KnownAnswerCheck() {}

    /**
     * What to check.
     *
     * @param cases the operations and shapes
     * @param wholeStep also check one training step of {@link CheckCase#WHOLE_STEP_MODEL}
     * @param batch batch size of the whole step
     * @param classes classes of the linear layer and the loss
     * @param threads the engine's threads (results of threaded kernels may depend on it)
     * @param seed seed of every input
     */
    public record Options(List<CheckCase> cases, boolean wholeStep, int batch, int classes, int threads, long seed) {

        /**
         * The trainer's shapes: batch 128, widths 4, 12, 8 and 16, 10 classes, the whole step, seed 2507. Widths 4
         * and 12 come first: their channel counts are not multiples of the kernels' 8- and 16-lane blocks, where
         * faulty kernels show first (see {@link org.mergelab.engine.OnednnCapSelection}).
         */
        public static Options trainerShapes(int threads) {
            return new Options(CheckCase.trainerShapes(128, List.of(4, 12, 8, 16), 10), true, 128, 10, threads,
                    2507);
        }

        /** Validates. */
        public Options {
            cases = List.copyOf(Objects.requireNonNull(cases, "cases"));
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " is below 1");
            }
            if (batch < 2 || classes < 2) {
                throw new IllegalArgumentException("batch " + batch + " and classes " + classes + " must be >= 2");
            }
        }
    }

    /**
     * Runs the check.
     *
     * @param engine the engine to check
     * @param options what to check
     * @param listener receives each comparison as it is made (e.g. to print progress)
     * @return every comparison
     */
    public static CheckReport run(EngineOperations engine, Options options, Consumer<CheckReport.Comparison> listener) {
        TorchEngine.useThreads(options.threads());
        List<CheckReport.Comparison> all = new ArrayList<>();
        Consumer<CheckReport.Comparison> sink = c -> {
            all.add(c);
            listener.accept(c);
        };
        int index = 0;
        for (CheckCase c : options.cases()) {
            SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + index++);
            EngineOperations.Inputs inputs = inputs(c, random);
            Map<String, Expected> expected = reference(c, inputs);
            Map<String, EngineOperations.Computed> actual = engine.run(c, inputs);
            compare(c.operation(), c.shape(), expected, actual, sink);
        }
        if (options.wholeStep()) {
            wholeStep(engine, options, sink);
        }
        return new CheckReport(all);
    }

    /** A reference tensor. */
    record Expected(long[] shape, double[] values) {}

    private static void wholeStep(EngineOperations engine, Options options, Consumer<CheckReport.Comparison> sink) {
        ModelSpec spec = CheckCase.WHOLE_STEP_MODEL;
        SplittableRandom random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        float[] images = gaussian(random, options.batch() * 3 * 32 * 32, 1);
        int[] labels = new int[options.batch()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(options.classes());
        }
        try (Network network = Network.create(spec, options.classes(), options.seed())) {
            Map<String, double[]> params = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (NamedParameter p : network.parameters()) {
                params.put(p.name(), toDoubles(p.parameter().getArray().toFloatArray()));
                shapes.put(p.name(), p.parameter().getArray().getShape().getShape());
            }
            ReferenceResNet.Step ref = ReferenceResNet.trainingStep(spec, options.classes(), params,
                    toDoubles(images), labels);
            Map<String, Expected> expected = new LinkedHashMap<>();
            expected.put("loss", new Expected(new long[0], new double[] {ref.loss()}));
            ref.tensors().forEach((name, values) -> expected.put(name,
                    new Expected(shapes.get(name.startsWith("grad:") ? name.substring(5) : name), values)));
            Map<String, EngineOperations.Computed> actual = engine.trainingStep(network,
                    new Batch(images, labels, labels.length));
            String shape = spec.architecture() + spec.depth() + "_w" + spec.width() + "_mb" + options.batch()
                    + "_classes" + options.classes();
            compare("training_step", shape, expected, actual, sink);
        }
    }

    private static void compare(String operation, String shape, Map<String, Expected> expected,
            Map<String, EngineOperations.Computed> actual, Consumer<CheckReport.Comparison> sink) {
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            Expected want = e.getValue();
            EngineOperations.Computed got = actual.get(e.getKey());
            long[] gotShape = got == null ? new long[] {-1} : got.shape();
            double maxRef = 0;
            for (double v : want.values()) {
                maxRef = Math.max(maxRef, Math.abs(v));
            }
            double maxErr = Double.NaN;
            if (got != null && got.values().length == want.values().length) {
                maxErr = 0;
                for (int i = 0; i < want.values().length; i++) {
                    double d = Math.abs(got.values()[i] - want.values()[i]);
                    if (!(d <= maxErr)) { // NaN stays
                        maxErr = Double.isNaN(d) ? Double.NaN : d;
                        if (Double.isNaN(d)) {
                            break;
                        }
                    }
                }
            }
            sink.accept(new CheckReport.Comparison(operation, shape, e.getKey(), want.shape(), gotShape, maxErr,
                    maxRef));
        }
    }

    /** Seeded inputs of a case. */
    static EngineOperations.Inputs inputs(CheckCase c, SplittableRandom r) {
        Map<String, float[]> t = new LinkedHashMap<>();
        int[] labels = new int[0];
        switch (c) {
            case CheckCase.Convolution cv -> {
                int fanIn = cv.in() * cv.kernel() * cv.kernel();
                t.put("input", gaussian(r, cv.batch() * cv.in() * cv.size() * cv.size(), 1));
                t.put("weight", gaussian(r, cv.out() * fanIn, Math.sqrt(2.0 / fanIn)));
                t.put("upstream", gaussian(r, cv.batch() * cv.out() * cv.outSize() * cv.outSize(), 1));
            }
            case CheckCase.BatchNorm bn -> {
                int n = bn.batch() * bn.channels() * bn.size() * bn.size();
                float[] x = gaussian(r, n, 1.5);
                int spatial = bn.size() * bn.size();
                for (int i = 0; i < n; i++) {
                    x[i] += (float) (0.5 * ((i / spatial) % bn.channels()) / bn.channels()); // per-channel offset
                }
                t.put("input", x);
                t.put("weight", shifted(gaussian(r, bn.channels(), 0.2), 1));
                t.put("bias", gaussian(r, bn.channels(), 0.2));
                t.put("running_mean", gaussian(r, bn.channels(), 0.1));
                t.put("running_var", shifted(uniform(r, bn.channels(), 0.5), 0.75));
                t.put("upstream", gaussian(r, n, 1));
            }
            case CheckCase.Relu re -> {
                int n = re.batch() * re.channels() * re.size() * re.size();
                t.put("input", gaussian(r, n, 1));
                t.put("upstream", gaussian(r, n, 1));
            }
            case CheckCase.GlobalAveragePool p -> {
                t.put("input", gaussian(r, p.batch() * p.channels() * p.size() * p.size(), 1));
                t.put("upstream", gaussian(r, p.batch() * p.channels(), 1));
            }
            case CheckCase.Linear l -> {
                t.put("input", gaussian(r, l.batch() * l.in(), 1));
                t.put("weight", gaussian(r, l.out() * l.in(), 1 / Math.sqrt(l.in())));
                t.put("bias", gaussian(r, l.out(), 0.1));
                t.put("upstream", gaussian(r, l.batch() * l.out(), 1));
            }
            case CheckCase.CrossEntropy ce -> {
                t.put("logits", gaussian(r, ce.batch() * ce.classes(), 2));
                labels = new int[ce.batch()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = r.nextInt(ce.classes());
                }
            }
        }
        return new EngineOperations.Inputs(t, labels);
    }

    /** The float64 reference of a case. */
    static Map<String, Expected> reference(CheckCase c, EngineOperations.Inputs in) {
        Map<String, Expected> e = new LinkedHashMap<>();
        switch (c) {
            case CheckCase.Convolution cv -> {
                double[] x = toDoubles(in.get("input"));
                double[] w = toDoubles(in.get("weight"));
                double[] dy = toDoubles(in.get("upstream"));
                long o = cv.outSize();
                e.put("output", new Expected(new long[] {cv.batch(), cv.out(), o, o}, ReferenceOps.convForward(x, w, cv)));
                e.put("grad_input", new Expected(new long[] {cv.batch(), cv.in(), cv.size(), cv.size()},
                        ReferenceOps.convBackwardData(dy, w, cv)));
                e.put("grad_weight", new Expected(new long[] {cv.out(), cv.in(), cv.kernel(), cv.kernel()},
                        ReferenceOps.convBackwardWeight(dy, x, cv)));
            }
            case CheckCase.BatchNorm bn -> {
                long[] shape = {bn.batch(), bn.channels(), bn.size(), bn.size()};
                long[] perChannel = {bn.channels()};
                double[] gamma = toDoubles(in.get("weight"));
                int spatial = bn.size() * bn.size();
                ReferenceOps.BatchNormForward f = ReferenceOps.batchNormForward(toDoubles(in.get("input")), gamma,
                        toDoubles(in.get("bias")), toDoubles(in.get("running_mean")),
                        toDoubles(in.get("running_var")), bn.batch(), bn.channels(), spatial,
                        Network.BATCH_NORM_UPDATE_FACTOR, Network.BATCH_NORM_EPSILON);
                double[][] g = ReferenceOps.batchNormBackward(toDoubles(in.get("upstream")), f, gamma, bn.batch(),
                        bn.channels(), spatial);
                e.put("output", new Expected(shape, f.output()));
                e.put("grad_input", new Expected(shape, g[0]));
                e.put("grad_weight", new Expected(perChannel, g[1]));
                e.put("grad_bias", new Expected(perChannel, g[2]));
                e.put("running_mean", new Expected(perChannel, f.runningMean()));
                e.put("running_var", new Expected(perChannel, f.runningVar()));
            }
            case CheckCase.Relu re -> {
                long[] shape = {re.batch(), re.channels(), re.size(), re.size()};
                double[] y = ReferenceOps.relu(toDoubles(in.get("input")));
                e.put("output", new Expected(shape, y));
                e.put("grad_input", new Expected(shape, ReferenceOps.reluBackward(toDoubles(in.get("upstream")), y)));
            }
            case CheckCase.GlobalAveragePool p -> {
                int spatial = p.size() * p.size();
                e.put("output", new Expected(new long[] {p.batch(), p.channels()},
                        ReferenceOps.globalAveragePool(toDoubles(in.get("input")), p.batch(), p.channels(), spatial)));
                e.put("grad_input", new Expected(new long[] {p.batch(), p.channels(), p.size(), p.size()},
                        ReferenceOps.globalAveragePoolBackward(toDoubles(in.get("upstream")), p.batch(),
                                p.channels(), spatial)));
            }
            case CheckCase.Linear l -> {
                double[] x = toDoubles(in.get("input"));
                double[] w = toDoubles(in.get("weight"));
                double[][] g = ReferenceOps.linearBackward(toDoubles(in.get("upstream")), x, w, l.batch(), l.in(),
                        l.out());
                e.put("output", new Expected(new long[] {l.batch(), l.out()},
                        ReferenceOps.linear(x, w, toDoubles(in.get("bias")), l.batch(), l.in(), l.out())));
                e.put("grad_input", new Expected(new long[] {l.batch(), l.in()}, g[0]));
                e.put("grad_weight", new Expected(new long[] {l.out(), l.in()}, g[1]));
                e.put("grad_bias", new Expected(new long[] {l.out()}, g[2]));
            }
            case CheckCase.CrossEntropy ce -> {
                double[][] r = ReferenceOps.crossEntropy(toDoubles(in.get("logits")), in.labels(), ce.batch(),
                        ce.classes());
                e.put("loss", new Expected(new long[0], r[0]));
                e.put("grad_logits", new Expected(new long[] {ce.batch(), ce.classes()}, r[1]));
            }
        }
        return e;
    }

    private static float[] gaussian(SplittableRandom r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    private static float[] uniform(SplittableRandom r, int n, double high) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(high);
        }
        return v;
    }

    private static float[] shifted(float[] v, double by) {
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) by;
        }
        return v;
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
