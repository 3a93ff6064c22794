package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.MAX_ITER;
import static org.mergelab.merge.MergeParameter.TOL;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code karcher}: the Karcher (Riemannian) mean of the models' directions on the unit hypersphere, scaled by their
 * mean norm, each tensor one flattened vector (Karcher 1977; as mergekit's {@code merge_methods/karcher.py},
 * {@code karcher_merge_tensors}, with equal weights α_i = 1/N).
 *
 * <pre>  u_i = θ_i / |θ_i|, kept where |θ_i| &gt; tol, weights renormalised over those kept: a_i
 *   m   = Σ a_i u_i / |Σ a_i u_i|   (u of the first kept model when that norm &lt; tol)
 *   repeat max_iter times:
 *     φ_i = acos(clamp(m·u_i, −1, 1));  T = Σ_{φ_i ≥ tol} a_i φ_i / sin φ_i · (u_i − (m·u_i) m)
 *     stop if |T| &lt; tol;  m = cos|T| · m + sin|T| · T/|T|, divided by |m| when |m| &gt; tol
 *   θ   = (Σ α_i |θ_i|) · m           (every model's norm, kept or not)</pre>
 *
 * One model comes back unchanged; when every norm is at most tol the result is zero. Every step is elementwise except
 * sums over the tensor (the norms, |Σ a_i u_i|, and per iteration each m·u_i, |T| and the new |m|), so it merges range
 * by range after a scan of 2 + 3 · iterations passes: each pass sums in float64 in index order and replays, element by
 * element, the iterations already known from their sums; the bits of the whole-tensor merge, in memory that does not
 * grow with the tensor. No base, no per-model parameters (mergekit's have
 * none). Global: {@code max_iter} (default 10), {@code tol} (default 1e-5).
 */
final class KarcherMerge extends AbstractMergeMethod implements RangeMergeable {

    KarcherMerge() {
        super("karcher", References.KARCHER,
                MethodSignature.of(1, ANY, false, Map.of(), Map.of(MAX_ITER, 10.0, TOL, 1e-5)));
    }

    @Override
    public Locality locality(Map<String, Double> globalParameters) {
        return Locality.TENSOR_STATISTICS;
    }

    /**
     * One finished iteration, from its sums.
     *
     * @param cos m·u_i per kept model, clamped to [−1, 1]
     * @param factor a_i φ_i / sin φ_i per kept model, NaN where φ_i &lt; tol (skipped)
     * @param stepCos cos |T|
     * @param sinOverStep sin |T| / |T|
     * @param norm |m| after the step (m is divided by it when it is above tol)
     */
    record Iteration(double[] cos, double[] factor, double stepCos, double sinOverStep, double norm) {}

    /**
     * A tensor's sums.
     *
     * @param scale Σ α_i |θ_i|
     * @param kept the models whose norm is above tol, in order (empty: the result is zero)
     * @param norms |θ_i| of every model
     * @param a the weight of a kept model
     * @param firstUnit whether m starts as u of the first kept model (|Σ a_i u_i| &lt; tol)
     * @param meanNorm |Σ a_i u_i|
     * @param iterations the iterations done
     */
    record Sums(double scale, int[] kept, double[] norms, double a, boolean firstUnit, double meanNorm,
            List<Iteration> iterations) implements TensorStatistics {}

    @Override
    StatisticsScan scan(MergeRequest first, long length) {
        int models = first.modelCount();
        long maxIter = (long) signature().global(first, MAX_ITER);
        double tol = signature().global(first, TOL);
        return new StatisticsScan() {
            /** 0: norms; 1: |Σ a_i u_i|; then per iteration 2: m·u_i, 3: |T|, 4: the new |m|; -1: done. */
            private int phase = models == 1 ? -1 : 0;
            private final double[] squares = new double[models];
            private double sum;
            private double[] sums = new double[0];
            private Sums known;
            private double[] cos;
            private double[] factor;
            private double stepCos;
            private double sinOverStep;

            @Override
            public void add(MergeRequest range, long offset) {
                if (phase < 0) {
                    return;
                }
                List<float[]> inputs = range.models();
                int n = range.length();
                if (phase == 0) {
                    for (int i = 0; i < models; i++) {
                        float[] model = inputs.get(i);
                        double s = squares[i];
                        for (int j = 0; j < n; j++) {
                            s += (double) model[j] * model[j];
                        }
                        squares[i] = s;
                    }
                    return;
                }
                for (int j = 0; j < n; j++) {
                    if (phase == 1) {
                        double m = initialSum(known, inputs, j);
                        sum += m * m;
                        continue;
                    }
                    double m = meanAt(known, inputs, j, tol);
                    if (phase == 2) {
                        int[] kept = known.kept();
                        for (int k = 0; k < kept.length; k++) {
                            sums[k] += m * unit(known, inputs, kept[k], j);
                        }
                        continue;
                    }
                    double t = tangent(known, inputs, j, m, factor, cos);
                    if (phase == 3) {
                        sum += t * t;
                    } else {
                        double next = stepCos * m + sinOverStep * t;
                        sum += next * next;
                    }
                }
            }

            @Override
            public boolean endPass() {
                switch (phase) {
                    case -1 -> {
                        return false;
                    }
                    case 0 -> {
                        double scale = 0.0;
                        double[] norms = new double[models];
                        List<Integer> kept = new ArrayList<>();
                        for (int i = 0; i < models; i++) {
                            norms[i] = Math.sqrt(squares[i]);
                            scale += 1.0 / models * norms[i];
                            if (norms[i] > tol) {
                                kept.add(i);
                            }
                        }
                        known = new Sums(scale, kept.stream().mapToInt(Integer::intValue).toArray(), norms,
                                kept.isEmpty() ? 0.0 : 1.0 / kept.size(), false, 0.0, List.of());
                        phase = kept.isEmpty() ? -1 : 1;
                    }
                    case 1 -> {
                        double meanNorm = Math.sqrt(sum);
                        known = new Sums(known.scale(), known.kept(), known.norms(), known.a(), meanNorm < tol, meanNorm,
                                List.of());
                        startIteration();
                    }
                    case 2 -> {
                        int kept = known.kept().length;
                        cos = new double[kept];
                        factor = new double[kept];
                        for (int k = 0; k < kept; k++) {
                            cos[k] = Math.max(-1.0, Math.min(1.0, sums[k]));
                            double angle = Math.acos(cos[k]);
                            factor[k] = angle < tol ? Double.NaN : known.a() * angle / Math.sin(angle);
                        }
                        sum = 0.0;
                        phase = 3;
                    }
                    case 3 -> {
                        double step = Math.sqrt(sum);
                        if (step < tol) {
                            phase = -1;
                            return false;
                        }
                        stepCos = Math.cos(step);
                        sinOverStep = Math.sin(step) / step;
                        sum = 0.0;
                        phase = 4;
                    }
                    default -> {
                        List<Iteration> iterations = new ArrayList<>(known.iterations());
                        iterations.add(new Iteration(cos, factor, stepCos, sinOverStep, Math.sqrt(sum)));
                        known = new Sums(known.scale(), known.kept(), known.norms(), known.a(), known.firstUnit(),
                                known.meanNorm(), List.copyOf(iterations));
                        startIteration();
                    }
                }
                return phase >= 0;
            }

            private void startIteration() {
                if (known.iterations().size() >= maxIter) {
                    phase = -1;
                    return;
                }
                sums = new double[known.kept().length];
                phase = 2;
            }

            @Override
            public TensorStatistics statistics() {
                return known;
            }
        };
    }

    @Override
    float[] computeRange(MergeRequest range, long offset, TensorStatistics statistics) {
        if (range.modelCount() == 1) {
            return range.models().getFirst().clone();
        }
        Sums sums = (Sums) statistics;
        int n = range.length();
        float[] out = new float[n];
        if (sums.kept().length == 0) {
            return out;
        }
        double tol = signature().global(range, TOL);
        for (int j = 0; j < n; j++) {
            out[j] = (float) (sums.scale() * meanAt(sums, range.models(), j, tol));
        }
        return out;
    }

    @Override
    float[] compute(MergeRequest request) {
        return computeRange(request, 0, scanWhole(scan(request, request.length()), request));
    }

    /** Element j of u_i = θ_i / |θ_i|. */
    private static double unit(Sums sums, List<float[]> models, int i, int j) {
        return models.get(i)[j] / sums.norms()[i];
    }

    /** Element j of Σ a_i u_i over the kept models, in order. */
    private static double initialSum(Sums sums, List<float[]> models, int j) {
        double m = 0.0;
        for (int i : sums.kept()) {
            m += sums.a() * unit(sums, models, i, j);
        }
        return m;
    }

    /** Element j of m after the iterations in {@code sums}, replayed from the inputs. */
    private static double meanAt(Sums sums, List<float[]> models, int j, double tol) {
        double m = sums.firstUnit() ? unit(sums, models, sums.kept()[0], j) : initialSum(sums, models, j) / sums.meanNorm();
        for (Iteration it : sums.iterations()) {
            double t = tangent(sums, models, j, m, it.factor(), it.cos());
            m = it.stepCos() * m + it.sinOverStep() * t;
            if (it.norm() > tol) {
                m /= it.norm();
            }
        }
        return m;
    }

    /** Element j of T = Σ a_i φ_i / sin φ_i (u_i − (m·u_i) m) over the kept models not skipped, in order. */
    private static double tangent(Sums sums, List<float[]> models, int j, double m, double[] factor, double[] cos) {
        double t = 0.0;
        int[] kept = sums.kept();
        for (int k = 0; k < kept.length; k++) {
            if (!Double.isNaN(factor[k])) {
                t += factor[k] * (unit(sums, models, kept[k], j) - cos[k] * m);
            }
        }
        return t;
    }
}
