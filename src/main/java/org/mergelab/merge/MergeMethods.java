package org.mergelab.merge;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one registry of merge methods. Adding a method means adding it to {@link #ALL}; nothing is
 * discovered by reflection or service loading. Defaults follow mergekit where mergekit has the method;
 * the README's merge section lists where mergelab differs on purpose.
 *
 * <p>What each method takes, and every parameter's default, is in its {@link MethodSignature} (the one
 * place a default is written); {@code MergeMethodsTest} checks the README's table of methods against
 * the signatures.
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
            new DellaMerge(),
            new DellaLinearMerge(),
            new SceMerge(),
            new ModelStockMerge(),
            new MagMaxMerge(),
            new FisherMerge(),
            new RegMeanMerge(),
            new TrajectoryUniformMerge(),
            new TrajectoryEmaMerge(),
            new NearSwapMerge(),
            new MultiSlerpMerge(),
            new KarcherMerge(),
            new NuSlerpMerge(),
            new ArceeFusionMerge(),
            new PassthroughMerge());

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
