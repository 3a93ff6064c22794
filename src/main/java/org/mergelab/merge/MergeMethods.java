package org.mergelab.merge;

import java.util.List;
import java.util.Map;
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

    /**
     * Checks parameters for {@code method} before any merge runs: every key one the method takes (per model or
     * global), every value in its key's range.
     *
     * @param where names the source of the parameters in messages (a config key)
     * @throws IllegalArgumentException naming {@code where}, the key and the value
     */
    public static void checkParameters(MergeMethod method, List<Map<String, Double>> perModel, Map<String, Double> global,
            String where) {
        for (Map<String, Double> one : perModel) {
            for (String key : one.keySet()) {
                if (!method.perModelParameters().contains(key)) {
                    throw new IllegalArgumentException(where + ": " + method.name() + " takes no per-model parameter '"
                            + key + "'");
                }
            }
        }
        for (String key : global.keySet()) {
            if (!method.globalParameters().contains(key)) {
                throw new IllegalArgumentException(where + ": " + method.name() + " takes no parameter '" + key
                        + "'; it takes " + new java.util.TreeSet<>(method.perModelParameters()) + " per model and "
                        + new java.util.TreeSet<>(method.globalParameters()) + " globally");
            }
        }
        try {
            MergeRequest.checkParameters(perModel, global, "(any)", perModel.isEmpty() ? 1 : perModel.size());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage()); // the message says it all; no cause
        }
    }

    /** Every method, in a fixed order. */
    public static List<MergeMethod> all() {
        return ALL;
    }

    /**
     * The kernel that merges task arithmetic, TIES, Breadcrumbs and DARE in this JVM: {@code vector, N float64 lanes}
     * (the Vector API) or {@code scalar} (no {@code jdk.incubator.vector}, {@code -Dmergelab.scalarKernels=true}, or
     * vectors narrower than two doubles). Both give the same bits.
     */
    public static String taskVectorKernel() {
        return OnePassRange.describe();
    }
}
