package org.mergelab.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mergelab.data.CueSettings;
import org.mergelab.data.Cues;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.Regime;
import org.mergelab.eval.ProtocolDefinition;
import org.mergelab.model.ModelSpec;
import org.mergelab.train.TrainConfig;

/**
 * One cue-protocol experiment (PROTOCOL.md), as read from {@code EXPERIMENT.yaml}. Keys are
 * snake_case; an unknown key is an error; every missing key takes the default below, and the
 * resolved config (defaults included) is written back to {@code DIR/experiment.yaml}.
 *
 * @param name a label for reports; default {@code experiment}
 * @param dataset dataset spec ({@code builtin}, {@code fashion-mnist[:DIR]}, {@code cifar10:DIR},
 *     {@code cifar100:DIR}, {@code folder:DIR} in its train/test layout, with builtin options); default
 *     {@code builtin}
 * @param model the network; default ResNet-20 (16/32/64)
 * @param pretrain training of theta0 on the whole training set without cue; default
 *     {@link TrainConfig} defaults with 2 epochs
 * @param finetune training of each cue task on its half of the training set; default 1 epoch at
 *     learning rate 0.02
 * @param cueSeed seed of the noise patterns, of the frame patterns' assignment to classes and of the conflict
 *     derangement; default 0
 * @param cues settings per cue kind ({@code size}, {@code x}, {@code y}, {@code strength}; see
 *     {@link CueSettings}); default none (4 x 4 colour patch top-left, 8 x 8 noise patch bottom-right)
 * @param protocols name -> [cue of T1, cue of T2]; default {@code task-specific: [color, noise]},
 *     {@code shared: [color, color]}
 * @param regimes {@code incremental} and/or {@code parallel}; default both
 * @param alphas the interpolation grid, each in [0, 1], ascending; default 0, 0.1, ..., 1
 * @param bnPolicies {@code interpolate} and/or {@code recalibrate}; default {@code [interpolate]}
 * @param calibrationImages training images used by {@code recalibrate}; default 1000
 * @param probes {@code base} and cue probes (with their {@code -conflict} variants); default base,
 *     color, noise, color-conflict, noise-conflict
 * @param seeds one full run per seed; default 0, 1, 2
 * @param threads PyTorch threads (results depend on it); default 2
 * @param testSize a fixed seeded subset of the test set for every probe; null or 0 means the
 *     whole test set; default null
 * @param testSubsetSeed seed of that subset, the same for every seed of the run; default 0
 * @param heartbeatTimeoutSeconds how long a worker's claim on a unit may go without a heartbeat before another
 *     worker of the same output directory takes the unit over (the holder is taken to be dead); a worker
 *     beats every quarter of it; it does not change any result, so two configs that differ only here are the
 *     same experiment; default 180 (well above the 60 s for which an NFS client may cache a file's modification time)
 * @param merges the merge methods studied on the same probes ({@link MergeSpec}); default none
 * @param selectionSize test images, outside the reported test subset, on which each merge's coefficient is chosen
 *     (PROTOCOL.md, "selection"); read only with {@code merges}; default 1000
 * @param swapProbes run the layer-group swap probes ("where knowledge lives", PROTOCOL.md) in the protocol whose cues
 *     differ; default false (null when false, so that configs without the key keep their identity)
 * @param sequences longer sequences (PROTOCOL.md, "Beyond two tasks"): name -> the cues of T1..TK (K >= 2), all
 *     different (task-specific) or all the same (shared); default none
 * @param parts into how many disjoint pieces the training set is cut for the sequences (task k trains on piece k),
 *     at least the longest sequence's K; keep it when a sequence grows, so that earlier steps are reused; read only
 *     with {@code sequences}; default the longest K
 * @param strategies what is tested after each step of a sequence ({@link SequenceStrategy}); read only with
 *     {@code sequences}; default {@code [none]}
 */
@JsonPropertyOrder({"name", "dataset", "model", "pretrain", "finetune", "cue_seed", "cues", "protocols", "regimes",
        "alphas", "bn_policies", "calibration_images", "probes", "seeds", "threads", "test_size", "test_subset_seed",
        "heartbeat_timeout_seconds", "merges", "selection_size", "swap_probes", "sequences", "parts", "strategies"})
