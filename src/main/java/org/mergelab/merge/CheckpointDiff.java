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
import org.mergelab.checkpoint.TensorInfo;
import org.mergelab.checkpoint.TensorLayout;
import org.mergelab.checkpoint.TensorSource;

/**
 * Compares two checkpoints tensor by tensor ({@link TensorDiff}), per layer and in total. A layer is the tensor
 * name up to its last {@code .} ({@code layer1.0.conv1.weight} is in layer {@code layer1.0.conv1}). Layer and
 * total rows aggregate exactly: L2 = sqrt(Σ squared distances), cosine from the summed dot products and squared
 * norms, sign agreement and fraction changed as counts over the summed element counts.
 *
 * @param a the first checkpoint's path
 * @param b the second checkpoint's path
 * @param tensors per tensor, in a's order
 * @param layers per layer, in order of first appearance
 * @param total over every tensor
 */
public record CheckpointDiff(Path a, Path b, List<TensorDiff> tensors, List<Summary> layers, Summary total) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * An aggregate over several tensors.
     *
     * @param name layer name, or {@code "total"}
     * @param tensors number of tensors
     * @param elements number of elements
     * @param l2Distance |a − b|₂ over all their elements
     * @param cosineSimilarity a·b / (|a| |b|) over all their elements (1 when both are zero, 0 when one is)
     * @param signAgreement fraction of elements, among those where a or b is non-zero, with equal signs
     * @param fractionChanged fraction of elements changed by more than the tolerance
     */
    public record Summary(String name, int tensors, long elements, double l2Distance, double cosineSimilarity,
            double signAgreement, double fractionChanged) {}

    /** Running sums behind a {@link Summary}. */
    private static final class Sums {
        int tensors;
        long elements;
        double squaredDistance;
        double dot;
        double normA;
        double normB;
        long nonZero;
        long agreeing;
        long changed;

        void add(TensorDiff d, double normA, double normB, long nonZero) {
            tensors++;
            elements += d.elements();
            squaredDistance += d.l2Distance() * d.l2Distance();
            this.normA += normA;
            this.normB += normB;
            dot += (normA + normB - d.l2Distance() * d.l2Distance()) / 2.0;
            this.nonZero += nonZero;
            agreeing += Math.round(d.signAgreement() * nonZero);
            changed += Math.round(d.fractionChanged() * d.elements());
        }

        Summary summary(String name) {
            double cosine = normA == 0.0 && normB == 0.0 ? 1.0 : normA == 0.0 || normB == 0.0 ? 0.0
                    : Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(normA * normB)));
            return new Summary(name, tensors, elements, Math.sqrt(squaredDistance), cosine,
                    nonZero == 0 ? 1.0 : (double) agreeing / nonZero,
                    elements == 0 ? 0.0 : (double) changed / elements);
        }
    }

    /**
     * Compares the checkpoints at {@code a} and {@code b} (anything {@link TensorSource#open} reads).
     *
     * @throws IllegalArgumentException when names or shapes differ, naming the tensor and both files
     */
    public static CheckpointDiff compare(Path a, Path b, double tolerance) throws IOException {
        try (TensorSource sa = TensorSource.open(a); TensorSource sb = TensorSource.open(b)) {
            TensorLayout.requireSame(TensorLayout.of(sa), TensorLayout.of(sb), TensorLayout.DTypes.ANY);
            List<TensorDiff> diffs = new ArrayList<>();
            Map<String, Sums> layers = new LinkedHashMap<>();
            Sums total = new Sums();
            for (TensorInfo info : sa.tensors()) {
                float[] x;
                float[] y;
                try (Arena arena = Arena.ofConfined()) {
                    x = sa.read(info.name(), arena).toFloats();
                    y = sb.read(info.name(), arena).toFloats();
                }
                TensorDiff d = TensorDiff.of(info.name(), x, y, tolerance);
                double normA = 0.0;
                double normB = 0.0;
                long nonZero = 0;
                for (int j = 0; j < x.length; j++) {
                    normA += (double) x[j] * x[j];
                    normB += (double) y[j] * y[j];
                    if (x[j] != 0.0f || y[j] != 0.0f) {
                        nonZero++;
                    }
                }
                diffs.add(d);
                layers.computeIfAbsent(layerOf(info.name()), k -> new Sums()).add(d, normA, normB, nonZero);
                total.add(d, normA, normB, nonZero);
            }
            List<Summary> layerSummaries = new ArrayList<>();
            layers.forEach((name, sums) -> layerSummaries.add(sums.summary(name)));
            return new CheckpointDiff(sa.path(), sb.path(), diffs, layerSummaries, total.summary("total"));
        }
    }

    /** The name up to the last {@code '.'}, or the whole name without one. */
    static String layerOf(String tensorName) {
        int dot = tensorName.lastIndexOf('.');
        return dot < 0 ? tensorName : tensorName.substring(0, dot);
    }

    /** JSON: {@code {"format_version": 1, "a", "b", "tensors": [...], "layers": [...], "total": {...}}}. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", 1);
        root.put("a", a.toString());
        root.put("b", b.toString());
        ArrayNode t = root.putArray("tensors");
        for (TensorDiff d : tensors) {
            t.addObject().put("name", d.tensorName()).put("elements", d.elements())
                    .put("l2_distance", d.l2Distance()).put("cosine_similarity", d.cosineSimilarity())
                    .put("sign_agreement", d.signAgreement()).put("fraction_changed", d.fractionChanged())
                    .put("max_abs_difference", d.maxAbsDifference());
        }
        ArrayNode l = root.putArray("layers");
        layers.forEach(s -> l.add(summaryNode(s)));
        root.set("total", summaryNode(total));
        root.put("tolerance", tensors.isEmpty() ? TensorDiff.DEFAULT_TOLERANCE : tensors.getFirst().tolerance());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode summaryNode(Summary s) {
        return JSON.createObjectNode().put("name", s.name()).put("tensors", s.tensors()).put("elements", s.elements())
                .put("l2_distance", s.l2Distance()).put("cosine_similarity", s.cosineSimilarity())
                .put("sign_agreement", s.signAgreement()).put("fraction_changed", s.fractionChanged());
    }

    /** Aligned text tables: tensors, then layers, then the total. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        String header = String.format("%-48s %10s %12s %9s %9s %9s%n", "", "elements", "l2", "cosine", "signs",
                "changed");
        out.append("a: ").append(a).append('\n').append("b: ").append(b).append("\n\n");
        out.append(header.replaceFirst(" {48}", String.format("%-48s", "tensor")));
        for (TensorDiff d : tensors) {
            out.append(String.format("%-48s %10d %12.6g %9.6f %9.6f %9.6f%n", d.tensorName(), d.elements(),
                    d.l2Distance(), d.cosineSimilarity(), d.signAgreement(), d.fractionChanged()));
        }
        out.append('\n').append(header.replaceFirst(" {48}", String.format("%-48s", "layer")));
        for (Summary s : layers) {
            out.append(row(s));
        }
        out.append(row(total));
        return out.toString();
    }

    private static String row(Summary s) {
        return String.format("%-48s %10d %12.6g %9.6f %9.6f %9.6f%n", s.name(), s.elements(), s.l2Distance(),
                s.cosineSimilarity(), s.signAgreement(), s.fractionChanged());
    }
}
