package org.mergelab.merge;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one registry of merge methods. Adding a method means adding it to {@link #ALL}; nothing is
 * discovered by reflection or service loading. Defaults follow mergekit where mergekit has the method;
 * the README's merge section lists where mergelab differs on purpose.
 *
 * <table>
 *   <caption>Methods, their parameters and defaults</caption>
 *   <tr><th>name</th><th>base</th><th>per model</th><th>global</th></tr>
 *   <tr><td>linear</td><td>no</td><td>weight=1</td><td>normalize=1</td></tr>
 *   <tr><td>slerp</td><td>no (2 models)</td><td></td><td>t=0.5</td></tr>
 *   <tr><td>task_arithmetic</td><td>yes</td><td>weight=1</td><td>lambda=1, normalize=0</td></tr>
 *   <tr><td>ties</td><td>yes</td><td>weight=1, density=1</td><td>lambda=1, normalize=1, rescale=false</td></tr>
 *   <tr><td>dare_linear</td><td>yes</td><td>weight=1, density=1</td>
 *       <td>lambda=1, normalize=0, rescale=true (L1)</td></tr>
 *   <tr><td>dare_ties</td><td>yes</td><td>weight=1, density=1</td>
 *       <td>lambda=1, normalize=0, rescale=true (L1)</td></tr>
 *   <tr><td>breadcrumbs</td><td>yes</td><td>weight=1, density=1, gamma=0.01</td>
 *       <td>lambda=1, normalize=0, rescale=false</td></tr>
 *   <tr><td>breadcrumbs_ties</td><td>yes</td><td>weight=1, density=1, gamma=0.01</td>
 *       <td>lambda=1, normalize=0, rescale=false</td></tr>
 *   <tr><td>model_stock</td><td>yes (&ge; 2 models)</td><td></td><td></td></tr>
 *   <tr><td>magmax</td><td>yes</td><td></td><td>lambda=1</td></tr>
 *   <tr><td>fisher</td><td>no (auxiliary = Fisher diagonals)</td><td>weight=1, fisher_norm (computed)</td>
 *       <td>epsilon=1e-8, normalize_fishers=0</td></tr>
 *   <tr><td>trajectory_uniform</td><td>no</td><td></td><td></td></tr>
 *   <tr><td>trajectory_ema</td><td>no</td><td></td><td>beta=0.9</td></tr>
 * </table>
 */
public final class MergeMethods {

    private static final List<MergeMethod> ALL = List.of(
            new LinearMerge(),
            new SlerpMerge(),
            new TaskArithmeticMerge(),
            new TiesMerge(),
            new DareLinearMerge(),
            new DareTiesMerge(),
            new BreadcrumbsMerge(),
            new BreadcrumbsTiesMerge(),
            new ModelStockMerge(),
            new MagMaxMerge(),
            new FisherMerge(),
            new TrajectoryUniformMerge(),
            new TrajectoryEmaMerge());

    private MergeMethods() {}

    /** The method called {@code name}; throws listing the known names if there is none. */
    public static MergeMethod byName(String name) {
        return ALL.stream()
                .filter(method -> method.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown merge method '" + name + "'; known: "
                        + ALL.stream().map(MergeMethod::name).collect(Collectors.joining(", "))));
    }

    /** Every method, in a fixed order. */
    public static List<MergeMethod> all() {
        return ALL;
    }
}
