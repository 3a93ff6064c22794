package org.mergelab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mergelab.Versions;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.CheckpointStore;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.config.ConfigReader;
import org.mergelab.config.Seeds;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cue;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.eval.BatchNormCalibration;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.eval.ProtocolFigures;
import org.mergelab.eval.ResultRow;
import org.mergelab.eval.Summary;
import org.mergelab.lineage.Lineage;
import org.mergelab.model.Network;
import org.mergelab.train.Trainer;
import org.mergelab.train.TrainingProgress;
import org.mergelab.engine.EngineSettings;
import org.mergelab.engine.TorchEngine;

/**
 * Runs the cue protocol of PROTOCOL.md as units of work (pre-training per seed; each fine-tune; the
 * probes of each pre-trained model; each merge-and-probe sweep), keyed by their inputs. A unit whose
 * output exists with the same key is reused; a run killed at any moment and started again finishes
 * with the same results, redoing only unfinished units. Every output is written to a temporary file
 * and renamed.
 *
 * <p>Per seed: theta0 = pretrain; theta1 = train(theta0, T1 = first cue on split A), shared by every
 * protocol and regime; for each protocol, incremental theta2 = train(theta1, T2 = second cue on split
 * B) and parallel theta2' = train(theta0, T2).
 */
public final class ExperimentRunner {

    /** Name of the resolved config in the output directory. */
    public static final String CONFIG_FILE = "experiment.yaml";

    /** Results table. */
    public static final String RESULTS_FILE = "results.csv";

    /** Figures of merit. */
    public static final String SUMMARY_FILE = "summary.json";

    /** Unit results. */
    static final String UNIT_FORMAT = "mergelab-unit-result";

    static final int UNIT_FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ExperimentConfig config;
    private final OutputDirectory output;
    private final Path out;
    private final boolean force;
    private final ExperimentProgress progress;
    private DataContext data;

    private ExperimentRunner(ExperimentConfig config, OutputDirectory output, ExperimentProgress progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.output = Objects.requireNonNull(output, "output");
        this.out = output.path();
        this.force = output.force();
        this.progress = progress == null ? ExperimentProgress.SILENT : progress;
    }

    /**
     * A runner for {@code mergelab run}.
     *
     * @param config the resolved experiment
     * @param out the output directory (claimed here: see {@link OutputDirectory})
     * @param force run even if {@code out} holds an experiment with a different config
     * @param progress progress receiver
     * @throws IllegalArgumentException naming {@code out} and the reason when the run may not write there
     */
    public static ExperimentRunner create(ExperimentConfig config, Path out, boolean force, ExperimentProgress progress) {
        return create(config, OutputDirectory.builder().setPath(out).setCommand("run", OutputKind.EXPERIMENT)
                .optForce(force).claim(), progress);
    }

    /**
     * A runner writing into a claimed output directory. With {@code --force} and a different config there, the
     * run deletes only mergelab's own unit outputs that the new config does not reuse (unit results, unit
     * checkpoints with their lineage, epoch states) and the old {@code results.csv} and {@code summary.json};
     * every other file in the directory is left.
     *
     * @param config the resolved experiment
     * @param output the output directory, claimed as {@link OutputKind#EXPERIMENT}
     * @param progress progress receiver
     */
    public static ExperimentRunner create(ExperimentConfig config, OutputDirectory output, ExperimentProgress progress) {
        if (output.kind() != OutputKind.EXPERIMENT) {
            throw new IllegalArgumentException("an experiment is written to an experiment output, not " + output.kind());
        }
        return new ExperimentRunner(config, output, progress);
    }

    /** What a run produced. */
    public record Outcome(Path directory, List<ResultRow> rows, Summary summary, int unitsRun, int unitsReused, double wallSeconds) {}

    /** A planned unit and whether its output already exists. */
    public record PlannedUnit(Unit unit, boolean done, double estimatedSeconds) {}

