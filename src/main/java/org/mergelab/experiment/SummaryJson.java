package org.mergelab.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mergelab.Versions;
import org.mergelab.engine.EngineSettings;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.Summary;

/**
 * {@code summary.json}: the {@link Summary} (every figure of merit and the three findings) plus what
 * a reader needs to interpret it: dataset, model, BN policies, threads, versions and the resolved
 * config. Format {@code mergelab-summary}, version {@link Summary#FORMAT_VERSION}.
 */
public final class SummaryJson {

    /** snake_case JSON for the summary records. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {}

    /** The JSON text. */
    public static String write(Summary summary, ExperimentConfig config, List<ProbeAccuracy> pretrained) throws JsonProcessingException {
        return write(summary, config, pretrained, List.of(), List.of(), List.of(), null, null);
    }

    /**
     * The JSON text, with the loss and error barriers along every interpolation path ({@code barriers}), the weight
     * forensics of every protocol and regime ({@code forensics}), the layer-group swaps ({@code where_knowledge_lives}),
     * the method study ({@code methods}) and the longer sequences ({@code sequences}) when they ran.
     */
    public static String write(Summary summary, ExperimentConfig config, List<ProbeAccuracy> pretrained,
            List<org.mergelab.eval.PathBarriers.PathFigures> barriers,
            List<org.mergelab.eval.KnowledgeLocation.GroupRetention> swaps,
            List<ExperimentForensics.GroupFigures> forensics, org.mergelab.eval.MethodStudy.Result study,
            org.mergelab.eval.SequenceStudy.Result sequences) throws JsonProcessingException {
        ObjectNode root = MAPPER.valueToTree(summary);
        ObjectNode context = MAPPER.createObjectNode();
        context.put("name", config.name());
        context.put("dataset", config.dataset());
        context.put("model", config.model().displayName());
        context.set("bn_policies", MAPPER.valueToTree(config.bnPolicies()));
        context.put("threads", config.threads());
        context.put("test_size", config.testSize() == null ? 0 : config.testSize());
        ObjectNode versions = context.putObject("versions");
        versions.put("mergelab", Versions.mergelab());
        versions.put("djl", Versions.djl());
        versions.put("pytorch", Versions.pytorch());
        versions.put("jdk", Versions.jdk());
        versions.put("onednn_max_cpu_isa", EngineSettings.inEffect().onednnMaxCpuIsa());
        root.set("context", context);
        root.set("config", ConfigReader.toTree(config));
        root.set("pretrained_rows", MAPPER.valueToTree(pretrained));
        if (!barriers.isEmpty()) {
            root.set("barriers", MAPPER.valueToTree(barriers));
        }
        if (!forensics.isEmpty()) {
            root.set("forensics", MAPPER.valueToTree(forensics));
        }
        if (!swaps.isEmpty()) {
            root.set("where_knowledge_lives", MAPPER.valueToTree(swaps));
        }
        if (study != null) {
            root.set("methods", MAPPER.valueToTree(study));
        }
        if (sequences != null) {
            root.set("sequences", MAPPER.valueToTree(sequences));
        }
        return MAPPER.writeValueAsString(root);
    }

    /**
     * Reads a summary file, checking its format and version.
     *
     * @throws IOException naming the file on another format or an unknown version
     */
    public static JsonNode read(Path file) throws IOException {
        JsonNode node = MAPPER.readTree(file.toFile());
        if (!Summary.FORMAT.equals(node.path("format").asText())) {
            throw new IOException(file + ": not a mergelab summary (format '" + node.path("format").asText() + "')");
        }
        if (node.path("format_version").asInt(-1) != Summary.FORMAT_VERSION) {
            throw new IOException(file + ": unknown summary format_version " + node.path("format_version")
                    + " (this mergelab reads " + Summary.FORMAT_VERSION + ")");
        }
        return node;
    }

    /** Reads the summary records back. */
    public static Summary readSummary(Path file) throws IOException {
        JsonNode node = read(file);
        ObjectNode copy = node.deepCopy();
        copy.remove(List.of("context", "config", "pretrained_rows", "barriers", "forensics", "where_knowledge_lives",
                "methods", "sequences"));
        return MAPPER.treeToValue(copy, Summary.class);
    }
}
