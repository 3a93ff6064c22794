package org.mergelab.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.Cues;

/**
 * A merge decision to make ({@code mergelab plan-merge POLICY.yaml}): which checkpoints to merge, on which data to
 * probe them, what must be kept, what to prefer among the merges that keep it, and what to search.
 *
 * <pre>
 * base: runs/x/checkpoints/seed0/theta0.safetensors
 * candidates:                        # two or more
 *   - runs/x/checkpoints/seed0/theta1-color-a.safetensors
 *   - runs/x/checkpoints/seed0/task-specific-incremental-theta2-noise-b.safetensors
 * data: fashion-mnist                # any dataset spec: builtin, fashion-mnist, cifar10:DIR, folder:DIR, ...
 * probes:
 *   color: {cue: color}
 *   noise: {cue: noise}
 *   base: {}                         # no cue: the reference of every cue's advantage
 * must_keep:
 *   - {probe: color, retention: 0.9} # keep at least 90% of the colour cue's advantage
 *   - {probe: base, accuracy: 0.80}  # an absolute floor
 * prefer: {maximize: mean_retention} # or a probe's name: maximise its accuracy
 * search: {methods: [linear, task_arithmetic, ties, dare_ties, magmax, fisher, model_stock], budget: 60}
 * seeds: [0, 1, 2]                   # for the seeded methods and the subsets
 * </pre>
 *
 * Optional keys: {@code weights} (one per candidate, for the methods that take a per-model {@code weight}; default
 * equal), {@code test_size} (default 2,000 images) and {@code selection_size} (default 1,000: drawn per seed from
 * the test images outside that seed's test subset), {@code samples} (images of the Fisher and Gram estimates, default
 * 256) and {@code threads} (default: the cores). Paths, the data spec's directory included, are relative to the
 * policy file's directory. A
 * {@code search.methods} entry is a method name (its grid is the method study's, {@link SearchSpace}) or a mapping
 * as in an experiment's {@code merges:} list ({@code {method: ties, density: [0.2, 0.4], lambda: 1.0}}).
 *
 * @param file the policy file
 * @param base the base checkpoint
 * @param candidates the checkpoints to merge, in order
 * @param data the dataset spec
 * @param probes probe name to its cue ({@code null} for the cue-less reference probe), in the order given
 * @param mustKeep the rules, in the order given
 * @param maximize {@link #MEAN_RETENTION} or a probe name
 * @param methods the search's entries
 * @param budget the most (method, coefficient) evaluations the search may make
 * @param seeds the seeds of the subsets and of seeded methods
 * @param weights one weight per candidate, or empty for equal weights
 * @param testSize test images per seed
 * @param selectionSize selection images per seed
 * @param samples images of a Fisher or Gram estimate
 * @param threads engine threads
 */