    // ------------------------------------------------------------------ planning

    private DataContext data() {
        if (data == null) {
            data = DataContext.load(config.dataset());
        }
        return data;
    }

    /** The units of this experiment in execution order, with their status and time estimate. */
    public List<PlannedUnit> plan() {
        checkOutputDirectory();
        List<PlannedUnit> planned = new ArrayList<>();
        for (Unit u : units()) {
            planned.add(new PlannedUnit(u, isDone(u), estimateSeconds(u)));
        }
        return planned;
    }

    private List<Unit> units() {
        List<Unit> units = new ArrayList<>();
        int trainSize = data().train().size();
        int half = trainSize / 2;
        int testImages = data().testIds(config.testSize(), config.testSubsetSeed(), "test_size").length;
        long probeImages = (long) testImages * config.probes().size();
        for (long seed : config.seeds()) {
            String s = "seed" + seed;
            Path ck = out.resolve("checkpoints").resolve(s);
            Unit.Train theta0 = trainUnit(s + "/theta0", ck.resolve("theta0.safetensors"), seed, TaskSpec.PRETRAIN, null,
                    (long) trainSize * config.pretrain().epochs());
            units.add(theta0);
            units.add(new Unit.ProbeCheckpoint(s + "/theta0-probes", key(probeKey(theta0)),
                    out.resolve("units").resolve(s + "-theta0-probes.json"), 0, probeImages, seed, theta0));
            String firstCue = config.firstCue();
            Unit.Train theta1 = trainUnit(s + "/theta1", ck.resolve("theta1-" + firstCue + "-a.safetensors"), seed,
                    new TaskSpec("t1", "a", firstCue), theta0, (long) half * config.finetune().epochs());
            units.add(theta1);
            for (Map.Entry<String, List<String>> p : config.protocols().entrySet()) {
                String protocol = p.getKey();
                String secondCue = p.getValue().get(1);
                for (String regime : config.regimes()) {
                    Unit.Train parent = regime.equals("incremental") ? theta1 : theta0;
                    Unit.Train theta2 = trainUnit(s + "/" + protocol + "/" + regime + "/theta2",
                            ck.resolve(protocol + "-" + regime + "-theta2-" + secondCue + "-b.safetensors"), seed,
                            new TaskSpec("t2", "b", secondCue), parent, (long) half * config.finetune().epochs());
                    units.add(theta2);
                    for (String bn : config.bnPolicies()) {
                        long calibration = bn.equals("recalibrate") ? (long) config.calibrationImages() * config.alphas().size() : 0;
                        ObjectNode k = UnitKey.object();
                        k.put("kind", "merge");
                        k.put("protocol", protocol);
                        k.put("regime", regime);
                        k.put("bn_policy", bn);
                        k.set("alphas", ConfigReader.toTree(config.alphas()));
                        k.set("probes", ConfigReader.toTree(config.probes()));
                        k.put("test_size", config.testSize() == null ? 0 : config.testSize());
                        k.put("test_subset_seed", config.testSubsetSeed());
                        k.put("cue_seed", config.cueSeed());
                        k.set("cues", ConfigReader.toTree(config.cues()));
                        k.put("calibration_images", bn.equals("recalibrate") ? config.calibrationImages() : 0);
                        k.put("calibration_batch", config.finetune().batchSize());
                        k.put("first", theta1.key());
                        k.put("second", theta2.key());
                        k.put("first_cue", firstCue);
                        k.put("second_cue", secondCue);
                        units.add(new Unit.Merge(s + "/" + protocol + "/" + regime + "/" + bn, key(k),
                                out.resolve("units").resolve(s + "-" + protocol + "-" + regime + "-" + bn + ".json"),
                                0, probeImages * config.alphas().size() + calibration, seed, protocol, regime, bn, theta1, theta2,
                                firstCue, secondCue));
                    }
                }
            }
        }
        return units;
    }

