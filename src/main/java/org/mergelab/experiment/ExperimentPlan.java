package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mergelab.Versions;
import org.mergelab.config.CanonicalJson;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.Split;
import org.mergelab.data.CueSettings;
import org.mergelab.engine.EngineSettings;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.Regime;
import org.mergelab.model.ModelSpec;
import org.mergelab.train.TrainConfig;

/**
 * Which units an experiment needs (PROTOCOL.md), in the order a single worker runs them. Per seed: theta0 =
 * pretrain, with the probes of theta0; theta1 = train(theta0, T1 = first cue on split A), shared by every
 * protocol and regime; for each protocol, incremental theta2 = train(theta1, T2 = second cue on split B) and
 * parallel theta2' = train(theta0, T2); for each BatchNorm policy, the interpolation sweep between theta1 and
 * theta2. A unit's key is the SHA-256 ({@link CanonicalJson}) of one of the key records below.
 */
public final class ExperimentPlan {

    /**
     * What a merge unit's rows hold: accuracy and the predicted retentions per probe, for the merges only (the
     * endpoints' rows are an {@link EndpointUnit}'s).
     */
    static final String MERGE_ROWS = "accuracy-and-predicted-retention-of-merges";

    /** What an interpolation unit's rows hold: accuracy and summed loss per probe. */
    static final String PATH_ROWS = "accuracy-and-loss";

    private ExperimentPlan() {}

    /** What makes a training unit: its recipe, seed, threads, the versions that made it and its parent's key. */
    @JsonPropertyOrder(alphabetic = true)
    record TrainingKey(String kind, String dataset, ModelSpec model, TrainConfig training, TaskSpec task, long cueSeed,
            Map<String, CueSettings> cues, long seed, int threads, String mergelab, String djl, String pytorch,
            String onednnMaxCpuIsa, String parent) {}

    /** What makes the probes of one checkpoint. */
    @JsonPropertyOrder(alphabetic = true)
    record ProbeKey(String kind, String checkpoint, List<String> probes, int testSize, long testSubsetSeed, long cueSeed,
            Map<String, CueSettings> cues) {}

    /**
     * What makes one interpolation sweep. {@code rows} names what a result row holds ({@value #PATH_ROWS}: accuracy
     * and loss), so that results written before losses were recorded are computed again rather than read.
     */
    @JsonPropertyOrder(alphabetic = true)
    record InterpolationKey(String kind, String rows, String protocol, Regime regime, BatchNormPolicy bnPolicy, List<Double> alphas,
            List<String> probes, int testSize, long testSubsetSeed, long cueSeed, Map<String, CueSettings> cues,
            int calibrationImages, int calibrationBatch, String first, String second, String firstCue, String secondCue) {}

    /** What makes the layer-group swaps of one protocol and regime. */
    @JsonPropertyOrder(alphabetic = true)
    record SwapKey(String kind, String protocol, Regime regime, List<String> probes, int testSize, long testSubsetSeed,
            long cueSeed, Map<String, CueSettings> cues, String first, String second) {}

    /** What makes one statistic of one endpoint (fisher, regmean). */
    @JsonPropertyOrder(alphabetic = true)
    record StatisticKey(String kind, DataStatisticsRun.Statistic statistic, String checkpoint, TaskSpec task, int samples,
            long cueSeed, Map<String, CueSettings> cues) {}

    /** What makes one merge method's sweep (the method study). */
    @JsonPropertyOrder(alphabetic = true)
    record MergeKey(String kind, String protocol, Regime regime, BatchNormPolicy bnPolicy, Map<String, Object> spec,
            List<String> probes, int testSize, long testSubsetSeed, int selectionSize, long cueSeed,
            Map<String, CueSettings> cues, int calibrationImages, int calibrationBatch, String base, String first,
            String second, List<String> statistics, String firstCue, String secondCue, String rows) {}

    /** What makes the endpoints' probes of one protocol, regime and BatchNorm policy (the method study). */
    @JsonPropertyOrder(alphabetic = true)
    record EndpointKey(String kind, String protocol, Regime regime, BatchNormPolicy bnPolicy, List<String> probes,
            int testSize, long testSubsetSeed, int selectionSize, long cueSeed, Map<String, CueSettings> cues,
            int calibrationImages, int calibrationBatch, String base, String first, String second, String firstCue,
            String secondCue, String rows) {}

