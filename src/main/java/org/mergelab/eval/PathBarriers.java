package org.mergelab.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loss and error barriers along an interpolation path θ(α), α on a grid from 0 to 1 (PROTOCOL.md, "loss barrier
 * along a path"), in the form of Entezari et al. (2022):
 *
 * <pre>  B = max over the grid of  v(α) − ((1 − α) v(0) + α v(1))</pre>
 *
 * with v the mean cross-entropy on a probe's test subset (loss barrier) or 1 − accuracy (error barrier). At α = 0
 * and α = 1 the bracket is v minus itself, exactly 0, so B &ge; 0: a path that is never above the straight line
 * between its endpoints has no barrier. Barriers are computed per probe and per seed, then summarised over seeds as a
 * {@link Statistic} (mean and standard error).
 */
public final class PathBarriers {

    private PathBarriers() {}

    /**
     * One probe on one seed's path at one α.
     *
     * @param seed the seed of the path
     * @param probe the probe's name
     * @param alpha the position on the path, in [0, 1]
     * @param loss the mean cross-entropy on the probe's test subset
     * @param accuracy top-1 accuracy on it, in [0, 1]
     */
    public record PathPoint(long seed, String probe, double alpha, double loss, double accuracy) {}

    /**
     * One probe's barriers over seeds.
     *
     * @param probe the probe's name
     * @param loss the loss barrier: its per-seed values in ascending seed order, mean and standard error
     * @param error the error barrier, likewise
     */
    public record ProbeBarriers(String probe, Statistic loss, Statistic error) {}

    /**
     * The barrier of {@code values} along {@code alphas} (same order, any order of α).
     *
     * @throws IllegalArgumentException when the lengths differ, an α is outside [0, 1] or repeated, α = 0 or α = 1 is
     *     missing, or a value is not finite; the message names the α
     */
    public static double barrier(double[] alphas, double[] values) {
        if (alphas.length != values.length) {
            throw new IllegalArgumentException(alphas.length + " alphas but " + values.length + " values");
        }
        double atZero = Double.NaN;
        double atOne = Double.NaN;
        double[] sorted = alphas.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (!(sorted[i] >= 0.0 && sorted[i] <= 1.0)) {
                throw new IllegalArgumentException("alpha " + sorted[i] + " is outside [0, 1]");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("alpha " + sorted[i] + " appears twice on the path");
            }
        }
        for (int i = 0; i < alphas.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("the value at alpha " + alphas[i] + " is " + values[i]);
            }
            if (alphas[i] == 0.0) {
                atZero = values[i];
            } else if (alphas[i] == 1.0) {
                atOne = values[i];
            }
        }
        if (Double.isNaN(atZero) || Double.isNaN(atOne)) {
            throw new IllegalArgumentException("the path needs both endpoints, alpha 0 and alpha 1; it has "
                    + Arrays.toString(sorted));
        }
        double barrier = 0.0;
        for (int i = 0; i < alphas.length; i++) {
            double line = (1.0 - alphas[i]) * atZero + alphas[i] * atOne;
            barrier = Math.max(barrier, values[i] - line);
        }
        return barrier;
    }

    /**
     * The loss and error barriers of every probe, in order of first appearance: per seed from that seed's points,
     * then over seeds (ascending).
     *
     * @throws IllegalArgumentException when a seed's path for a probe lacks an endpoint or repeats an α, naming the
     *     seed and the probe
     */
    public static List<ProbeBarriers> of(List<PathPoint> points) {
        Map<String, TreeMap<Long, List<PathPoint>>> byProbe = new LinkedHashMap<>();
        for (PathPoint p : points) {
            byProbe.computeIfAbsent(p.probe(), k -> new TreeMap<>())
                    .computeIfAbsent(p.seed(), k -> new ArrayList<>()).add(p);
        }
        List<ProbeBarriers> barriers = new ArrayList<>();
        byProbe.forEach((probe, bySeed) -> {
            List<Double> loss = new ArrayList<>();
            List<Double> error = new ArrayList<>();
            bySeed.forEach((seed, path) -> {
                List<PathPoint> ordered = path.stream().sorted(Comparator.comparingDouble(PathPoint::alpha)).toList();
                double[] alphas = ordered.stream().mapToDouble(PathPoint::alpha).toArray();
                try {
                    loss.add(barrier(alphas, ordered.stream().mapToDouble(PathPoint::loss).toArray()));
                    error.add(barrier(alphas, ordered.stream().mapToDouble(p -> 1.0 - p.accuracy()).toArray()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("probe '" + probe + "', seed " + seed + ": " + e.getMessage(),
                            e);
                }
            });
            barriers.add(new ProbeBarriers(probe, Statistic.of(loss), Statistic.of(error)));
        });
        return barriers;
    }

    /**
     * One interpolation path of a run: a protocol, regime and BatchNorm policy, with every seed's rows.
     *
     * @param protocol the protocol
     * @param regime the regime
     * @param bnPolicy the BatchNorm policy
     * @param rows the rows of every seed along alpha
     */
    public record Path(String protocol, Regime regime, BatchNormPolicy bnPolicy, List<PathRow> rows) {}

    /**
     * The barriers of one path.
     *
     * @param protocol the protocol
     * @param regime the regime
     * @param bnPolicy the BatchNorm policy
     * @param probes each probe's loss and error barrier over seeds
     */
    public record PathFigures(String protocol, Regime regime, BatchNormPolicy bnPolicy, List<ProbeBarriers> probes) {}

    /**
     * The barriers of every path (the seeds of one protocol, regime and BatchNorm policy together), in order of first
     * appearance; none when the alpha grid lacks an endpoint (0 or 1), where a barrier is not defined.
     */
    public static List<PathFigures> ofPaths(List<Path> paths) {
        Map<List<Object>, List<PathPoint>> grouped = new LinkedHashMap<>();
        for (Path p : paths) {
            List<PathPoint> points = grouped.computeIfAbsent(List.of(p.protocol(), p.regime(), p.bnPolicy()),
                    k -> new ArrayList<>());
            p.rows().forEach(r -> points.add(r.point()));
        }
        List<PathFigures> out = new ArrayList<>();
        grouped.forEach((k, points) -> {
            boolean hasZero = points.stream().anyMatch(q -> q.alpha() == 0.0);
            boolean hasOne = points.stream().anyMatch(q -> q.alpha() == 1.0);
            if (hasZero && hasOne) {
                out.add(new PathFigures((String) k.get(0), (Regime) k.get(1), (BatchNormPolicy) k.get(2), of(points)));
            }
        });
        return out;
    }
}