    private ObjectNode probeKey(Unit.Train checkpoint) {
        ObjectNode k = UnitKey.object();
        k.put("kind", "probe");
        k.put("checkpoint", checkpoint.key());
        k.set("probes", ConfigReader.toTree(config.probes()));
        k.put("test_size", config.testSize() == null ? 0 : config.testSize());
        k.put("test_subset_seed", config.testSubsetSeed());
        k.put("cue_seed", config.cueSeed());
        k.set("cues", ConfigReader.toTree(config.cues()));
        return k;
    }

    private Unit.Train trainUnit(String name, Path output, long seed, TaskSpec task, Unit.Train parent, long images) {
        ObjectNode k = UnitKey.object();
        k.put("kind", "train");
        k.put("dataset", config.dataset());
        k.set("model", ConfigReader.toTree(config.model()));
        k.set("training", ConfigReader.toTree(parent == null ? config.pretrain() : config.finetune()));
        k.set("task", ConfigReader.toTree(task));
        k.put("cue_seed", config.cueSeed());
        k.set("cues", ConfigReader.toTree(config.cues()));
        k.put("seed", seed);
        k.put("threads", config.threads());
        k.put("mergelab", Versions.mergelab());
        k.put("djl", Versions.djl());
        k.put("pytorch", Versions.pytorch());
        k.put("onednn_max_cpu_isa", EngineSettings.inEffect().onednnMaxCpuIsa());
        k.put("parent", parent == null ? "" : parent.key());
        return new Unit.Train(name, key(k), output, images, 0, seed, task, parent != null, parent);
    }

    private static String key(ObjectNode node) {
        return UnitKey.of(node);
    }

