package org.mergelab.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorInfo;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.checkpoint.TensorSource;

/**
 * Weight forensics of two fine-tuned checkpoints a and b against their base (PROTOCOL.md, "weight forensics"), per
 * {@link LayerGroups layer group} and for the whole model. With task vectors τ_a = θ_a − θ_base and
 * τ_b = θ_b − θ_base over the trained tensors (BatchNorm running statistics and integer tensors are left out):
 *
 * <ul>
 *   <li>norms |τ_a|₂ and |τ_b|₂;
 *   <li>cos(τ_a, τ_b) = τ_a·τ_b / (|τ_a| |τ_b|), undefined (NaN) when either is zero;
 *   <li>sign-conflict rate = #(τ_a τ_b &lt; 0) / #(τ_a ≠ 0 and τ_b ≠ 0), undefined when the divisor is 0;
 *   <li>for TIES at each density d ({@code ties} with that density for both models, weight 1): the entries of each
 *       model that enter the disjoint mean, i.e. survive the trim and agree with the elected sign, counted by the
 *       merge method's own code ({@link TaskVectorFamilyMethod#electedEntries}); a model's share is its count over
 *       both counts. TIES trims each tensor on its own, as the merge does;
 *   <li>given a merged checkpoint θ_m (of a and b, made by any method), the predicted retention of each model's
 *       knowledge, {@link PredictedRetention#projection}: ⟨τ_m, τ_k⟩ / |τ_k|² with τ_m = θ_m − θ_base.
 * </ul>
 *
 * Aggregates are exact: squared norms, dot products and counts are summed over the group's tensors in float64.
 * Tensors are read one at a time (memory bounded by the largest tensor).
 *
 * @param base the base checkpoint's path
 * @param a the first fine-tuned checkpoint's path
 * @param b the second fine-tuned checkpoint's path
 * @param merged the merged checkpoint's path, or null when none was given
 * @param densities the TIES densities, in the order given
 * @param groups per layer group with at least one trained tensor, in model order
 * @param total over every trained tensor
 */
