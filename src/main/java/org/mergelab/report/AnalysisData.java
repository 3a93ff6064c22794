package org.mergelab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.KnowledgeLocation;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.PathBarriers;
import org.mergelab.eval.Regime;
import org.mergelab.eval.Statistic;
import org.mergelab.experiment.ExperimentRunner;
import org.mergelab.experiment.SummaryJson;

/**
 * The analyses of {@code summary.json} beside the figures of merit (PROTOCOL.md, "Any merge method on the same
 * probes"), read once; each list is empty when its node is absent (the run did not make it).
 *
 * @param barriers {@code barriers}: loss and error barriers of every probe along each interpolation path
 * @param swaps {@code where_knowledge_lives}: each cue's retention when its model takes a layer group from the other
 * @param forensics {@code forensics}: task-vector figures per protocol, regime and layer group (and {@code all})
 * @param predictors {@code methods.predictor}: predicted against measured retention per BatchNorm policy
 */
record AnalysisData(List<PathBarriers.PathFigures> barriers, List<KnowledgeLocation.GroupRetention> swaps,
        List<Forensics> forensics, List<Predictor> predictors) {

    /**
     * One layer group (or the whole model, {@code all}) of one protocol and regime, over seeds, as {@code forensics}
     * of summary.json holds it (written by the experiment's forensics).
     *
     * @param protocol the protocol
     * @param regime the regime
     * @param group the layer group, or {@code all}
     * @param normFirst |τ1|
     * @param normSecond |τ2|
     * @param cosine cos(τ1, τ2)
     * @param signConflictRate the share of entries where τ1 and τ2 have opposite signs
     * @param tiesShareFirst θ1's share of the entries TIES keeps
     */
    record Forensics(String protocol, Regime regime, String group, Statistic normFirst, Statistic normSecond,
            Statistic cosine, Statistic signConflictRate, Statistic tiesShareFirst) {}

    /**
     * The predictor of one BatchNorm policy, with the points whose measured or predicted retention is undefined left
     * out.
     *
     * @param bnPolicy the BatchNorm policy
     * @param spearman Spearman's rho of predicted against measured, null when undefined
     * @param n the points the correlation used
     * @param points the points with both values defined
     * @param undefined how many points were left out for an undefined value
     */
    record Predictor(BatchNormPolicy bnPolicy, Double spearman, int n, List<MethodStudy.PredictorPoint> points,
            int undefined) {}

    /** True when summary.json has none of the four nodes. */
    boolean isEmpty() {
        return barriers.isEmpty() && swaps.isEmpty() && forensics.isEmpty() && predictors.isEmpty();
    }

    /**
     * Reads the analyses of a run directory's summary.json.
     *
     * @throws IOException naming the file and the node when a node is not a list of what it should hold
     */
    static AnalysisData load(Path dir) throws IOException {
        Path file = dir.resolve(ExperimentRunner.SUMMARY_FILE);
        JsonNode root = SummaryJson.read(file);
        List<Predictor> predictors = new ArrayList<>();
        JsonNode methods = root.get("methods");
        if (methods != null && !methods.isNull()) {
            for (JsonNode p : list(methods, "predictor", file)) {
                predictors.add(predictor(p, file));
            }
        }
        return new AnalysisData(
                records(root, "barriers", PathBarriers.PathFigures.class, file),
                records(root, "where_knowledge_lives", KnowledgeLocation.GroupRetention.class, file),
                records(root, "forensics", Forensics.class, file),
                List.copyOf(predictors));
    }

    private static <T> List<T> records(JsonNode root, String key, Class<T> type, Path file) throws IOException {
        List<T> out = new ArrayList<>();
        for (JsonNode n : list(root, key, file)) {
            try {
                out.add(SummaryJson.MAPPER.treeToValue(n, type));
            } catch (JsonProcessingException e) {
                throw new IOException(file + ": " + key + "[" + out.size() + "]: " + e.getOriginalMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** The elements of {@code node.key}; none when the key is absent or null. */
    private static JsonNode list(JsonNode node, String key, Path file) throws IOException {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            return SummaryJson.MAPPER.createArrayNode();
        }
        if (!n.isArray()) {
            throw new IOException(file + ": '" + key + "' should be a list, got " + n.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return n;
    }

    /** A predictor node; a point whose measured or predicted value is null, missing or not a number is undefined. */
    private static Predictor predictor(JsonNode p, Path file) throws IOException {
        String where = file + ": methods.predictor";
        JsonNode bn = p.get("bn_policy");
        JsonNode n = p.get("n");
        if (bn == null || n == null || !n.canConvertToInt()) {
            throw new IOException(where + ": each entry needs bn_policy and an integer n, got " + p);
        }
        BatchNormPolicy policy;
        try {
            policy = BatchNormPolicy.of(bn.asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ".bn_policy: " + e.getMessage(), e);
        }
        JsonNode rho = p.get("spearman");
        List<MethodStudy.PredictorPoint> points = new ArrayList<>();
        int undefined = 0;
        for (JsonNode point : list(p, "points", file)) {
            if (!finite(point.get("measured")) || !finite(point.get("predicted"))) {
                undefined++;
                continue;
            }
            try {
                points.add(SummaryJson.MAPPER.treeToValue(point, MethodStudy.PredictorPoint.class));
            } catch (JsonProcessingException e) {
                throw new IOException(where + ".points (bn " + policy.yamlName() + "): " + e.getOriginalMessage(), e);
            }
        }
        return new Predictor(policy, finite(rho) ? rho.asDouble() : null, n.asInt(), List.copyOf(points), undefined);
    }

    private static boolean finite(JsonNode v) {
        return v != null && v.isNumber() && Double.isFinite(v.asDouble());
    }
}