    private boolean isDone(Unit unit) {
        try {
            if (unit instanceof Unit.Train t) {
                Path lineageFile = CheckpointStore.lineageFile(t.output());
                if (!Files.exists(t.output()) || !Files.exists(lineageFile)) {
                    return false;
                }
                Lineage lineage = Lineage.fromJson(Files.readString(lineageFile));
                return t.key().equals(lineage.extra().get("unit_key"));
            }
            if (!Files.exists(unit.output())) {
                return false;
            }
            JsonNode node = JSON.readTree(unit.output().toFile());
            return unit.key().equals(node.path("unit_key").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Seconds for a unit, from a throughput model of the network fitted on this project's reference
     * machine (2 cores): seconds per training image = 3.2e-4 + 4.75e-7 * depth * width^2 (ResNet-8 at
     * width 8: about 1,800 images/s; ResNet-20 at width 16: about 360), scaled by 2 / threads;
     * inference costs a third of that. An estimate, not a promise.
     */
    private double estimateSeconds(Unit u) {
        double perImage = (3.2e-4 + 4.75e-7 * config.model().depth() * config.model().width() * config.model().width())
                * 2.0 / config.threads();
        return u.trainImages() * perImage + u.evalImages() * perImage / 3.0 + 0.5;
    }

    // ------------------------------------------------------------------ output directory

    /**
     * Refuses a directory that holds another config unless {@code --force}.
     *
     * @return true when the directory holds another (or an unreadable) config that this run replaces
     */
    private boolean checkOutputDirectory() {
        Path existing = out.resolve(CONFIG_FILE);
        if (!Files.exists(existing)) {
            return false;
        }
        JsonNode ours = ConfigReader.toTree(config);
        JsonNode theirs;
        try {
            theirs = ConfigReader.toTree(ConfigReader.read(existing, ExperimentConfig.class));
        } catch (RuntimeException e) {
            if (force) {
                return true;
            }
            throw new IllegalStateException(out + " holds an experiment config that cannot be read (" + e.getMessage()
                    + "); use --force to overwrite it");
        }
        String diff = firstDifference("", theirs, ours);
        if (diff != null && !force) {
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

    private void prepareDirectory(boolean replacing, List<Unit> planned) throws IOException {
        output.create();
        if (replacing) {
            removeStaleOutputs(planned);
        }
        Files.createDirectories(out.resolve("units"));
        Files.createDirectories(out.resolve("checkpoints"));
        AtomicFiles.removeTemporaries(out);
        AtomicFiles.writeString(out.resolve(CONFIG_FILE), ConfigReader.toYaml(config));
    }

    /**
     * Deletes mergelab's own outputs of another config that this one does not reuse: unit results in
     * {@code units/} (known by their format), unit checkpoints in {@code checkpoints/} with their lineage (known by
     * the unit key in the lineage), epoch states of units not planned, and {@code results.csv} and
     * {@code summary.json} (known by their header and format). Nothing else is touched.
     */
    private void removeStaleOutputs(List<Unit> planned) throws IOException {
        Map<Path, String> keys = new HashMap<>();
        java.util.Set<String> trainKeys = new java.util.HashSet<>();
        for (Unit u : planned) {
            keys.put(u.output().toAbsolutePath().normalize(), u.key());
            if (u instanceof Unit.Train) {
                trainKeys.add(u.key().substring(0, 16));
            }
        }
        List<Path> stale = new ArrayList<>();
        Path units = out.resolve("units");
        if (Files.isDirectory(units)) {
            try (var files = Files.list(units)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).toList()) {
                    JsonNode node = readJsonOrNull(f);
                    if (node != null && UNIT_FORMAT.equals(node.path("format").asText())
                            && !node.path("unit_key").asText().equals(keys.get(f.toAbsolutePath().normalize()))) {
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
                            && !trainKeys.contains(name.substring(".epoch-state-".length()))) {
                        epochStates.add(f);
                    } else if (name.endsWith(".safetensors") && Files.isRegularFile(f)) {
                        String key = unitKeyOf(f);
                        if (key != null && !key.equals(keys.get(f.toAbsolutePath().normalize()))) {
                            stale.add(f);
                            stale.add(CheckpointStore.lineageFile(f));
                        }
                    }
                }
            }
        }
        Path results = out.resolve(RESULTS_FILE);
        if (Files.isRegularFile(results)) {
            try (var lines = Files.lines(results)) {
                if (lines.findFirst().filter(ResultsCsv.HEADER::equals).isPresent()) {
                    stale.add(results);
                }
            } catch (UncheckedIOException e) {
                // not text: not ours
            }
        }
        Path summary = out.resolve(SUMMARY_FILE);
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

    private static JsonNode readJsonOrNull(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The unit key in the lineage beside a checkpoint, or null when it is not a unit checkpoint of mergelab's. */
    private static String unitKeyOf(Path checkpoint) {
        Path lineage = CheckpointStore.lineageFile(checkpoint);
        if (!Files.isRegularFile(lineage)) {
            return null;
        }
        try {
            return Lineage.fromJson(Files.readString(lineage)).extra().get("unit_key");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ running

    /** Runs every pending unit, then writes {@code results.csv} and {@code summary.json}. */
    public Outcome run() {
        long start = System.nanoTime();
        boolean replacing = checkOutputDirectory();
        List<PlannedUnit> plan = plan();
        List<Unit> all = plan.stream().map(PlannedUnit::unit).toList();
        try {
            prepareDirectory(replacing, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + out + ": " + e.getMessage(), e);
        }
        List<Unit> pending = plan.stream().filter(p -> !p.done()).map(PlannedUnit::unit).toList();
        progress.planned(all, pending, plan.stream().filter(p -> !p.done()).mapToDouble(PlannedUnit::estimatedSeconds).sum());
        log("start: " + pending.size() + " of " + all.size() + " units to run (" + (all.size() - pending.size()) + " reused)");
        TorchEngine.useThreads(config.threads());
        Map<String, Checkpoint> loaded = new HashMap<>();
        ProbeSet probes = null;
        int index = 0;
        for (Unit unit : pending) {
            index++;
            progress.unitStarted(unit, index, pending.size());
            long t0 = System.nanoTime();
            String summary;
            if (unit instanceof Unit.Train t) {
                summary = runTrain(t, loaded);
            } else {
                if (probes == null) {
                    probes = probeSet();
                }
                summary = unit instanceof Unit.Merge m ? runMerge(m, loaded, probes) : runProbe((Unit.ProbeCheckpoint) unit, loaded, probes);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            log(String.format("done %s in %.1f s: %s", unit.name(), secs, summary));
            progress.unitFinished(unit, index, pending.size(), secs, summary);
        }
        List<ResultRow> rows = new ArrayList<>();
        List<ProbeAccuracy> pretrained = new ArrayList<>();
        for (Unit u : all) {
            if (u instanceof Unit.Merge m) {
                rows.addAll(readMergeRows(m));
            } else if (u instanceof Unit.ProbeCheckpoint p) {
                pretrained.addAll(readProbeRows(p));
            }
        }
        rows.sort(ResultsCsv.ORDER);
        Summary summary = ProtocolFigures.compute(rows, pretrained, config.protocolDefinitions());
        try {
            AtomicFiles.writeString(out.resolve(RESULTS_FILE), ResultsCsv.format(rows));
            AtomicFiles.writeString(out.resolve(SUMMARY_FILE), SummaryJson.write(summary, config, pretrained));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results in " + out + ": " + e.getMessage(), e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        log(String.format("finished: %d units run, %d reused, %.1f s", pending.size(), all.size() - pending.size(), wall));
        return new Outcome(out, rows, summary, pending.size(), all.size() - pending.size(), wall);
    }

    private ProbeSet probeSet() {
        int[] ids = data().testIds(config.testSize(), config.testSubsetSeed(), "test_size");
        return ProbeSet.build(data().test(), ids, config.probes(), config.cueSeed(), config.cues(), data().normalization());
    }

    private Checkpoint checkpoint(Unit.Train t, Map<String, Checkpoint> loaded) {
        Checkpoint c = loaded.get(t.key());
        if (c == null) {
            c = CheckpointModels.read(t.output());
            if (!t.key().equals(c.lineage().extra().get("unit_key"))) {
                throw new IllegalStateException(t.output() + ": holds another unit's checkpoint (unit key differs)");
            }
            loaded.put(t.key(), c);
        }
        return c;
    }

    private String runTrain(Unit.Train t, Map<String, Checkpoint> loaded) {
        TaskTraining.Builder b = TaskTraining.builder()
                .setData(data())
                .setModel(config.model())
                .setTrainConfig(t.finetune() ? config.finetune() : config.pretrain())
                .setTask(t.task())
                .setSeed(t.seed())
                .optThreads(config.threads())
                .optCueSeed(config.cueSeed())
                .optCues(config.cues())
                .putLineageExtra("unit_key", t.key())
                .putLineageExtra("unit", t.name());
        if (t.parent() != null) {
            b.optInit(checkpoint(t.parent(), loaded));
        }
        Path stateDir = out.resolve("checkpoints").resolve(".epoch-state-" + t.key().substring(0, 16));
        TaskTraining.Result r = b.build().run(stateDir, new TrainingProgress() {
            private int epoch;
            private int batches = 1;
            private final int epochs = t.finetune() ? config.finetune().epochs() : config.pretrain().epochs();

            @Override
            public void epochStarted(String task, int e, int total, int n) {
                epoch = e;
                batches = Math.max(1, n);
            }

            @Override
            public void stepDone(int batch, double meanLoss, double imagesPerSecond) {
                progress.unitProgress(t, (epoch + (batch + 1.0) / batches) / Math.max(1, epochs));
            }
        });
        TaskTraining.write(t.output(), r.checkpoint());
        Trainer.clearEpochState(stateDir);
        loaded.put(t.key(), r.checkpoint());
        return String.format("checkpoint %s, train loss %.4f, train accuracy %.4f, %.0f img/s",
                r.checkpoint().id().substring(0, 12), r.training().finalLoss(), r.training().finalTrainAccuracy(),
                r.training().imagesPerSecond());
    }

    private String runProbe(Unit.ProbeCheckpoint p, Map<String, Checkpoint> loaded, ProbeSet probes) {
        Checkpoint c = checkpoint(p.checkpoint(), loaded);
        Map<String, Probes.Count> counts;
        try (Network network = CheckpointModels.open(c, p.checkpoint().output().toString())) {
            counts = Probes.evaluate(network, probes);
        }
        ObjectNode root = unitHeader(p);
        ArrayNode rows = root.putArray("rows");
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Probes.Count> e : counts.entrySet()) {
            ObjectNode r = rows.addObject();
            r.put("seed", p.seed());
            r.put("probe", e.getKey());
            r.put("correct", e.getValue().correct());
            r.put("total", e.getValue().total());
            r.put("checkpoint", c.id());
            line.append(String.format("%s %.4f ", e.getKey(), e.getValue().accuracy()));
        }
        writeUnit(p, root);
        return line.toString().strip();
    }

    private String runMerge(Unit.Merge m, Map<String, Checkpoint> loaded, ProbeSet probes) {
        Checkpoint first = checkpoint(m.first(), loaded);
        Checkpoint second = checkpoint(m.second(), loaded);
        String firstName = m.first().output().toString();
        String secondName = m.second().output().toString();
        Interpolation.requireSameLayout(first.tensors(), firstName, second.tensors(), secondName);
        List<Batch> calibration = m.bnPolicy().equals("recalibrate") ? calibrationBatches(m) : List.of();
        ObjectNode root = unitHeader(m);
        ArrayNode rows = root.putArray("rows");
        StringBuilder line = new StringBuilder();
        try (Network network = CheckpointModels.open(first, firstName)) {
            int i = 0;
            for (double alpha : config.alphas()) {
                NamedTensors merged = Interpolation.interpolate(first.tensors(), firstName, second.tensors(), secondName, alpha);
                network.load(merged);
                if (!calibration.isEmpty()) {
                    BatchNormCalibration.recalibrate(network, calibration);
                }
                Map<String, Probes.Count> counts = Probes.evaluate(network, probes);
                for (Map.Entry<String, Probes.Count> e : counts.entrySet()) {
                    ObjectNode r = rows.addObject();
                    r.put("seed", m.seed());
                    r.put("protocol", m.protocol());
                    r.put("regime", m.regime());
                    r.put("bn_policy", m.bnPolicy());
                    r.put("alpha", alpha);
                    r.put("probe", e.getKey());
                    r.put("correct", e.getValue().correct());
                    r.put("total", e.getValue().total());
                    r.put("theta1", first.id());
                    r.put("theta2", second.id());
                }
                if (Math.abs(alpha - 0.5) < 1e-9) {
                    counts.forEach((k, v) -> line.append(String.format("%s %.3f ", k, v.accuracy())));
                }
                progress.unitProgress(m, ++i / (double) config.alphas().size());
            }
        }
        writeUnit(m, root);
        return line.isEmpty() ? config.alphas().size() + " alphas" : "at alpha 0.5: " + line.toString().strip();
    }

    /**
     * The calibration sample of PROTOCOL.md: {@code calibration_images} training images drawn from
     * the two tasks being merged (half from T1's split with its cue, half from T2's split with its
     * cue; seeded), mixed in a seeded order, in batches of the fine-tuning batch size.
     */
    private List<Batch> calibrationBatches(Unit.Merge m) {
        ImageDataset train = data().train();
        int total = config.calibrationImages();
        int fromFirst = (total + 1) / 2;
        long seed = Seeds.derive(m.seed(), "calibration/" + m.protocol() + "/" + m.regime());
        long splitSeed = Seeds.derive(m.seed(), "split");
        byte[] pixels = new byte[total * ImageDataset.IMAGE_BYTES];
        int[] labels = new int[total];
        int k = 0;
        for (int task = 0; task < 2; task++) {
            int[] ids = data().trainIds(task == 0 ? "a" : "b", splitSeed);
            int count = task == 0 ? fromFirst : total - fromFirst;
            if (count > ids.length) {
                throw new IllegalArgumentException("calibration_images: " + total + " needs " + count
                        + " images of one split, which has " + ids.length);
            }
            Cue cue = Cues.byName(task == 0 ? m.firstCue() : m.secondCue(), train.numClasses(), config.cueSeed(), config.cues());
            int[] chosen = org.mergelab.data.Splits.subset(ids.length, count, Seeds.derive(seed, task));
            for (int c : chosen) {
                int id = ids[c];
                System.arraycopy(train.pixels(), train.imageOffset(id), pixels, k * ImageDataset.IMAGE_BYTES, ImageDataset.IMAGE_BYTES);
                labels[k] = train.labels()[id];
                cue.apply(pixels, k * ImageDataset.IMAGE_BYTES, labels[k]);
                k++;
            }
        }
        ImageDataset sample = new ImageDataset(train.name() + "/calibration", train.numClasses(), train.classNames(), pixels, labels);
        BatchStream stream = BatchStream.builder()
                .setDataset(sample)
                .setBatchSize(config.finetune().batchSize())
                .optShuffle(true)
                .setSeed(seed)
                .optNormalization(data().normalization())
                .build();
        List<Batch> batches = new ArrayList<>();
        stream.epoch(0).forEach(batches::add);
        return batches;
    }

    private ObjectNode unitHeader(Unit unit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", UNIT_FORMAT);
        root.put("format_version", UNIT_FORMAT_VERSION);
        root.put("unit", unit.name());
        root.put("unit_key", unit.key());
        return root;
    }

    private void writeUnit(Unit unit, ObjectNode root) {
        try {
            AtomicFiles.writeString(unit.output(), JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + unit.output() + ": " + e.getMessage(), e);
        }
    }

    private JsonNode readUnit(Unit unit) {
        try {
            JsonNode node = JSON.readTree(unit.output().toFile());
            if (!UNIT_FORMAT.equals(node.path("format").asText())) {
                throw new IOException(unit.output() + ": not a unit result");
            }
            if (node.path("format_version").asInt() != UNIT_FORMAT_VERSION) {
                throw new IOException(unit.output() + ": unknown unit-result format_version " + node.path("format_version")
                        + " (this mergelab reads " + UNIT_FORMAT_VERSION + ")");
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private List<ResultRow> readMergeRows(Unit.Merge m) {
        List<ResultRow> rows = new ArrayList<>();
        for (JsonNode r : readUnit(m).path("rows")) {
            rows.add(new ResultRow(r.path("seed").asLong(), r.path("protocol").asText(), r.path("regime").asText(),
                    r.path("bn_policy").asText(), r.path("alpha").asDouble(), r.path("probe").asText(), r.path("correct").asLong(),
                    r.path("total").asLong(), r.path("theta1").asText(), r.path("theta2").asText()));
        }
        return rows;
    }

    private List<ProbeAccuracy> readProbeRows(Unit.ProbeCheckpoint p) {
        List<ProbeAccuracy> rows = new ArrayList<>();
        for (JsonNode r : readUnit(p).path("rows")) {
            rows.add(new ProbeAccuracy(r.path("seed").asLong(), r.path("probe").asText(), r.path("correct").asLong(),
                    r.path("total").asLong()));
        }
        return rows;
    }

    private void log(String line) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("log.txt"), Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("log.txt") + ": " + e.getMessage(), e);
        }
    }

    /** The output directory. */
    public Path directory() {
        return out;
    }

    /** The config. */
    public ExperimentConfig config() {
        return config;
    }
}