public record ExperimentConfig(
        String name,
        String dataset,
        ModelSpec model,
        TrainConfig pretrain,
        TrainConfig finetune,
        Long cueSeed,
        Map<String, CueSettings> cues,
        Map<String, List<String>> protocols,
        List<Regime> regimes,
        List<Double> alphas,
        List<BatchNormPolicy> bnPolicies,
        Integer calibrationImages,
        List<String> probes,
        List<Long> seeds,
        Integer threads,
        Integer testSize,
        Long testSubsetSeed,
        Double heartbeatTimeoutSeconds,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<MergeSpec> merges,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Integer selectionSize,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Boolean swapProbes,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<String, List<String>> sequences,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Integer parts,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<SequenceStrategy> strategies) {

    /** The config key that never changes a result (see {@link #withoutWorkerSettings}). */
    static final String HEARTBEAT_KEY = "heartbeat_timeout_seconds";

    /** Fills defaults and validates; messages name the key and the value. */
    public ExperimentConfig {
        name = name == null ? "experiment" : name;
        dataset = dataset == null ? "builtin" : dataset;
        model = model == null ? ModelSpec.RESNET20 : model;
        pretrain = pretrain == null ? TrainConfig.defaults().withEpochs(2) : pretrain;
        finetune = finetune == null ? TrainConfig.defaults().withEpochs(1).withLearningRate(0.02) : finetune;
        cueSeed = cueSeed == null ? 0L : cueSeed;
        cues = cues == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(cues));
        if (protocols == null) {
            protocols = new LinkedHashMap<>();
            protocols.put("task-specific", List.of("color", "noise"));
            protocols.put("shared", List.of("color", "color"));
        }
        protocols = copyProtocols(protocols);
        regimes = regimes == null ? List.of(Regime.values()) : List.copyOf(regimes);
        alphas = alphas == null ? defaultAlphas() : List.copyOf(alphas);
        bnPolicies = bnPolicies == null ? List.of(BatchNormPolicy.INTERPOLATE) : List.copyOf(bnPolicies);
        calibrationImages = calibrationImages == null ? 1000 : calibrationImages;
        probes = probes == null ? List.of("base", "color", "noise", "color-conflict", "noise-conflict") : List.copyOf(probes);
        seeds = seeds == null ? List.of(0L, 1L, 2L) : List.copyOf(seeds);
        threads = threads == null ? 2 : threads;
        testSize = testSize == null || testSize == 0 ? null : testSize;
        testSubsetSeed = testSubsetSeed == null ? 0L : testSubsetSeed;
        heartbeatTimeoutSeconds = heartbeatTimeoutSeconds == null ? 180.0 : heartbeatTimeoutSeconds;
        if (!(heartbeatTimeoutSeconds >= 0.5 && heartbeatTimeoutSeconds <= 86_400)) {
            throw new IllegalArgumentException(HEARTBEAT_KEY + ": " + heartbeatTimeoutSeconds + " is outside 0.5..86400 seconds");
        }
        validate(protocols, regimes, alphas, bnPolicies, calibrationImages, probes, seeds, threads, testSize);
        merges = resolveMerges(merges, alphas);
        swapProbes = Boolean.TRUE.equals(swapProbes) ? Boolean.TRUE : null;
        if (swapProbes != null && !probes.contains("base")) {
            throw new IllegalArgumentException("swap_probes: retention is measured against the base probe; add 'base' to probes");
        }
        if (merges.isEmpty() && selectionSize != null) {
            throw new IllegalArgumentException("selection_size: " + selectionSize + " is read only with merges");
        }
        selectionSize = merges.isEmpty() ? null : selectionSize == null ? 1000 : selectionSize;
        if (selectionSize != null && selectionSize < 1) {
            throw new IllegalArgumentException("selection_size: " + selectionSize + " is below 1");
        }
        if (!merges.isEmpty() && testSize == null) {
            throw new IllegalArgumentException("merges: coefficients are chosen on selection_size test images outside the"
                    + " reported test subset, so test_size must leave some out; set test_size");
        }
        if (!merges.isEmpty() && !probes.contains("base")) {
            throw new IllegalArgumentException("merges: retention is measured against the base probe; add 'base' to probes");
        }
        for (String probe : probes) {
            if (!probe.equals("base")) {
                Cues.byName(probe, 2, cueSeed, cues); // rejects settings that do not fit
            }
        }
        sequences = copySequences(sequences);
        if (sequences.isEmpty() && (parts != null || strategies != null)) {
            throw new IllegalArgumentException((parts != null ? "parts" : "strategies") + " is read only with sequences");
        }
        if (!sequences.isEmpty()) {
            int longest = sequences.values().stream().mapToInt(List::size).max().orElseThrow();
            parts = parts == null ? longest : parts;
            if (parts < longest) {
                throw new IllegalArgumentException("parts: " + parts + " pieces of the training set are fewer than the "
                        + longest + " tasks of the longest sequence");
            }
            if (!probes.contains("base")) {
                throw new IllegalArgumentException("sequences: cue advantages and base knowledge are measured with the base"
                        + " probe; add 'base' to probes");
            }
            strategies = resolveStrategies(strategies);
            for (List<String> sequence : sequences.values()) {
                for (String cue : sequence) {
                    Cues.byName(cue, 2, cueSeed, cues); // rejects settings that do not fit
                }
            }
        } else {
            strategies = List.of();
        }
    }

    private static Map<String, List<String>> copySequences(Map<String, List<String>> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : in.entrySet()) {
            String where = "sequences." + e.getKey();
            checkName("sequences", e.getKey());
            List<String> cues = e.getValue();
            if (cues == null || cues.size() < 2) {
                throw new IllegalArgumentException(where + ": expected the cues of T1..TK with K >= 2, got " + cues);
            }
            checkCues("sequences", e.getKey(), cues);
            long distinct = cues.stream().distinct().count();
            if (distinct != 1 && distinct != cues.size()) {
                throw new IllegalArgumentException(where + ": " + cues + " is neither task-specific (every cue different) nor"
                        + " shared (one cue every time)");
            }
            out.put(e.getKey(), List.copyOf(cues));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static List<SequenceStrategy> resolveStrategies(List<SequenceStrategy> strategies) {
        if (strategies == null) {
            return List.of(new SequenceStrategy(SequenceStrategy.NONE, Map.of()));
        }
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies: the list is empty (leave it out for [none])");
        }
        List<SequenceStrategy> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < strategies.size(); i++) {
            if (strategies.get(i) == null) {
                throw new IllegalArgumentException("strategies[" + i + "]: an empty entry");
            }
            SequenceStrategy s = strategies.get(i).check(i);
            if (!names.add(s.displayName())) {
                throw new IllegalArgumentException("strategies[" + i + "]: " + s.displayName() + " is listed twice");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** True when the experiment has longer sequences. */
    public boolean runsSequences() {
        return !sequences.isEmpty();
    }

    private static List<MergeSpec> resolveMerges(List<MergeSpec> merges, List<Double> alphas) {
        if (merges == null) {
            return List.of();
        }
        List<MergeSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < merges.size(); i++) {
            if (merges.get(i) == null) {
                throw new IllegalArgumentException("merges[" + i + "]: an empty entry");
            }
            MergeSpec spec = merges.get(i).resolve(alphas, i);
            if (!names.add(spec.displayName())) {
                throw new IllegalArgumentException("merges[" + i + "]: " + spec.displayName() + " is listed twice");
            }
            out.add(spec);
        }
        return List.copyOf(out);
    }

    private static Map<String, List<String>> copyProtocols(Map<String, List<String>> in) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : in.entrySet()) {
            if (e.getValue() == null || e.getValue().size() != 2) {
                throw new IllegalArgumentException("protocols." + e.getKey() + ": expected [cue of T1, cue of T2], got " + e.getValue());
            }
            out.put(e.getKey(), List.copyOf(e.getValue()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** 0, 0.1, ..., 1 (eleven points, exact to 1e-12). */
    public static List<Double> defaultAlphas() {
        List<Double> a = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            a.add(i / 10.0);
        }
        return a;
    }

    private static void validate(Map<String, List<String>> protocols, List<Regime> regimes, List<Double> alphas,
            List<BatchNormPolicy> bnPolicies, int calibrationImages, List<String> probes, List<Long> seeds, int threads, Integer testSize) {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols: at least one protocol is needed");
        }
        for (Map.Entry<String, List<String>> e : protocols.entrySet()) {
            checkName("protocols", e.getKey());
            checkCues("protocols", e.getKey(), e.getValue());
        }
        if (!e0(protocols)) {
            throw new IllegalArgumentException("protocols: every protocol's T1 must carry the same cue (theta1 is one checkpoint per seed)");
        }
        requireDistinct("regimes", regimes);
        requireDistinct("bn_policies", bnPolicies);
        if (alphas.isEmpty()) {
            throw new IllegalArgumentException("alphas: the grid is empty");
        }
        for (int i = 0; i < alphas.size(); i++) {
            double a = alphas.get(i);
            if (!(a >= 0 && a <= 1)) {
                throw new IllegalArgumentException("alphas[" + i + "]: " + a + " is outside [0, 1]");
            }
            if (i > 0 && !(a > alphas.get(i - 1))) {
                throw new IllegalArgumentException("alphas[" + i + "]: " + a + " is not above the previous value " + alphas.get(i - 1));
            }
        }
        if (calibrationImages < 1) {
            throw new IllegalArgumentException("calibration_images: " + calibrationImages + " is below 1");
        }
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("probes: at least one probe is needed");
        }
        for (String p : probes) {
            if (!p.equals("base") && !Cues.NAMES.contains(p)) {
                throw new IllegalArgumentException("probes: unknown probe '" + p + "' (known: base, " + String.join(", ", Cues.NAMES) + ")");
            }
        }
        if (new HashSet<>(probes).size() != probes.size()) {
            throw new IllegalArgumentException("probes: a probe is listed twice in " + probes);
        }
        if (seeds.isEmpty() || new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds: need at least one seed and no repeats, got " + seeds);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " is below 1");
        }
        if (testSize != null && testSize < 1) {
            throw new IllegalArgumentException("test_size: " + testSize + " is below 1");
        }
    }

    /** Checks a protocol's or sequence's name; {@code key} ({@code protocols}, {@code sequences}) is for messages. */
    private static void checkName(String key, String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException(key + ": name '" + name + "' must be lower-case letters, digits, '-' or '_'");
        }
    }

    /** Checks the task cues of a protocol or sequence: cue kinds, not conflict probes. */
    private static void checkCues(String key, String name, List<String> cues) {
        for (String cue : cues) {
            if (cue == null || cue.endsWith("-conflict") || !Cues.NAMES.contains(cue)) {
                throw new IllegalArgumentException(key + "." + name + ": unknown task cue '" + cue + "' (known: "
                        + String.join(", ", Cues.NAMES.stream().filter(c -> !c.endsWith("-conflict")).toList()) + ")");
            }
        }
    }

    private static boolean e0(Map<String, List<String>> protocols) {
        return protocols.values().stream().map(l -> l.get(0)).distinct().count() == 1;
    }

    private static <E> void requireDistinct(String key, List<E> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(key + ": the list is empty");
        }
        Set<E> seen = new HashSet<>();
        for (E v : values) {
            if (v == null) {
                throw new IllegalArgumentException(key + ": an empty entry in " + values);
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException(key + ": '" + v + "' is listed twice");
            }
        }
    }

    /** The protocols as definitions for the figures of merit. */
    public List<ProtocolDefinition> protocolDefinitions() {
        List<ProtocolDefinition> out = new ArrayList<>();
        protocols.forEach((k, v) -> out.add(new ProtocolDefinition(k, v.get(0), v.get(1))));
        return out;
    }

    /**
     * The config as a tree without the settings that never change a result ({@code heartbeat_timeout_seconds}):
     * what decides whether an output directory holds the same experiment.
     */
    public com.fasterxml.jackson.databind.JsonNode withoutWorkerSettings() {
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) org.mergelab.config.ConfigReader.toTree(this);
        tree.remove(HEARTBEAT_KEY);
        return tree;
    }

    /** The heartbeat timeout as a duration. */
    public java.time.Duration heartbeatTimeout() {
        return java.time.Duration.ofMillis(Math.round(heartbeatTimeoutSeconds * 1000));
    }

    /** True when the layer-group swap probes run. */
    public boolean runsSwapProbes() {
        return Boolean.TRUE.equals(swapProbes);
    }

    /** The cue of T1, shared by every protocol. */
    public String firstCue() {
        return protocols.values().iterator().next().get(0);
    }
}