    /**
     * What makes the probes of the model under test after one step of a sequence. {@code calibration} names how the
     * calibration sample is drawn under {@code recalibrate} ({@value #CALIBRATION_BY_STEP}), empty otherwise.
     */
    @JsonPropertyOrder(alphabetic = true)
    record SequenceKey(String kind, String sequence, Regime regime, BatchNormPolicy bnPolicy, Map<String, Object> strategy,
            List<String> probes, int testSize, long testSubsetSeed, long cueSeed, Map<String, CueSettings> cues,
            int calibrationImages, int calibrationBatch, String base, List<String> models,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            String calibration) {}

    /** A sequence's calibration sample depends on the seed and the step only, not on the regime or the strategy. */
    static final String CALIBRATION_BY_STEP = "seed-and-step";

    /**
     * The units of an experiment.
     *
     * @param config the experiment
     * @param out its output directory
     * @param data its dataset (for the sizes of the splits and the test subset)
     */
    public static List<ExperimentUnit> units(ExperimentConfig config, Path out, DataContext data) {
        List<ExperimentUnit> units = new ArrayList<>();
        int trainSize = data.train().size();
        int half = trainSize / 2;
        int testImages = data.testIds(config.testSize(), config.testSubsetSeed(), "test_size").length;
        long probeImages = (long) testImages * config.probes().size();
        int testSize = config.testSize() == null ? 0 : config.testSize();
        long selectionImages = 0;
        if (!config.merges().isEmpty()) {
            selectionImages = (long) data.selectionIds(config.testSize(), config.testSubsetSeed(), config.selectionSize()).length
                    * config.probes().size();
        }
        for (long seed : config.seeds()) {
            Map<String, StatisticUnit> statistics = new java.util.LinkedHashMap<>();
            String s = "seed" + seed;
            Path checkpoints = out.resolve("checkpoints").resolve(s);
            Path results = out.resolve("units");
            TrainingUnit theta0 = training(config, s + "/theta0", checkpoints.resolve("theta0.safetensors"), seed,
                    TaskSpec.PRETRAIN, null, (long) trainSize * config.pretrain().epochs());
            units.add(theta0);
            Map<String, TrainingUnit> trained = new java.util.HashMap<>();
            trained.put(theta0.key(), theta0);
            units.add(new ProbeUnit(s + "/theta0-probes",
                    key(new ProbeKey("probe", theta0.key(), config.probes(), testSize, config.testSubsetSeed(), config.cueSeed(),
                            config.cues())),
                    results.resolve(s + "-theta0-probes.json"), seed, theta0, probeImages));
            String firstCue = config.firstCue();
            TrainingUnit theta1 = training(config, s + "/theta1", checkpoints.resolve("theta1-" + firstCue + "-a.safetensors"), seed,
                    new TaskSpec("t1", Split.A, firstCue), theta0, (long) half * config.finetune().epochs());
            units.add(theta1);
            trained.put(theta1.key(), theta1);
            for (Map.Entry<String, List<String>> p : config.protocols().entrySet()) {
                String protocol = p.getKey();
                String secondCue = p.getValue().get(1);
                for (Regime regime : config.regimes()) {
                    TrainingUnit parent = switch (regime) {
                        case INCREMENTAL -> theta1;
                        case PARALLEL -> theta0;
                    };
                    TrainingUnit theta2 = training(config, s + "/" + protocol + "/" + regime + "/theta2",
                            checkpoints.resolve(protocol + "-" + regime + "-theta2-" + secondCue + "-b.safetensors"), seed,
                            new TaskSpec("t2", Split.B, secondCue), parent, (long) half * config.finetune().epochs());
                    units.add(theta2);
                    trained.put(theta2.key(), theta2);
                    if (config.runsSwapProbes() && protocol.equals(swapProtocol(config))) {
                        String sk = key(new SwapKey("swap", protocol, regime, config.probes(), testSize,
                                config.testSubsetSeed(), config.cueSeed(), config.cues(), theta1.key(), theta2.key()));
                        // endpoints and one model per group (a ResNet has stem, 3 stages and fc) for each endpoint
                        units.add(new SwapUnit(s + "/" + protocol + "/" + regime + "/swaps", sk,
                                results.resolve(s + "-" + protocol + "-" + regime + "-swaps.json"), seed, protocol, regime,
                                theta1, theta2, 2L * 6 * probeImages));
                    }
                    for (BatchNormPolicy bn : config.bnPolicies()) {
                        int calibrationImages = switch (bn) {
                            case INTERPOLATE -> 0;
                            case RECALIBRATE -> config.calibrationImages();
                        };
                        String k = key(new InterpolationKey("merge", PATH_ROWS, protocol, regime, bn, config.alphas(), config.probes(), testSize,
                                config.testSubsetSeed(), config.cueSeed(), config.cues(), calibrationImages,
                                config.finetune().batchSize(), theta1.key(), theta2.key(), firstCue, secondCue));
                        units.add(new InterpolationUnit(s + "/" + protocol + "/" + regime + "/" + bn, k,
                                results.resolve(s + "-" + protocol + "-" + regime + "-" + bn + ".json"), seed, protocol, regime, bn,
                                theta1, theta2, firstCue, secondCue,
                                probeImages * config.alphas().size() + (long) calibrationImages * config.alphas().size()));
                        if (!config.merges().isEmpty()) {
                            String ek = key(new EndpointKey("merge-endpoints", protocol, regime, bn, config.probes(), testSize,
                                    config.testSubsetSeed(), config.selectionSize(), config.cueSeed(), config.cues(),
                                    calibrationImages, config.finetune().batchSize(), theta0.key(), theta1.key(), theta2.key(),
                                    firstCue, secondCue, MERGE_ROWS));
                            units.add(new EndpointUnit(s + "/" + protocol + "/" + regime + "/" + bn + "/endpoints", ek,
                                    results.resolve(s + "-" + protocol + "-" + regime + "-" + bn + "-merge-endpoints.json"),
                                    seed, protocol, regime, bn, theta0, theta1, theta2, firstCue, secondCue,
                                    2 * (probeImages + selectionImages + calibrationImages)));
                        }
                        for (MergeSpec spec : config.merges()) {
                            List<StatisticUnit> stats = new ArrayList<>();
                            DataStatisticsRun.Statistic kind = statisticOf(spec);
                            if (kind != null) {
                                for (TrainingUnit endpoint : List.of(theta1, theta2)) {
                                    StatisticUnit unit = statistic(config, out, s, seed, kind, endpoint, spec.samples());
                                    if (statistics.putIfAbsent(unit.key(), unit) == null) {
                                        units.add(unit);
                                    }
                                    stats.add(statistics.get(unit.key()));
                                }
                            }
                            String mk = key(new MergeKey("merge-method", protocol, regime, bn, spec.keyTree(), config.probes(),
                                    testSize, config.testSubsetSeed(), config.selectionSize(), config.cueSeed(), config.cues(),
                                    calibrationImages, config.finetune().batchSize(), theta0.key(), theta1.key(), theta2.key(),
                                    stats.stream().map(StatisticUnit::key).toList(), firstCue, secondCue, MERGE_ROWS));
                            long models = (long) spec.points().size() * spec.maskSeeds();
                            units.add(new MergeUnit(s + "/" + protocol + "/" + regime + "/" + bn + "/" + spec.displayName(), mk,
                                    results.resolve(s + "-" + protocol + "-" + regime + "-" + bn + "-merge-" + spec.slug() + ".json"),
                                    seed, protocol, regime, bn, spec, theta0, theta1, theta2, stats, firstCue, secondCue,
                                    models * (probeImages + selectionImages + calibrationImages)));
                        }
                    }
                }
            }
            sequenceUnits(config, out, data, seed, theta0, trained, units);
        }
        return units;
    }

