package org.mergelab.report;

import org.mergelab.eval.BatchNormPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mergelab.eval.Summary;
import org.mergelab.experiment.ExperimentRunner;
import org.mergelab.experiment.SummaryJson;
import org.mergelab.lineage.LineageTree;

/**
 * Everything a report shows about one run directory, read once: the {@link Summary}, the context of
 * {@code summary.json}, the resolved config, the lineage tree of the checkpoints and the wall time
 * from the last line of {@code log.txt}.
 *
 * @param dir the run directory
 * @param name the experiment's name ({@code context.name})
 * @param dataset the dataset spec
 * @param model the model's display name
 * @param bnPolicies the BN policies that ran, in config order
 * @param threads PyTorch threads, null when absent
 * @param testSize the test subset size, 0 for the whole test set
 * @param versions component -> version
 * @param summary every figure of merit
 * @param configYaml the resolved config as YAML text
 * @param lineageTree the checkpoint tree ({@link LineageTree#render}), or a line saying why there is none
 * @param finished the last line of {@code log.txt} when it reads {@code finished: ...}, else null
 */
record RunData(
        Path dir,
        String name,
        String dataset,
        String model,
        List<BatchNormPolicy> bnPolicies,
        Integer threads,
        int testSize,
        Map<String, String> versions,
        Summary summary,
        String configYaml,
        String lineageTree,
        RunTime finished) {

    /** {@code finished: N units run, M reused, X s} of {@code log.txt}. */
    record RunTime(int unitsRun, int unitsReused, double seconds) {
        private static final Pattern LINE = Pattern.compile("finished: (\\d+) units run, (\\d+) reused, ([0-9.]+) s\\s*$");

        static RunTime parse(String line) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                return null;
            }
            return new RunTime(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Double.parseDouble(m.group(3)));
        }
    }

    /**
     * Reads a run directory.
     *
     * @throws IOException naming the directory when it or its summary.json is missing, or the summary
     *     has another format or an unknown version
     */
    static RunData load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a run directory (no such directory)");
        }
        Path summaryFile = dir.resolve(ExperimentRunner.SUMMARY_FILE);
        if (!Files.isRegularFile(summaryFile)) {
            throw new NoSuchFileException(dir.toString(), null, "not a run directory: no " + ExperimentRunner.SUMMARY_FILE
                    + " (run `mergelab run` or `mergelab demo` first)");
        }
        JsonNode root;
        Summary summary;
        try {
            root = SummaryJson.read(summaryFile);
            summary = SummaryJson.readSummary(summaryFile);
        } catch (IOException e) {
            throw new IOException(dir + ": cannot read " + ExperimentRunner.SUMMARY_FILE + ": " + e.getMessage(), e);
        }
        JsonNode context = root.path("context");
        List<BatchNormPolicy> bn = new ArrayList<>();
        for (JsonNode n : context.path("bn_policies")) {
            try {
                bn.add(BatchNormPolicy.of(n.asText()));
            } catch (IllegalArgumentException e) {
                throw new IOException(summaryFile + ": context.bn_policies: " + e.getMessage(), e);
            }
        }
        if (bn.isEmpty()) {
            summary.curves().stream().map(Summary.Curve::bnPolicy).distinct().forEach(bn::add);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        context.path("versions").properties().forEach(e -> versions.put(e.getKey(), e.getValue().asText()));
        String name = context.path("name").asText("");
        return new RunData(
                dir,
                name.isBlank() ? String.valueOf(dir.toAbsolutePath().normalize().getFileName()) : name,
                context.path("dataset").asText("unknown dataset"),
                context.path("model").asText("unknown model"),
                List.copyOf(bn),
                context.hasNonNull("threads") ? context.get("threads").asInt() : null,
                context.path("test_size").asInt(0),
                versions,
                summary,
                configYaml(dir, root),
                lineageTree(dir),
                finished(dir));
    }

    private static String configYaml(Path dir, JsonNode root) throws IOException {
        Path file = dir.resolve(ExperimentRunner.CONFIG_FILE);
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        if (root.has("config")) {
            return new YAMLMapper().writeValueAsString(root.get("config"));
        }
        return "(no " + ExperimentRunner.CONFIG_FILE + " and no config in " + ExperimentRunner.SUMMARY_FILE + ")";
    }

    private static String lineageTree(Path dir) {
        Path checkpoints = dir.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return "(no checkpoints directory)";
        }
        try {
            String tree = LineageTree.render(checkpoints);
            return tree.isBlank() ? "(no *.lineage.json under checkpoints/)" : tree;
        } catch (IOException | RuntimeException e) {
            return "(lineage unavailable: " + e.getMessage() + ")";
        }
    }

    private static RunTime finished(Path dir) throws IOException {
        Path log = dir.resolve("log.txt");
        if (!Files.isRegularFile(log)) {
            return null;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return RunTime.parse(lines.get(i));
            }
        }
        return null;
    }

    /** Number of seeds in the summary. */
    int seedCount() {
        return summary.seeds().size();
    }

    /** The dataset's name without its options or directory: {@code builtin:size=8000} -> {@code builtin}. */
    String datasetName() {
        int colon = dataset.indexOf(':');
        return colon < 0 ? dataset : dataset.substring(0, colon);
    }

    /** "demo · builtin · ResNet-20" : what tells runs apart in a comparison. */
    String label() {
        return name + " · " + datasetName() + " · " + model;
    }
}
