package org.mergelab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.ProtocolDefinition;
import org.mergelab.experiment.ExperimentRunner;
import org.mergelab.experiment.MergesCsv;
import org.mergelab.experiment.SummaryJson;

/**
 * The method study of a run directory (PROTOCOL.md, "Any merge method on the same probes"), read once: the
 * {@code methods} node of {@code summary.json} (each method at its chosen coefficient) and, from {@code merges.csv},
 * every method's curves over its coefficient points on the test subset ({@link MethodStudy#curves}).
 *
 * @param result the study as summary.json reports it
 * @param curves retention of each cue, and base retention, at every coefficient point
 * @param protocols the run's protocols, in config order
 */
record MethodData(MethodStudy.Result result, List<MethodStudy.Curve> curves, List<ProtocolDefinition> protocols) {

    /**
     * Reads the method study of a run directory.
     *
     * @return null when {@code summary.json} has no {@code methods} (no study ran)
     * @throws IOException naming the file when summary.json's study, its config's protocols, its pre-trained rows or
     *     merges.csv are missing or unreadable
     */
    static MethodData load(Path dir) throws IOException {
        Path summaryFile = dir.resolve(ExperimentRunner.SUMMARY_FILE);
        JsonNode root = SummaryJson.read(summaryFile);
        JsonNode methods = root.get("methods");
        if (methods == null || methods.isNull()) {
            return null;
        }
        MethodStudy.Result result;
        List<ProbeAccuracy> pretrained = new ArrayList<>();
        try {
            result = SummaryJson.MAPPER.treeToValue(methods, MethodStudy.Result.class);
            for (JsonNode n : required(root, "pretrained_rows", summaryFile)) {
                pretrained.add(SummaryJson.MAPPER.treeToValue(n, ProbeAccuracy.class));
            }
        } catch (IOException e) {
            throw new IOException(summaryFile + ": cannot read the method study: " + e.getMessage(), e);
        }
        List<ProtocolDefinition> protocols = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : required(required(root, "config", summaryFile), "protocols", summaryFile)
                .properties()) {
            JsonNode cues = e.getValue();
            if (!cues.isArray() || cues.size() != 2) {
                throw new IOException(summaryFile + ": config.protocols." + e.getKey() + ": expected [cue of T1, cue of T2], got "
                        + cues);
            }
            protocols.add(new ProtocolDefinition(e.getKey(), cues.get(0).asText(), cues.get(1).asText()));
        }
        if (protocols.isEmpty()) {
            throw new IOException(summaryFile + ": config.protocols is empty");
        }
        Path mergesFile = dir.resolve(ExperimentRunner.MERGES_FILE);
        if (!Files.isRegularFile(mergesFile)) {
            throw new NoSuchFileException(mergesFile.toString(), null, "missing, but " + ExperimentRunner.SUMMARY_FILE
                    + " has a method study (run `mergelab run` again to write it)");
        }
        List<MergeRow> rows = MergesCsv.read(mergesFile);
        return new MethodData(result, MethodStudy.curves(rows, pretrained, protocols), List.copyOf(protocols));
    }

    private static JsonNode required(JsonNode node, String key, Path file) throws IOException {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            throw new IOException(file + ": no '" + key + "', but the file has a method study");
        }
        return n;
    }
}