    /**
     * The units of every sequence of one seed (PROTOCOL.md, "Beyond two tasks"): per regime, the step checkpoints
     * theta_1..theta_K (incremental: each from the previous one; parallel: each from theta0; task k on piece k of
     * {@code parts} with its cue), and per BatchNorm policy, strategy and step the model under test, probed. A training
     * unit another protocol or sequence already has (the same key) is that unit: with {@code parts: 2}, the first two
     * steps are the protocol's theta1 and theta2.
     */
    private static void sequenceUnits(ExperimentConfig config, Path out, DataContext data, long seed, TrainingUnit theta0,
            Map<String, TrainingUnit> trained, List<ExperimentUnit> units) {
        if (!config.runsSequences()) {
            return;
        }
        String s = "seed" + seed;
        Path checkpoints = out.resolve("checkpoints").resolve(s);
        int testImages = data.testIds(config.testSize(), config.testSubsetSeed(), "test_size").length;
        int testSize = config.testSize() == null ? 0 : config.testSize();
        long pieceImages = data.train().size() / config.parts();
        if (config.bnPolicies().contains(BatchNormPolicy.RECALIBRATE) && config.calibrationImages() > pieceImages) {
            // after step 1 every calibration image comes from task 1's piece
            throw new IllegalArgumentException("calibration_images: " + config.calibrationImages() + " is more than the "
                    + pieceImages + " training images of a piece (parts: " + config.parts() + " of " + data.train().size()
                    + "); after a sequence's first step all of them come from that step's piece");
        }
        for (Map.Entry<String, List<String>> e : config.sequences().entrySet()) {
            String sequence = e.getKey();
            List<String> cues = e.getValue();
            for (Regime regime : config.regimes()) {
                List<TrainingUnit> models = new ArrayList<>();
                TrainingUnit previous = theta0;
                for (int k = 1; k <= cues.size(); k++) {
                    String cue = cues.get(k - 1);
                    TrainingUnit parent = regime == Regime.INCREMENTAL ? previous : theta0;
                    TrainingUnit step = training(config, s + "/sequence/" + sequence + "/" + regime + "/theta" + k,
                            checkpoints.resolve("sequence-" + sequence + "-" + regime + "-theta" + k + "-" + cue + ".safetensors"),
                            seed, TaskSpec.onPiece("t" + k, k - 1, config.parts(), cue), parent,
                            pieceImages * config.finetune().epochs());
                    TrainingUnit known = trained.putIfAbsent(step.key(), step);
                    if (known == null) {
                        units.add(step);
                    } else {
                        step = known;
                    }
                    models.add(step);
                    previous = step;
                }
                for (BatchNormPolicy bn : config.bnPolicies()) {
                    int calibrationImages = switch (bn) {
                        case INTERPOLATE -> 0;
                        case RECALIBRATE -> config.calibrationImages();
                    };
                    for (SequenceStrategy strategy : config.strategies()) {
                        for (int k = 1; k <= models.size(); k++) {
                            List<TrainingUnit> upTo = List.copyOf(models.subList(0, k));
                            List<String> probes = SequenceUnit.probesOf(upTo);
                            String name = s + "/sequence/" + sequence + "/" + regime + "/" + bn + "/" + strategy.displayName()
                                    + "/step" + k;
                            String key = key(new SequenceKey("sequence", sequence, regime, bn, strategy.keyTree(), probes,
                                    testSize, config.testSubsetSeed(), config.cueSeed(), config.cues(), calibrationImages,
                                    config.finetune().batchSize(), theta0.key(), upTo.stream().map(TrainingUnit::key).toList(),
                                    calibrationImages > 0 ? CALIBRATION_BY_STEP : ""));
                            units.add(new SequenceUnit(name, key, out.resolve("units").resolve(s + "-sequence-" + sequence
                                    + "-" + regime + "-" + bn + "-" + strategy.slug() + "-step" + k + ".json"), seed, sequence,
                                    regime, bn, strategy, theta0, upTo, (long) testImages * probes.size() + calibrationImages));
                        }
                    }
                }
            }
        }
    }

