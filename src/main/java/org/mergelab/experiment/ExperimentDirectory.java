package org.mergelab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.config.ConfigReader;
import org.mergelab.eval.Summary;
import org.mergelab.train.Trainer;

/**
 * The output directory of an experiment, as the workers that share it see it: the resolved config
 * ({@code experiment.yaml}) that says which experiment it holds, the shared log, and the removal of another
 * config's outputs under {@code --force}. Every worker writes the same config, so writing it again is harmless.
 */
final class ExperimentDirectory {

    /** Name of the resolved config in the output directory. */
    static final String CONFIG_FILE = "experiment.yaml";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputDirectory output;
    private final Path out;
    private final ExperimentConfig config;

    ExperimentDirectory(OutputDirectory output, ExperimentConfig config) {
        this.output = output;
        this.out = output.path();
        this.config = config;
    }

    Path path() {
        return out;
    }

    /**
     * Refuses a directory that holds another config unless {@code --force}. Settings that never change a result
     * ({@code heartbeat_timeout_seconds}) are not compared.
     *
     * @return true when the directory holds another (or an unreadable) config that this run replaces
     * @throws IllegalStateException naming the directory and the first difference
     */
    boolean holdsAnotherConfig() {
        Path existing = out.resolve(CONFIG_FILE);
        if (!Files.exists(existing)) {
            return false;
        }
        JsonNode ours = config.withoutWorkerSettings();
        JsonNode theirs;
        try {
            theirs = ConfigReader.read(existing, ExperimentConfig.class).withoutWorkerSettings();
        } catch (RuntimeException e) {
            if (output.force()) {
                return true;
            }
            throw new IllegalStateException(out + " holds an experiment config that cannot be read (" + e.getMessage()
                    + "); use --force to overwrite it");
        }
        String diff = firstDifference("", theirs, ours);
        if (diff != null && !output.force()) {
            throw new IllegalStateException(out + " was made by a different config: " + diff
                    + "; use another --out, or --force to run this config there");
        }
        return diff != null;
    }