public record WeightForensics(Path base, Path a, Path b, Path merged, List<Double> densities, List<Figures> groups,
        Figures total) {

    /** The density TIES keeps when none is given: the top 20%, Yadav et al.'s setting. */
    public static final double DEFAULT_DENSITY = 0.2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TaskVectorFamilyMethod TIES = new TiesMerge();

    /** Copies the lists. */
    public WeightForensics {
        densities = List.copyOf(densities);
        groups = List.copyOf(groups);
    }

    /**
     * The figures of one group (or the whole model).
     *
     * @param name the group's name, or {@code "total"}
     * @param tensors trained tensors counted
     * @param elements their elements
     * @param squaredNormA |τ_a|₂²
     * @param squaredNormB |τ_b|₂²
     * @param dot τ_a·τ_b
     * @param bothNonZero #(τ_a ≠ 0 and τ_b ≠ 0)
     * @param conflicts #(τ_a τ_b &lt; 0)
     * @param ties per density, in {@link #densities} order
     * @param mergedDotA τ_m·τ_a, NaN without a merged checkpoint
     * @param mergedDotB τ_m·τ_b, NaN without a merged checkpoint
     */
    public record Figures(String name, int tensors, long elements, double squaredNormA, double squaredNormB, double dot,
            long bothNonZero, long conflicts, List<TiesEntries> ties, double mergedDotA, double mergedDotB) {

        /** Copies the list. */
        public Figures {
            ties = List.copyOf(ties);
        }

        /** |τ_a|₂. */
        public double normA() {
            return Math.sqrt(squaredNormA);
        }

        /** |τ_b|₂. */
        public double normB() {
            return Math.sqrt(squaredNormB);
        }

        /** cos(τ_a, τ_b); NaN when either task vector is zero. */
        public double cosine() {
            return squaredNormA == 0.0 || squaredNormB == 0.0 ? Double.NaN
                    : Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(squaredNormA * squaredNormB)));
        }

        /** #(τ_a τ_b &lt; 0) / #(τ_a ≠ 0 and τ_b ≠ 0); NaN when no entry moved in both. */
        public double signConflictRate() {
            return bothNonZero == 0 ? Double.NaN : (double) conflicts / bothNonZero;
        }

        /** a's predicted retention under the merge, τ_m·τ_a / |τ_a|²; NaN without a merge or when τ_a = 0. */
        public double predictedRetentionA() {
            return PredictedRetention.projection(mergedDotA, squaredNormA);
        }

        /** b's predicted retention under the merge, τ_m·τ_b / |τ_b|²; NaN without a merge or when τ_b = 0. */
        public double predictedRetentionB() {
            return PredictedRetention.projection(mergedDotB, squaredNormB);
        }
    }

    /**
     * What TIES at one density keeps of both models.
     *
     * @param density the trim density of both models
     * @param keptA entries of τ_a that enter the disjoint mean
     * @param keptB entries of τ_b that enter the disjoint mean
     */
    public record TiesEntries(double density, long keptA, long keptB) {

        /** a's share of the entries kept: keptA / (keptA + keptB); NaN when none is kept. */
        public double shareA() {
            return keptA + keptB == 0 ? Double.NaN : (double) keptA / (keptA + keptB);
        }

        /** b's share of the entries kept; NaN when none is kept. */
        public double shareB() {
            return keptA + keptB == 0 ? Double.NaN : (double) keptB / (keptA + keptB);
        }
    }

    /** Running sums behind one {@link Figures}. */
    private static final class Sums {
        int tensors;
        long elements;
        double squaredA;
        double squaredB;
        double dot;
        long bothNonZero;
        long conflicts;
        double mergedDotA;
        double mergedDotB;
        final long[] keptA;
        final long[] keptB;

        Sums(int densities) {
            keptA = new long[densities];
            keptB = new long[densities];
        }

        void add(Sums tensor) {
            tensors += tensor.tensors;
            elements += tensor.elements;
            squaredA += tensor.squaredA;
            squaredB += tensor.squaredB;
            dot += tensor.dot;
            bothNonZero += tensor.bothNonZero;
            conflicts += tensor.conflicts;
            mergedDotA += tensor.mergedDotA;
            mergedDotB += tensor.mergedDotB;
            for (int d = 0; d < keptA.length; d++) {
                keptA[d] += tensor.keptA[d];
                keptB[d] += tensor.keptB[d];
            }
        }

        Figures figures(String name, List<Double> densities, boolean merged) {
            List<TiesEntries> ties = new ArrayList<>();
            for (int d = 0; d < densities.size(); d++) {
                ties.add(new TiesEntries(densities.get(d), keptA[d], keptB[d]));
            }
            return new Figures(name, tensors, elements, squaredA, squaredB, dot, bothNonZero, conflicts, ties,
                    merged ? mergedDotA : Double.NaN, merged ? mergedDotB : Double.NaN);
        }
    }

    /** A builder; {@code set*} for the required checkpoints, {@code opt*} for the rest. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds and computes a {@link WeightForensics}. Required: {@link #setBase}, {@link #setA}, {@link #setB}, each
     * anything {@link TensorSource#open} reads (a file, a sharded index, a directory). Optional:
     * {@link #optMerged} (default none) and {@link #optDensities} (default {@link #DEFAULT_DENSITY}).
     */
    public static final class Builder {
        private Path base;
        private Path a;
        private Path b;
        private Path merged;
        private List<Double> densities = List.of(DEFAULT_DENSITY);

        private Builder() {}

        /** The checkpoint a and b were tuned from (required). */
        public Builder setBase(Path base) {
            this.base = base;
            return this;
        }

        /** The first fine-tuned checkpoint (required). */
        public Builder setA(Path a) {
            this.a = a;
            return this;
        }

        /** The second fine-tuned checkpoint (required). */
        public Builder setB(Path b) {
            this.b = b;
            return this;
        }

        /** A merge of a and b, for the predicted retentions; default none. */
        public Builder optMerged(Path merged) {
            this.merged = merged;
            return this;
        }

        /** The TIES densities, each in (0, 1], at least one; default [{@link #DEFAULT_DENSITY}]. */
        public Builder optDensities(List<Double> densities) {
            this.densities = List.copyOf(densities);
            return this;
        }

        /**
         * Reads the checkpoints, one tensor at a time, and computes the figures.
         *
         * @throws IllegalArgumentException when a required checkpoint is missing, names, shapes or dtype kinds differ
         *     (naming the tensor and both files), a trained tensor holds a non-finite value (naming the file, the
         *     tensor and the element), or a density is outside (0, 1]
         */
        public WeightForensics compute() throws IOException {
            if (base == null || a == null || b == null) {
                throw new IllegalArgumentException("weight forensics need a base and two checkpoints, a and b");
            }
            if (densities.isEmpty()) {
                throw new IllegalArgumentException("at least one TIES density is needed");
            }
            for (double d : densities) {
                MergeParameter.DENSITY.check(d, "for weight forensics");
            }
            try (TensorSource s0 = TensorSource.open(base); TensorSource sa = TensorSource.open(a);
                    TensorSource sb = TensorSource.open(b);
                    TensorSource sm = merged == null ? null : TensorSource.open(merged)) {
                TensorLayout layout = TensorLayout.of(s0);
                TensorLayout.requireSame(layout, TensorLayout.of(sa), TensorLayout.DTypes.SAME_KIND);
                TensorLayout.requireSame(layout, TensorLayout.of(sb), TensorLayout.DTypes.SAME_KIND);
                if (sm != null) {
                    TensorLayout.requireSame(layout, TensorLayout.of(sm), TensorLayout.DTypes.SAME_KIND);
                }
                LayerGroups layerGroups = LayerGroups.of(s0.tensors().stream().map(TensorInfo::name).toList());
                Map<String, Sums> perGroup = new LinkedHashMap<>();
                layerGroups.names().forEach(g -> perGroup.put(g, new Sums(densities.size())));
                Sums total = new Sums(densities.size());
                for (TensorInfo info : s0.tensors()) {
                    if (!isTrained(info)) {
                        continue;
                    }
                    Sums tensor = tensorSums(info, new Sources(s0, sa, sb, sm), densities);
                    perGroup.get(layerGroups.groupOf(info.name())).add(tensor);
                    total.add(tensor);
                }
                List<Figures> groups = new ArrayList<>();
                perGroup.forEach((name, sums) -> {
                    if (sums.tensors > 0) {
                        groups.add(sums.figures(name, densities, sm != null));
                    }
                });
                return new WeightForensics(s0.path(), sa.path(), sb.path(), sm == null ? null : sm.path(),
                        densities, groups, total.figures("total", densities, sm != null));
            }
        }
    }

    /** The open checkpoints; {@code merged} is null when none was given. */
    private record Sources(TensorSource base, TensorSource a, TensorSource b, TensorSource merged) {}

    /** Whether a tensor is part of a task vector: floating point and not a BatchNorm running statistic. */
    static boolean isTrained(TensorInfo info) {
        return info.dtype().isFloatingPoint() && !LayerGroups.isRunningStatistic(info.name());
    }

    private static Sums tensorSums(TensorInfo info, Sources sources, List<Double> densities) throws IOException {
        String name = info.name();
        float[] x0;
        float[] xa;
        float[] xb;
        float[] xm;
        try (Arena arena = Arena.ofConfined()) {
            x0 = finiteFloats(sources.base(), name, arena);
            xa = finiteFloats(sources.a(), name, arena);
            xb = finiteFloats(sources.b(), name, arena);
            xm = sources.merged() == null ? null : finiteFloats(sources.merged(), name, arena);
        }
        Sums sums = new Sums(densities.size());
        sums.tensors = 1;
        sums.elements = x0.length;
        for (int j = 0; j < x0.length; j++) {
            double ta = (double) xa[j] - x0[j];
            double tb = (double) xb[j] - x0[j];
            sums.squaredA += ta * ta;
            sums.squaredB += tb * tb;
            sums.dot += ta * tb;
            if (ta != 0.0 && tb != 0.0) {
                sums.bothNonZero++;
                if ((ta < 0.0) != (tb < 0.0)) {
                    sums.conflicts++;
                }
            }
            if (xm != null) {
                double tm = (double) xm[j] - x0[j];
                sums.mergedDotA += tm * ta;
                sums.mergedDotB += tm * tb;
            }
        }
        for (int d = 0; d < densities.size(); d++) {
            Map<String, Double> density = Map.of(MergeParameter.DENSITY.key(), densities.get(d));
            MergeRequest request = MergeRequest.builder().setTensorName(name).setModels(xa, xb).optBase(x0)
                    .optPerModelParameters(List.of(density, density)).optShape(info.shape()).build();
            boolean[][] entered = TIES.electedEntries(request);
            sums.keptA[d] = count(entered[0]);
            sums.keptB[d] = count(entered[1]);
        }
        return sums;
    }

    private static float[] finiteFloats(TensorSource source, String name, Arena arena) throws IOException {
        Tensor t = source.read(name, arena);
        int bad = t.indexOfNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(source.path() + ": tensor '" + name + "' has a non-finite value at"
                    + " element " + bad + "; task vectors need finite weights");
        }
        return t.toFloats();
    }

    private static long count(boolean[] flags) {
        long n = 0;
        for (boolean f : flags) {
            if (f) {
                n++;
            }
        }
        return n;
    }

    /**
     * JSON: {@code {"format_version": 1, "base", "a", "b", "densities": [...], "groups": [...], "total": {...}}};
     * each figure has {@code name, tensors, elements, norm_a, norm_b, cosine, sign_conflict_rate, both_nonzero,
     * conflicts, predicted_retention_a, predicted_retention_b} and
     * {@code ties: [{density, kept_a, kept_b, share_a, share_b}]}; {@code merged} and undefined values are null.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", 1);
        root.put("base", base.toString());
        root.put("a", a.toString());
        root.put("b", b.toString());
        if (merged == null) {
            root.putNull("merged");
        } else {
            root.put("merged", merged.toString());
        }
        ArrayNode d = root.putArray("densities");
        densities.forEach(d::add);
        ArrayNode g = root.putArray("groups");
        groups.forEach(f -> g.add(figuresNode(f)));
        root.set("total", figuresNode(total));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode figuresNode(Figures f) {
        ObjectNode node = JSON.createObjectNode().put("name", f.name()).put("tensors", f.tensors())
                .put("elements", f.elements()).put("norm_a", f.normA()).put("norm_b", f.normB());
        putDefined(node, "cosine", f.cosine());
        putDefined(node, "sign_conflict_rate", f.signConflictRate());
        node.put("both_nonzero", f.bothNonZero()).put("conflicts", f.conflicts());
        putDefined(node, "predicted_retention_a", f.predictedRetentionA());
        putDefined(node, "predicted_retention_b", f.predictedRetentionB());
        ArrayNode ties = node.putArray("ties");
        for (TiesEntries t : f.ties()) {
            ObjectNode e = ties.addObject().put("density", t.density()).put("kept_a", t.keptA())
                    .put("kept_b", t.keptB());
            putDefined(e, "share_a", t.shareA());
            putDefined(e, "share_b", t.shareB());
        }
        return node;
    }

    private static void putDefined(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    /** An aligned table: one row per group, then the whole model; "n/a" for undefined values. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("base: ").append(base).append('\n').append("a:    ").append(a).append('\n')
                .append("b:    ").append(b).append('\n');
        if (merged != null) {
            out.append("merged: ").append(merged).append('\n');
        }
        out.append('\n');
        StringBuilder header = new StringBuilder(String.format("%-16s %7s %11s %11s %11s %9s %9s", "group",
                "tensors", "elements", "|tau_a|", "|tau_b|", "cos", "conflict"));
        for (double density : densities) {
            String label = "ties@" + MergeParameter.DENSITY.format(density);
            header.append(String.format(" %12s %12s", label + " a", label + " b"));
        }
        if (merged != null) {
            header.append(String.format(" %9s %9s", "R^ a", "R^ b"));
        }
        out.append(header).append('\n');
        for (Figures f : groups) {
            out.append(row(f, merged != null)).append('\n');
        }
        out.append(row(total, merged != null)).append('\n');
        out.append("\nconflict: #(tau_a*tau_b < 0) / #(tau_a != 0 and tau_b != 0);"
                + " ties@d a/b: each model's share of the entries TIES keeps at density d"
                + (merged == null ? "" : "; R^ a/b: predicted retention tau_m.tau_k / |tau_k|^2") + "\n");
        return out.toString();
    }

    private static String row(Figures f, boolean withMerged) {
        StringBuilder row = new StringBuilder(String.format("%-16s %7d %11d %11.5g %11.5g %9s %9s", f.name(),
                f.tensors(), f.elements(), f.normA(), f.normB(), fixed(f.cosine()), fixed(f.signConflictRate())));
        for (TiesEntries t : f.ties()) {
            row.append(String.format(" %12s %12s", fixed(t.shareA()), fixed(t.shareB())));
        }
        if (withMerged) {
            row.append(String.format(" %9s %9s", fixed(f.predictedRetentionA()), fixed(f.predictedRetentionB())));
        }
        return row.toString();
    }

    private static String fixed(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%.4f", value);
    }
}