    private static TrainingUnit training(ExperimentConfig config, String name, Path output, long seed, TaskSpec task,
            TrainingUnit parent, long images) {
        String k = key(new TrainingKey("train", config.dataset(), config.model(), parent == null ? config.pretrain() : config.finetune(),
                task, config.cueSeed(), config.cues(), seed, config.threads(), Versions.mergelab(), Versions.djl(), Versions.pytorch(),
                EngineSettings.inEffect().onednnMaxCpuIsa(), parent == null ? "" : parent.key()));
        return new TrainingUnit(name, k, output, seed, task, parent, images);
    }

    /** The protocol of the swap probes: the first whose two cues differ (task-specific), or null. */
    static String swapProtocol(ExperimentConfig config) {
        return config.protocols().entrySet().stream().filter(e -> !e.getValue().get(0).equals(e.getValue().get(1)))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The statistic a method reads (fisher: Fisher diagonal, regmean: Gram matrices), or null. */
    private static DataStatisticsRun.Statistic statisticOf(MergeSpec spec) {
        return switch (org.mergelab.merge.MergeMethods.byName(spec.method()).auxiliaryInput()) {
            case NONE -> null;
            case FISHER_DIAGONAL -> DataStatisticsRun.Statistic.FISHER_DIAGONAL;
            case INPUT_GRAM -> DataStatisticsRun.Statistic.INPUT_GRAM;
        };
    }

    private static StatisticUnit statistic(ExperimentConfig config, Path out, String s, long seed,
            DataStatisticsRun.Statistic kind, TrainingUnit endpoint, int samples) {
        String k = key(new StatisticKey("statistic", kind, endpoint.key(), endpoint.task(), samples, config.cueSeed(),
                config.cues()));
        String file = endpoint.output().getFileName().toString().replace(".safetensors", "") + "-" + kind.command()
                + "-" + samples + ".safetensors";
        return new StatisticUnit(endpoint.name() + "/" + kind.command() + "-" + samples, k,
                out.resolve("statistics").resolve(s).resolve(file), seed, kind, endpoint, samples);
    }

    private static String key(Record keyRecord) {
        return CanonicalJson.sha256(ConfigReader.toTree(keyRecord));
    }
}