public record MergePolicy(Path file, Path base, List<Path> candidates, String data, Map<String, String> probes,
        List<Rule> mustKeep, String maximize, List<MethodEntry> methods, int budget, List<Long> seeds,
        List<Double> weights, int testSize, int selectionSize, int samples, int threads) {

    /** {@code prefer: {maximize: mean_retention}}: the mean retention over the probes with a retention rule. */
    public static final String MEAN_RETENTION = "mean_retention";

    /** Default test images per seed. */
    public static final int DEFAULT_TEST_SIZE = 2000;
    /** Default selection images per seed. */
    public static final int DEFAULT_SELECTION_SIZE = 1000;
    /** Default images of a Fisher or Gram estimate. */
    public static final int DEFAULT_SAMPLES = 256;

    private static final Set<String> KEYS = Set.of("base", "candidates", "data", "probes", "must_keep", "prefer",
            "search", "seeds", "weights", "test_size", "selection_size", "samples", "threads");

    /** Copies. */
    public MergePolicy {
        candidates = List.copyOf(candidates);
        probes = Collections.unmodifiableMap(new LinkedHashMap<>(probes));
        mustKeep = List.copyOf(mustKeep);
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        weights = List.copyOf(weights);
    }

    /** What a rule bounds. */
    public enum Bound {
        /** A cue's advantage over the reference probe, as a fraction of the best candidate's. */
        RETENTION,
        /** A probe's top-1 accuracy. */
        ACCURACY;

        /** The policy key: {@code retention} or {@code accuracy}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One {@code must_keep} rule: the probe's figure must be at least {@code threshold}.
     *
     * @param probe the probe's name
     * @param bound what is bounded
     * @param threshold the least value allowed
     */
    public record Rule(String probe, Bound bound, double threshold) {

        /** {@code color retention >= 0.9}. */
        public String describe() {
            return probe + " " + bound.key() + " >= " + threshold;
        }
    }

    /**
     * One {@code search.methods} entry: a method with its fixed parameters and grids (empty for the method study's).
     *
     * @param method the registry name
     * @param parameters key to its values (one value: fixed; several: a grid); empty: the default grid
     * @param explicit true when the policy gave parameters (a mapping), false for a bare name
     */
    public record MethodEntry(String method, Map<String, List<Double>> parameters, boolean explicit) {

        /** Copies. */
        public MethodEntry {
            Map<String, List<Double>> copy = new LinkedHashMap<>();
            parameters.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            parameters = Collections.unmodifiableMap(copy);
        }
    }

    /** The cue-less probe every advantage is measured against, or null when the policy has none. */
    public String referenceProbe() {
        for (Map.Entry<String, String> e : probes.entrySet()) {
            if (e.getValue() == null) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The probes with a retention rule, in rule order, without repeats. */
    public List<String> retentionProbes() {
        List<String> out = new ArrayList<>();
        for (Rule r : mustKeep) {
            if (r.bound() == Bound.RETENTION && !out.contains(r.probe())) {
                out.add(r.probe());
            }
        }
        return out;
    }

    /**
     * Reads and checks a policy file.
     *
     * @throws ConfigException naming the file, the key and the value
     */
    public static MergePolicy read(Path file) {
        JsonNode root = ConfigReader.readTree(file);
        return parse(root, file);
    }

    /** Checks a policy tree ({@link #read} without the file). */
    static MergePolicy parse(JsonNode root, Path file) {
        String where = file.toString();
        if (root == null || !root.isObject()) {
            throw new ConfigException(where + ": a policy is a mapping with base, candidates, data, probes, must_keep,"
                    + " prefer, search and seeds");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "' (allowed: " + new java.util.TreeSet<>(KEYS)
                        + ")");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Path base = dir.resolve(text(root, "base", where));
        JsonNode cands = required(root, "candidates", where);
        if (!cands.isArray() || cands.size() < 2) {
            throw new ConfigException(where + ": candidates: expected a list of two or more checkpoint paths, found "
                    + cands);
        }
        List<Path> candidates = new ArrayList<>();
        for (int i = 0; i < cands.size(); i++) {
            JsonNode c = cands.get(i);
            if (!c.isTextual() || c.asText().isBlank()) {
                throw new ConfigException(where + ": candidates[" + i + "]: expected a checkpoint path, found " + c);
            }
            Path p = dir.resolve(c.asText()).normalize();
            if (candidates.contains(p)) {
                throw new ConfigException(where + ": candidates[" + i + "]: " + c.asText() + " is listed twice");
            }
            candidates.add(p);
        }
        String data = dataRelativeTo(text(root, "data", where), dir);

        JsonNode probeNode = required(root, "probes", where);
        if (!probeNode.isObject() || probeNode.isEmpty()) {
            throw new ConfigException(where + ": probes: expected a mapping of probe names to {cue: NAME} or {}, found "
                    + probeNode);
        }
        Map<String, String> probes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = probeNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + ": probes." + e.getKey();
            JsonNode v = e.getValue();
            if (v == null || v.isNull() || v.isObject() && v.isEmpty()) {
                probes.put(e.getKey(), null);
                continue;
            }
            if (!v.isObject() || v.size() != 1 || !v.has("cue") || !v.get("cue").isTextual()) {
                throw new ConfigException(at + ": expected {cue: NAME} or {} (no cue), found " + v);
            }
            String cue = v.get("cue").asText();
            if (!Cues.NAMES.contains(cue)) {
                throw new ConfigException(at + ".cue: unknown cue '" + cue + "' (known: " + Cues.NAMES + ")");
            }
            probes.put(e.getKey(), cue);
        }
        long references = probes.values().stream().filter(Objects::isNull).count();
        if (references > 1) {
            throw new ConfigException(where + ": probes: more than one probe has no cue; keep one (the reference of"
                    + " every cue's advantage)");
        }

        List<Rule> rules = new ArrayList<>();
        JsonNode keep = root.get("must_keep");
        if (keep != null && !keep.isNull() && !(keep.isTextual() && keep.asText().isEmpty())) { // 'must_keep:' alone
            if (!keep.isArray()) {
                throw new ConfigException(where + ": must_keep: expected a list of rules, found " + keep);
            }
            for (int i = 0; i < keep.size(); i++) {
                rules.add(rule(keep.get(i), where + ": must_keep[" + i + "]", probes));
            }
        }
        String reference = probes.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (reference == null && rules.stream().anyMatch(r -> r.bound() == Bound.RETENTION)) {
            throw new ConfigException(where + ": probes: a retention rule needs a probe without a cue (e.g."
                    + " 'base: {}'), the reference of the cue's advantage");
        }

        JsonNode prefer = required(root, "prefer", where);
        if (!prefer.isObject() || prefer.size() != 1 || !prefer.has("maximize") || !prefer.get("maximize").isTextual()) {
            throw new ConfigException(where + ": prefer: expected {maximize: mean_retention} or {maximize: PROBE},"
                    + " found " + prefer);
        }
        String maximize = prefer.get("maximize").asText();
        if (maximize.equals(MEAN_RETENTION)) {
            if (rules.stream().noneMatch(r -> r.bound() == Bound.RETENTION)) {
                throw new ConfigException(where + ": prefer.maximize: mean_retention averages the probes with a"
                        + " retention rule, and must_keep has none");
            }
        } else if (!probes.containsKey(maximize)) {
            throw new ConfigException(where + ": prefer.maximize: '" + maximize + "' is neither mean_retention nor a"
                    + " probe (probes: " + probes.keySet() + ")");
        }

        JsonNode search = required(root, "search", where);
        if (!search.isObject()) {
            throw new ConfigException(where + ": search: expected {methods: [...], budget: N}, found " + search);
        }
        for (Iterator<String> it = search.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("methods") && !key.equals("budget")) {
                throw new ConfigException(where + ": search: unknown key '" + key + "' (allowed: methods, budget)");
            }
        }
        JsonNode methodsNode = required(search, "methods", where + ": search");
        if (!methodsNode.isArray() || methodsNode.isEmpty()) {
            throw new ConfigException(where + ": search.methods: expected a non-empty list, found " + methodsNode);
        }
        List<MethodEntry> methods = new ArrayList<>();
        for (int i = 0; i < methodsNode.size(); i++) {
            methods.add(methodEntry(methodsNode.get(i), where + ": search.methods[" + i + "]"));
        }
        int budget = positiveInt(required(search, "budget", where + ": search"), where + ": search.budget");

        JsonNode seedNode = required(root, "seeds", where);
        if (!seedNode.isArray() || seedNode.isEmpty()) {
            throw new ConfigException(where + ": seeds: expected a non-empty list of whole numbers, found " + seedNode);
        }
        List<Long> seeds = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < seedNode.size(); i++) {
            JsonNode s = seedNode.get(i);
            if (!s.isIntegralNumber() || s.asLong() < 0) {
                throw new ConfigException(where + ": seeds[" + i + "]: expected a whole number >= 0, found " + s);
            }
            if (!seen.add(s.asLong())) {
                throw new ConfigException(where + ": seeds[" + i + "]: " + s.asLong() + " is listed twice");
            }
            seeds.add(s.asLong());
        }

        List<Double> weights = new ArrayList<>();
        JsonNode w = root.get("weights");
        if (w != null && !w.isNull()) {
            if (!w.isArray() || w.size() != candidates.size()) {
                throw new ConfigException(where + ": weights: expected one number per candidate (" + candidates.size()
                        + "), found " + w);
            }
            for (int i = 0; i < w.size(); i++) {
                if (!w.get(i).isNumber() || !(w.get(i).asDouble() >= 0) || Double.isInfinite(w.get(i).asDouble())) {
                    throw new ConfigException(where + ": weights[" + i + "]: expected a finite number >= 0, found "
                            + w.get(i));
                }
                weights.add(w.get(i).asDouble());
            }
            if (weights.stream().allMatch(x -> x == 0)) {
                throw new ConfigException(where + ": weights: every weight is 0");
            }
        }
        int testSize = root.has("test_size") ? positiveInt(root.get("test_size"), where + ": test_size")
                : DEFAULT_TEST_SIZE;
        int selectionSize = root.has("selection_size")
                ? positiveInt(root.get("selection_size"), where + ": selection_size") : DEFAULT_SELECTION_SIZE;
        int samples = root.has("samples") ? positiveInt(root.get("samples"), where + ": samples") : DEFAULT_SAMPLES;
        int threads = root.has("threads") ? positiveInt(root.get("threads"), where + ": threads")
                : Runtime.getRuntime().availableProcessors();
        return new MergePolicy(file, base.normalize(), candidates, data, probes, rules, maximize, methods, budget,
                seeds, weights, testSize, selectionSize, samples, threads);
    }

    /** A dataset spec whose directory is relative ({@code folder:imgs}) resolved against the policy's directory. */
    static String dataRelativeTo(String spec, Path dir) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return spec;
        }
        String kind = spec.substring(0, colon).strip();
        String arg = spec.substring(colon + 1).strip();
        if (List.of("folder", "cifar10", "cifar100", "fashion-mnist").contains(kind) && !arg.isEmpty()
                && !Path.of(arg).isAbsolute()) {
            return kind + ":" + dir.resolve(arg).normalize();
        }
        return spec;
    }

    private static Rule rule(JsonNode node, String at, Map<String, String> probes) {
        if (node == null || !node.isObject() || !node.has("probe") || node.size() != 2) {
            throw new ConfigException(at + ": expected {probe: NAME, retention: R} or {probe: NAME, accuracy: A}, found "
                    + node);
        }
        String probe = node.get("probe").asText();
        if (!probes.containsKey(probe)) {
            throw new ConfigException(at + ".probe: '" + probe + "' is not one of the probes " + probes.keySet());
        }
        Bound bound;
        JsonNode value;
        if (node.has("retention")) {
            bound = Bound.RETENTION;
            value = node.get("retention");
        } else if (node.has("accuracy")) {
            bound = Bound.ACCURACY;
            value = node.get("accuracy");
        } else {
            throw new ConfigException(at + ": expected 'retention' or 'accuracy' beside 'probe', found " + node);
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new ConfigException(at + "." + bound.key() + ": expected a number, found " + value);
        }
        double t = value.asDouble();
        if (bound == Bound.ACCURACY && !(t >= 0 && t <= 1)) {
            throw new ConfigException(at + ".accuracy: " + t + " is outside [0, 1]");
        }
        if (bound == Bound.RETENTION) {
            if (probes.get(probe) == null) {
                throw new ConfigException(at + ": probe '" + probe + "' has no cue, so it has no retention; bound its"
                        + " accuracy instead");
            }
            if (!(t > 0 && t <= 2)) {
                throw new ConfigException(at + ".retention: " + t + " is outside (0, 2]");
            }
        }
        return new Rule(probe, bound, t);
    }

    private static MethodEntry methodEntry(JsonNode node, String at) {
        if (node.isTextual()) {
            return new MethodEntry(node.asText(), Map.of(), false);
        }
        if (!node.isObject() || !node.has("method") || !node.get("method").isTextual()) {
            throw new ConfigException(at + ": expected a method name or {method: NAME, KEY: value or [values]}, found "
                    + node);
        }
        Map<String, List<Double>> parameters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("method")) {
                continue;
            }
            JsonNode v = e.getValue();
            List<Double> values = new ArrayList<>();
            if (v.isNumber()) {
                values.add(v.asDouble());
            } else if (v.isArray() && !v.isEmpty()) {
                for (JsonNode x : v) {
                    if (!x.isNumber()) {
                        throw new ConfigException(at + "." + e.getKey() + ": " + x + " in " + v + " is not a number");
                    }
                    values.add(x.asDouble());
                }
            } else {
                throw new ConfigException(at + "." + e.getKey() + ": expected a number or a non-empty list of numbers,"
                        + " found " + v);
            }
            for (double x : values) {
                if (!Double.isFinite(x)) {
                    throw new ConfigException(at + "." + e.getKey() + ": " + x + " is not finite");
                }
            }
            parameters.put(e.getKey(), values);
        }
        return new MethodEntry(node.get("method").asText(), parameters, true);
    }

    private static JsonNode required(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull() || v.isMissingNode()) {
            throw new ConfigException(where + ": '" + key + "' is required");
        }
        return v;
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = required(node, key, where);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ConfigException(where + ": " + key + ": expected a non-empty string, found " + v);
        }
        return v.asText();
    }

    private static int positiveInt(JsonNode v, String at) {
        if (v == null || !v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw new ConfigException(at + ": expected a whole number >= 1, found " + v);
        }
        return v.asInt();
    }
}