    /** The first differing key path between two trees, or null when equal. */
    static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(n -> {
                if (!names.contains(n)) {
                    names.add(n);
                }
            });
            for (String n : names) {
                String p = path.isEmpty() ? n : path + "." + n;
                if (!a.has(n) || !b.has(n)) {
                    return p + " (" + (a.has(n) ? a.get(n) : "absent") + " there, " + (b.has(n) ? b.get(n) : "absent") + " here)";
                }
                String d = firstDifference(p, a.get(n), b.get(n));
                if (d != null) {
                    return d;
                }
            }
        }
        return (path.isEmpty() ? "(root)" : path) + " is " + a + " there, " + b + " here";
    }

    /**
     * Creates the directory (claimed as mergelab's) and its marker when they are missing. The marker comes before
     * anything else a worker writes there (the claims directory, the log): a worker of the same run starting at this
     * moment sees a new, an empty or a marked directory, never an unmarked one holding files, which it would refuse.
     */
    void create() throws IOException {
        output.create();
    }

    /**
     * Removes another config's outputs when replacing it, removes temporaries left by killed writers when no other
     * worker is alive, and writes the resolved config; the directory was made by {@link #create}.
     *
     * @param replacing whether this run replaces another config (see {@link #holdsAnotherConfig})
     * @param planned the units of this config
     * @param othersAlive whether live workers of another process hold claims here
     */
    void prepare(boolean replacing, List<ExperimentUnit> planned, boolean othersAlive) throws IOException {
        if (replacing) {
            removeStaleOutputs(planned);
        }
        Files.createDirectories(out.resolve("units"));
        Files.createDirectories(out.resolve("checkpoints"));
        if (!othersAlive) {
            AtomicFiles.removeTemporaries(out); // a live worker's temporaries are files it is writing now
        }
        AtomicFiles.writeString(out.resolve(CONFIG_FILE), ConfigReader.toYaml(config));
    }

    /**
     * Deletes mergelab's own outputs of another config that this one does not reuse: unit results in
     * {@code units/} (known by their format), unit checkpoints in {@code checkpoints/} with their lineage (known by
     * the unit key in the lineage), statistics in {@code statistics/} (known by the unit key in their metadata), epoch
     * states of units not planned, and {@code results.csv}, {@code merges.csv} and {@code summary.json} (known by
     * their header and format). Nothing else is touched.
     */
    private void removeStaleOutputs(List<ExperimentUnit> planned) throws IOException {
        Map<Path, String> keys = new HashMap<>();
        Set<String> trainKeys = new HashSet<>();
        for (ExperimentUnit u : planned) {
            keys.put(u.output().toAbsolutePath().normalize(), u.key());
            if (u instanceof TrainingUnit) {
                trainKeys.add(u.key().substring(0, 16));
            }
        }
        List<Path> stale = new ArrayList<>();
        Path units = out.resolve("units");
        if (Files.isDirectory(units)) {
            try (var files = Files.list(units)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).toList()) {
                    String key = UnitResults.keyOf(f);
                    if (key != null && !key.equals(keys.get(f.toAbsolutePath().normalize()))) {
                        stale.add(f);
                    }
                }
            }
        }
        Path checkpoints = out.resolve("checkpoints");
        List<Path> epochStates = new ArrayList<>();
        if (Files.isDirectory(checkpoints)) {
            try (var walk = Files.walk(checkpoints)) {
                for (Path f : walk.toList()) {
                    String name = f.getFileName().toString();
                    if (Files.isDirectory(f) && name.matches("\\.epoch-state-[0-9a-f]{16}")
                            && !trainKeys.contains(name.substring(TrainingUnit.EPOCH_STATE_PREFIX.length()))) {
                        epochStates.add(f);
                    } else if (name.endsWith(".safetensors") && Files.isRegularFile(f)) {
                        String key = TrainingUnit.keyOf(f);
                        if (key != null && !key.equals(keys.get(f.toAbsolutePath().normalize()))) {
                            stale.add(f);
                            stale.add(CheckpointStore.lineageFile(f));
                        }
                    }
                }
            }
        }
        Path statistics = out.resolve("statistics");
        if (Files.isDirectory(statistics)) {
            try (var walk = Files.walk(statistics)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".safetensors") && Files.isRegularFile(p)).toList()) {
                    String key = StatisticUnit.keyOf(f);
                    if (key != null && !key.equals(keys.get(f.toAbsolutePath().normalize()))) {
                        stale.add(f);
                    }
                }
            }
        }
        addIfHeader(out.resolve(ExperimentRunner.MERGES_FILE), MergesCsv.HEADER, stale);
        addIfHeader(out.resolve(ExperimentRunner.SEQUENCE_FILE), SequenceCsv.HEADER, stale);
        addIfHeader(out.resolve(ExperimentRunner.RESULTS_FILE), ResultsCsv.HEADER, stale);
        Path summary = out.resolve(ExperimentRunner.SUMMARY_FILE);
        JsonNode summaryNode = Files.isRegularFile(summary) ? readJsonOrNull(summary) : null;
        if (summaryNode != null && Summary.FORMAT.equals(summaryNode.path("format").asText())) {
            stale.add(summary);
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        epochStates.forEach(Trainer::clearEpochState);
        log("--force: removed " + (stale.size() + epochStates.size()) + " outputs of the previous config");
    }

    /** Adds {@code file} to {@code stale} when it is a text file whose first line is {@code header} (one of ours). */
    private static void addIfHeader(Path file, String header, List<Path> stale) throws IOException {
        if (Files.isRegularFile(file)) {
            try (var lines = Files.lines(file)) {
                if (lines.findFirst().filter(header::equals).isPresent()) {
                    stale.add(file);
                }
            } catch (UncheckedIOException e) {
                // not text: not ours
            }
        }
    }

    private static JsonNode readJsonOrNull(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Appends a line to the shared {@code log.txt}. Each line is one append of less than a page, which the
     * operating system writes whole (O_APPEND) when several workers log at once.
     */
    void log(String line) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("log.txt"), Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("log.txt") + ": " + e.getMessage(), e);
        }
    }
}
