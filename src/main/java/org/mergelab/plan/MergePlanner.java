package org.mergelab.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.Checkpoint;
import org.mergelab.checkpoint.FileHashes;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.SafetensorsReader;
import org.mergelab.config.CanonicalJson;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;
import org.mergelab.config.Seeds;
import org.mergelab.data.DatasetSpec;
import org.mergelab.data.ImageDataset;
import org.mergelab.engine.EngineSettings;
import org.mergelab.engine.TorchEngine;
import org.mergelab.eval.ProbeSet;
import org.mergelab.eval.Probes;
import org.mergelab.experiment.CheckpointModels;
import org.mergelab.experiment.DataContext;
import org.mergelab.experiment.DataStatisticsRun;
import org.mergelab.experiment.TrainingRecipe;
import org.mergelab.merge.AuxiliaryInput;
import org.mergelab.merge.InMemoryMerge;
import org.mergelab.merge.MergeMethod;
import org.mergelab.merge.MergeMethods;
import org.mergelab.merge.RecipeMerge;
import org.mergelab.model.Network;
import org.mergelab.work.ClaimDirectory;
import org.mergelab.work.ClaimInfo;
import org.mergelab.work.SchedulerListener;
import org.mergelab.work.UnitProgress;
import org.mergelab.work.UnitScheduler;
import org.mergelab.work.WorkUnit;

/**
 * Runs a {@link MergePolicy}: evaluates every candidate and every search point on each seed's selection and test
 * subsets, decides ({@link MergeDecision}), and, when a merge satisfies every rule on both subsets, writes it with
 * {@code mergelab merge}'s own code ({@link RecipeMerge}), its lineage carrying the policy and the decision.
 *
 * <p><b>Units.</b> Each evaluation (a candidate or a search point, on one seed) is a unit: its result is written
 * atomically to {@code OUT/units/KEY.json}, where KEY is the SHA-256 of everything the result depends on (the
 * inputs' SHA-256, the data spec and the images of both subsets, the probes and their cue settings, the seed, the
 * method and its parameters, the engine's oneDNN cap and threads), and never of the rules or the preference. A
 * killed search resumes where it stopped, and another policy over the same candidates and data in the same output
 * directory reuses every evaluation it shares. Fisher and Gram statistics ({@code fisher}, {@code regmean}) are units
 * too, under {@code OUT/statistics/}, keyed by their inputs; the evaluations that use them depend on them.
 *
 * <p><b>Workers.</b> The units run on the unit engine ({@link UnitScheduler}): each is claimed in
 * {@code OUT/claims} ({@link ClaimDirectory}) before it runs, so that several processes on the same directory split
 * the search. The candidates' evaluations run first (which candidate owns which cue decides the statistics), then
 * the statistics and the search points.
 *
 * <p><b>Subsets.</b> For each policy seed s, the test subset is {@code test_size} test images drawn with seed s and
 * the selection subset {@code selection_size} images drawn from the rest (as the method study's). Seeded methods
 * draw their masks from s. Merged BatchNorm running statistics are used as merged (no recalibration).
 */
public final class MergePlanner {

    /** The marker file that makes a directory a plan-merge output, which a later run may reuse and overwrite. */
    public static final String MARKER = "mergelab-plan.json";
    /** The decision record's file name. */
    public static final String DECISION_FILE = "decision.json";
    /** The merged checkpoint's directory name. */
    public static final String MERGED_DIR = "merged";
    /** The recipe of the chosen merge. */
    public static final String RECIPE_FILE = "chosen-recipe.yaml";

    static final int UNIT_FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MergePlanner() {}

    /**
     * What a run produced.
     *
     * @param policy the policy
     * @param points the search points
     * @param outcome the decision
     * @param decisionFile {@code OUT/decision.json}
     * @param merged the merged checkpoint's directory, or null when no merge was decided
     * @param sha256 input path to its SHA-256 (base first, then the candidates)
     * @param unitsRun evaluations computed by this run
     * @param unitsReused evaluations read from earlier runs
     * @param seconds wall time
     */
    public record Result(MergePolicy policy, List<SearchSpace.Point> points, MergeDecision.Outcome outcome,
            Path decisionFile, Path merged, Map<Path, String> sha256, int unitsRun, int unitsReused, double seconds) {}

    /** One seed's probe images. */
    private record SeedData(long seed, ProbeSet selection, ProbeSet test, String images) {}

    /**
     * Runs the policy into {@code out}.
     *
     * @param log receives one line per step for people
     * @throws ConfigException for a bad policy, bad inputs or an output directory mergelab did not make
     */
    public static Result run(MergePolicy policy, Path out, Consumer<String> log) throws IOException {
        return run(policy, out, log, Workers.ALONE);
    }

    /**
     * How this process shares the search with others ({@code plan-merge --workers N}).
     *
     * @param unitsOnly run the search's units and stop: no decision, no report, no checkpoint (a worker)
     * @param heartbeatTimeout how long a unit's claim may go without a heartbeat before another process takes it
     *     over (a worker killed outright leaves its claims behind)
     */
    public record Workers(boolean unitsOnly, java.time.Duration heartbeatTimeout) {

        /** One process, the default heartbeat timeout of 180 s (as an experiment's). */
        public static final Workers ALONE = new Workers(false, java.time.Duration.ofSeconds(180));
    }

    /** The directory of the units' claim files, under the output directory. */
    public static final String CLAIMS_DIRECTORY = "claims";

    /**
     * Runs the policy into {@code out}, sharing the units with other processes on the same directory: every unit is
     * claimed ({@link ClaimDirectory}) before it runs, so that several processes (local workers or cluster nodes on
     * a shared filesystem) split the search.
     *
     * @return the result, or null when {@code workers.unitsOnly()}
     */
    public static Result run(MergePolicy policy, Path out, Consumer<String> log, Workers workers) throws IOException {
        long start = System.nanoTime();
        List<SearchSpace.Point> points = SearchSpace.of(policy);
        claim(out, policy);

        FileHashes hashes = FileHashes.fromEnvironment();
        Map<Path, String> sha = new LinkedHashMap<>();
        List<Path> inputs = new ArrayList<>();
        inputs.add(policy.base());
        inputs.addAll(policy.candidates());
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) {
                throw new ConfigException(policy.file() + ": " + p + ": " + (Files.isDirectory(p)
                        ? "is a directory; plan-merge takes checkpoint files (.safetensors)" : "no such file"));
            }
            sha.put(p, hashes.sha256(p));
        }
        Checkpoint base = CheckpointModels.read(policy.base());
        List<Checkpoint> candidates = new ArrayList<>();
        for (Path p : policy.candidates()) {
            candidates.add(CheckpointModels.read(p));
        }
        TrainingRecipe recipe = agreedRecipe(policy, candidates);

        ImageDataset test;
        try {
            test = DatasetSpec.parse(policy.data()).test();
        } catch (IOException e) {
            throw new UncheckedIOException("data '" + policy.data() + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(policy.file() + ": data: " + e.getMessage());
        }
        for (int i = 0; i < candidates.size(); i++) {
            CheckpointModels.requireClasses(candidates.get(i), policy.candidates().get(i).toString(), policy.data(),
                    test.numClasses());
        }
        List<String> cueNames = new ArrayList<>();
        policy.probes().values().forEach(c -> {
            String name = c == null ? "base" : c;
            if (!cueNames.contains(name)) {
                cueNames.add(name);
            }
        });
        List<SeedData> seeds = new ArrayList<>();
        for (long s : policy.seeds()) {
            int[][] ids = subsets(test, policy, s);
            int[] selectionIds = ids[0];
            int[] testIds = ids[1];
            ProbeSet sel = ProbeSet.build(test, selectionIds, cueNames, recipe.cueSeed(), recipe.cues(),
                    recipe.normalization().toNormalization());
            ProbeSet tst = ProbeSet.build(test, testIds, cueNames, recipe.cueSeed(), recipe.cues(),
                    recipe.normalization().toNormalization());
            seeds.add(new SeedData(s, sel, tst, imagesSha(test, selectionIds, testIds)));
        }

        ObjectNode common = JSON.createObjectNode();
        common.put("unit_format", UNIT_FORMAT);
        common.put("engine_onednn_max_cpu_isa", EngineSettings.inEffect().onednnMaxCpuIsa());
        common.put("threads", policy.threads());
        common.put("data", policy.data());
        common.set("probes", JSON.valueToTree(policy.probes()));
        common.put("cue_seed", recipe.cueSeed());
        common.set("cues", JSON.valueToTree(recipe.cues()));
        common.set("normalization", JSON.valueToTree(Map.of("mean", recipe.normalization().mean(), "std",
                recipe.normalization().std())));
        common.put("test_size", policy.testSize());
        common.put("selection_size", policy.selectionSize());

        TorchEngine.useThreads(policy.threads());
        int[] counts = new int[2]; // run, reused
        List<MergeDecision.Accuracies> candidateAccuracies = new ArrayList<>();
        try (ClaimDirectory claims = ClaimDirectory.open(out.resolve(CLAIMS_DIRECTORY), ClaimDirectory.processWorkerId(),
                workers.heartbeatTimeout());
                Network network = CheckpointModels.open(candidates.getFirst(), policy.candidates().getFirst().toString())) {
            // the candidates' evaluations first: which candidate owns which cue decides the Fisher/Gram estimates
            List<List<EvalUnit>> candidateUnits = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                NamedTensors tensors = candidates.get(i).tensors();
                List<EvalUnit> perSeed = new ArrayList<>();
                for (SeedData sd : seeds) {
                    ObjectNode key = common.deepCopy();
                    key.put("kind", "candidate");
                    key.put("model", sha.get(policy.candidates().get(i)));
                    key.put("seed", sd.seed());
                    key.put("images", sd.images());
                    perSeed.add(new EvalUnit(out, key, "candidate " + i + " seed " + sd.seed(), List.of(), counts,
                            () -> evaluate(network, tensors, sd, cueNames)));
                }
                candidateUnits.add(perSeed);
            }
            schedule(candidateUnits.stream().flatMap(List::stream).toList(), claims, log);
            for (int i = 0; i < candidates.size(); i++) {
                candidateAccuracies.add(accuracies(policy, candidateUnits.get(i).stream().map(EvalUnit::result)
                        .toList()));
                log.accept("candidate " + i + " (" + policy.candidates().get(i).getFileName() + "): "
                        + summary(policy, candidateAccuracies.getLast()));
            }
            Map<String, Integer> owners = MergeDecision.owners(policy, candidateAccuracies);

            // then every search point on every seed, after the statistics its method needs
            Map<String, List<StatisticUnit>> statisticUnits = new LinkedHashMap<>();
            NamedTensors baseTensors = base.tensors();
            List<NamedTensors> candidateTensors = candidates.stream().map(Checkpoint::tensors).toList();
            List<List<EvalUnit>> pointUnits = new ArrayList<>();
            // each statistic's tensors, read once, when a merge first needs them (its units have run by then)
            Map<String, List<NamedTensors>> auxTensors = new HashMap<>();
            Function<MergeMethod, List<NamedTensors>> auxOf = m -> !m.needsAuxiliary() ? null
                    : auxTensors.computeIfAbsent(m.auxiliaryInput().recipeKey(), recipeKey -> statisticUnits
                            .get(recipeKey).stream().map(u -> readTensors(u.file())).toList());
            // an unseeded method's merge is made once for all seeds: the point's seeds run one after another, so the
            // last such merge is kept (one model in memory however many points) with its BatchNorm check
            Object[] lastUnseeded = new Object[2]; // point index, its tensors
            String[] invalidUnseeded = new String[points.size()];
            boolean[] checkedUnseeded = new boolean[points.size()];
            for (int index = 0; index < points.size(); index++) {
                int k = index;
                SearchSpace.Point point = points.get(k);
                MergeMethod method = MergeMethods.byName(point.method());
                List<StatisticUnit> stats = method.needsAuxiliary()
                        ? statisticUnits.computeIfAbsent(method.auxiliaryInput().recipeKey(), x -> statisticUnits(
                                policy, out, method.auxiliaryInput(), owners, sha, log)) : List.of();
                List<EvalUnit> perSeed = new ArrayList<>();
                for (SeedData sd : seeds) {
                    long maskSeed = maskSeed(point, sd.seed());
                    ObjectNode key = common.deepCopy();
                    key.put("kind", "merge");
                    key.put("base", sha.get(policy.base()));
                    ArrayNode models = key.putArray("models");
                    policy.candidates().forEach(c -> models.add(sha.get(c)));
                    key.put("method", point.method());
                    key.set("per_model", JSON.valueToTree(point.perModel()));
                    key.set("global", JSON.valueToTree(point.global()));
                    key.put("mask_seed", maskSeed);
                    key.put("seed", sd.seed());
                    key.put("images", sd.images());
                    if (method.needsAuxiliary()) {
                        // the statistics' own keys: they determine the files' content (a unit is deterministic)
                        ArrayNode a = key.putArray("statistics");
                        stats.forEach(u -> a.add(u.key()));
                    }
                    perSeed.add(new EvalUnit(out, key, point.describe() + " seed " + sd.seed(), stats, counts, () -> {
                        NamedTensors merged;
                        if (point.seeded()) {
                            merged = merge(method, point, candidateTensors, baseTensors, auxOf.apply(method), maskSeed);
                        } else {
                            if (!Integer.valueOf(k).equals(lastUnseeded[0])) {
                                lastUnseeded[1] = null; // the previous point's merge, no longer needed
                                lastUnseeded[1] = merge(method, point, candidateTensors, baseTensors, auxOf.apply(method),
                                        maskSeed);
                                lastUnseeded[0] = k;
                                invalidUnseeded[k] = invalidBatchNorm((NamedTensors) lastUnseeded[1]);
                                checkedUnseeded[k] = true;
                            }
                            merged = (NamedTensors) lastUnseeded[1];
                        }
                        return evaluate(network, merged, sd, cueNames);
                    }));
                }
                pointUnits.add(perSeed);
            }
            List<WorkUnit<Void>> searchPlan = new ArrayList<>();
            statisticUnits.values().forEach(searchPlan::addAll);
            pointUnits.forEach(searchPlan::addAll);
            schedule(searchPlan, claims, log);
            Arrays.fill(lastUnseeded, null);
            if (workers.unitsOnly()) {
                return null;
            }
            counts[1] = candidateUnits.stream().mapToInt(List::size).sum()
                    + pointUnits.stream().mapToInt(List::size).sum() - counts[0];
            Map<String, List<Path>> statistics = new LinkedHashMap<>();
            statisticUnits.forEach((k, v) -> statistics.put(k, v.stream().map(StatisticUnit::file).toList()));
            List<Map.Entry<SearchSpace.Point, MergeDecision.Accuracies>> merges = new ArrayList<>();
            for (int k = 0; k < points.size(); k++) {
                SearchSpace.Point point = points.get(k);
                MergeDecision.Accuracies acc = accuracies(policy, pointUnits.get(k).stream().map(EvalUnit::result)
                        .toList());
                merges.add(Map.entry(point, acc));
                // why a merge scores chance: a BatchNorm variance the merge made negative turns every output into NaN.
                // Checked when this process made the merge, else on the merge made again (milliseconds for these
                // networks) when its units were reused or run elsewhere, or the method is seeded (seeds[0]'s mask)
                MergeMethod method = MergeMethods.byName(point.method());
                String invalid = checkedUnseeded[k] ? invalidUnseeded[k] : invalidBatchNorm(merge(method, point,
                        candidateTensors, baseTensors, auxOf.apply(method), maskSeed(point, seeds.getFirst().seed())));
                log.accept(String.format(java.util.Locale.ROOT, "[%d/%d] %s: %s%s", k + 1, points.size(),
                        point.describe(), summary(policy, acc), invalid == null ? "" : "; " + invalid));
            }

            MergeDecision.Outcome outcome;
            try {
                outcome = MergeDecision.decide(policy, candidateAccuracies, merges);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(policy.file() + ": " + e.getMessage());
            }
            Path merged = null;
            Path decisionFile = out.resolve(DECISION_FILE);
            ObjectNode decision = decisionJson(policy, outcome, sha, counts, points, statistics);
            if (outcome.decided()) {
                Path recipeFile = out.resolve(RECIPE_FILE);
                AtomicFiles.writeString(recipeFile, recipeYaml(policy, outcome.chosen().point(),
                        statistics.get(auxKey(outcome.chosen().point()))));
                Map<String, String> extra = new LinkedHashMap<>();
                extra.put("plan_merge_policy", Files.readString(policy.file()));
                extra.put("plan_merge_decision", new ObjectMapper().writeValueAsString(decision));
                RecipeMerge.Outcome written = RecipeMerge.merge(recipeFile, out.resolve(MERGED_DIR), true, log,
                        org.mergelab.merge.StreamingMerge.DEFAULT_MAX_SHARD_BYTES, extra);
                merged = written.directory();
                ObjectNode checkpoint = decision.putObject("checkpoint");
                checkpoint.put("directory", merged.toString());
                ArrayNode files = checkpoint.putArray("files");
                for (Path f : written.merge().files()) {
                    files.addObject().put("file", f.getFileName().toString()).put("sha256",
                            FileHashes.sha256Uncached(f));
                }
            } else {
                Files.deleteIfExists(out.resolve(RECIPE_FILE));
                // an earlier decision's checkpoint must not outlive this policy's refusal
                deleteMerged(out.resolve(MERGED_DIR));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            decision.put("seconds", seconds);
            AtomicFiles.writeString(decisionFile, JSON.writeValueAsString(decision));
            return new Result(policy, points, outcome, decisionFile, merged, sha, counts[0], counts[1], seconds);
        }
    }

    /**
     * Seed {@code seed}'s selection and test subsets: {@code test_size} test images drawn with the seed, and
     * {@code selection_size} drawn from the rest (disjoint), each in ascending order.
     *
     * @return {selection ids, test ids}
     * @throws ConfigException naming the sizes when the test set is too small
     */
    public static int[][] subsets(ImageDataset test, MergePolicy policy, long seed) {
        try {
            int[] testIds = DataContext.testIds(test, policy.testSize(), seed, "test_size of dataset '"
                    + policy.data() + "'");
            int[] selectionIds = DataContext.selectionIds(test, policy.data(), policy.testSize(), seed,
                    policy.selectionSize());
            return new int[][] {selectionIds, testIds};
        } catch (IllegalArgumentException e) {
            throw new ConfigException(policy.file() + ": " + e.getMessage());
        }
    }

    /** The cue settings, cue seed and normalisation all candidates were trained with; they must agree. */
    static TrainingRecipe agreedRecipe(MergePolicy policy, List<Checkpoint> candidates) {
        TrainingRecipe first = null;
        for (int i = 0; i < candidates.size(); i++) {
            String source = policy.candidates().get(i).toString();
            TrainingRecipe r;
            try {
                r = TrainingRecipe.of(candidates.get(i).lineage(), source);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(policy.file() + ": candidates[" + i + "]: " + e.getMessage());
            }
            if (first == null) {
                first = r;
                continue;
            }
            String a = policy.candidates().getFirst().toString();
            if (r.cueSeed() != first.cueSeed()) {
                throw new ConfigException(policy.file() + ": the candidates disagree on the cue seed: " + a + " has "
                        + first.cueSeed() + ", " + source + " has " + r.cueSeed());
            }
            if (!r.cues().equals(first.cues())) {
                throw new ConfigException(policy.file() + ": the candidates disagree on the cue settings: " + a
                        + " has " + first.cues() + ", " + source + " has " + r.cues());
            }
            if (!r.normalization().equals(first.normalization())) {
                throw new ConfigException(policy.file() + ": the candidates disagree on the input normalisation: " + a
                        + " has " + first.normalization() + ", " + source + " has " + r.normalization());
            }
        }
        return first;
    }

    /**
     * Makes {@code out} a plan-merge output (or checks that it is one) without running anything: what
     * {@code plan-merge --workers N} does once before it starts its workers.
     *
     * @throws ConfigException for a directory mergelab did not make, or one holding a candidate
     */
    public static void prepare(Path out, MergePolicy policy) throws IOException {
        claim(out, policy);
    }

    /** Claims {@code out}: new, or empty, or made by an earlier plan-merge (its marker is there). */
    private static void claim(Path out, MergePolicy policy) throws IOException {
        Path marker = out.resolve(MARKER);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException(out + ": exists and is not a directory");
        }
        if (Files.isDirectory(out) && !Files.exists(marker)) {
            try (Stream<Path> entries = Files.list(out)) {
                // another worker of the same plan writing the marker at this moment leaves only its temporary, or
                // the marker itself once renamed after the check above
                if (!entries.allMatch(p -> p.getFileName().toString().equals(MARKER)
                        || AtomicFiles.isTemporaryOf(p, MARKER))) {
                    throw new ConfigException(out + ": is not empty and was not made by mergelab plan-merge (no "
                            + MARKER + "); choose another --out");
                }
            }
        }
        for (Path p : policy.candidates()) {
            if (p.toAbsolutePath().normalize().startsWith(out.toAbsolutePath().normalize())) {
                throw new ConfigException(out + ": holds the candidate " + p + "; choose another --out");
            }
        }
        // the marker before anything else: a worker of the same plan starting at this moment sees a new, an empty or a
        // marked directory, never an unmarked one holding files, which it would refuse
        Files.createDirectories(out);
        if (!Files.exists(marker)) {
            AtomicFiles.writeString(marker, "{\"format\": \"mergelab-plan\", \"format_version\": 1}\n");
        }
        Files.createDirectories(out.resolve("units"));
    }

    /**
     * Runs {@code plan} until every unit is done, by this process or another one sharing the directory; one line per
     * unit this process runs.
     */
    private static void schedule(List<? extends WorkUnit<Void>> plan, ClaimDirectory claims, Consumer<String> log)
            throws IOException {
        SchedulerListener listener = new SchedulerListener() {

            @Override
            public void finished(WorkUnit<?> unit, String summary, java.time.Duration took, String workerId) {
                log.accept(String.format(java.util.Locale.ROOT, "  unit %s: %s (%.1f s)", unit.name(), summary,
                        took.toMillis() / 1e3));
            }

            @Override
            public void tookOver(WorkUnit<?> unit, ClaimInfo previous) {
                log.accept("  unit " + unit.name() + ": taken over from " + previous.describe());
            }
        };
        try {
            UnitScheduler.<Void>builder().setPlan(plan).setClaims(claims).optListener(listener).build().run(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the search's units in " + claims.directory(), e);
        }
    }

    /**
     * One evaluation (a candidate or a search point, on one seed): its counts per probe and subset, published
     * atomically to {@code OUT/units/KEY.json}. A damaged file counts as not done and is computed again.
     */
    private static final class EvalUnit implements WorkUnit<Void> {

        private final Path file;
        private final ObjectNode key;
        private final String hash;
        private final String name;
        private final List<? extends WorkUnit<Void>> dependencies;
        private final int[] counts;
        private final java.util.function.Supplier<Map<String, Map<String, long[]>>> compute;

        EvalUnit(Path out, ObjectNode key, String name, List<? extends WorkUnit<Void>> dependencies, int[] counts,
                java.util.function.Supplier<Map<String, Map<String, long[]>>> compute) {
            this.key = key;
            this.hash = CanonicalJson.sha256(key);
            this.file = out.resolve("units").resolve(hash + ".json");
            this.name = name;
            this.dependencies = List.copyOf(dependencies);
            this.counts = counts;
            this.compute = compute;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String key() {
            return hash;
        }

        @Override
        public List<? extends WorkUnit<Void>> dependencies() {
            return dependencies;
        }

        @Override
        public boolean isDone() {
            return read() != null;
        }

        /** The published result. */
        Map<String, Map<String, long[]>> result() {
            Map<String, Map<String, long[]>> r = read();
            if (r == null) {
                throw new IllegalStateException("unit " + name + ": " + file + " is missing or damaged");
            }
            return r;
        }

        private Map<String, Map<String, long[]>> read() {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(file.toFile());
                if (!hash.equals(node.path("key").asText())) {
                    return null;
                }
                Map<String, Map<String, long[]>> result = new LinkedHashMap<>();
                for (String subset : List.of(MergeDecision.SELECTION, MergeDecision.TEST)) {
                    if (!node.path(subset).isObject()) {
                        return null;
                    }
                    Map<String, long[]> m = new LinkedHashMap<>();
                    node.path(subset).fields().forEachRemaining(e -> m.put(e.getKey(),
                            new long[] {e.getValue().get(0).asLong(), e.getValue().get(1).asLong()}));
                    result.put(subset, m);
                }
                return result;
            } catch (IOException | RuntimeException e) {
                return null; // a damaged unit file is computed again and replaced
            }
        }

        @Override
        public String run(Void context, UnitProgress progress) {
            Map<String, Map<String, long[]>> result = compute.get();
            if (progress.lost()) {
                return "taken over; not published";
            }
            ObjectNode node = JSON.createObjectNode();
            node.put("format", "mergelab-plan-unit");
            node.put("format_version", UNIT_FORMAT);
            node.put("key", hash);
            node.put("name", name);
            node.set("inputs", key);
            for (Map.Entry<String, Map<String, long[]>> s : result.entrySet()) {
                ObjectNode sub = node.putObject(s.getKey());
                s.getValue().forEach((probe, c) -> sub.putArray(probe).add(c[0]).add(c[1]));
            }
            try {
                AtomicFiles.writeString(file, JSON.writeValueAsString(node));
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
            }
            counts[0]++;
            List<String> parts = new ArrayList<>();
            result.getOrDefault(MergeDecision.SELECTION, Map.of()).forEach((probe, c) -> parts.add(String.format(
                    java.util.Locale.ROOT, "%s %.4f", probe, c[0] / (double) c[1])));
            return "selection " + String.join(", ", parts);
        }
    }

    /** One candidate's Fisher diagonal or input Gram matrices: a safetensors file under {@code OUT/statistics}. */
    private record StatisticUnit(String name, String key, Path file, Runnable compute) implements WorkUnit<Void> {

        @Override
        public List<? extends WorkUnit<Void>> dependencies() {
            return List.of();
        }

        @Override
        public boolean isDone() {
            return Files.isRegularFile(file);
        }

        @Override
        public String run(Void context, UnitProgress progress) {
            compute.run();
            return "written " + file.getFileName();
        }
    }

    /**
     * Why a merged network cannot compute, or null: a BatchNorm running variance ({@code *running_var}) with negative
     * entries, which task arithmetic and TIES-like sums of task vectors can produce (θ1 + θ2 − θ0 of a variance is
     * not a variance). The square root of a negative variance is NaN, and so is every output: such a merge scores
     * the share of the class predicted for NaN, i.e. chance.
     */
    static String invalidBatchNorm(NamedTensors merged) {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : merged) {
            if (!e.getKey().endsWith("running_var")) {
                continue;
            }
            float[] v = e.getValue().toFloats();
            long negative = 0;
            for (float x : v) {
                negative += x < 0 ? 1 : 0;
            }
            if (negative > 0) {
                bad.add(e.getKey() + " (" + negative + " of " + v.length + ")");
            }
        }
        if (bad.isEmpty()) {
            return null;
        }
        String named = bad.size() <= 3 ? String.join(", ", bad)
                : String.join(", ", bad.subList(0, 3)) + " and " + (bad.size() - 3) + " more BatchNorm layers";
        return "invalid merge: negative BatchNorm variance in " + named + "; the network outputs NaN";
    }

    /** Correct and total per cue name, per subset. */
    private static Map<String, Map<String, long[]>> evaluate(Network network, NamedTensors tensors, SeedData sd,
            List<String> cueNames) {
        network.load(tensors);
        Map<String, Map<String, long[]>> out = new LinkedHashMap<>();
        for (String subset : List.of(MergeDecision.SELECTION, MergeDecision.TEST)) {
            ProbeSet set = subset.equals(MergeDecision.SELECTION) ? sd.selection() : sd.test();
            Map<String, long[]> m = new LinkedHashMap<>();
            for (Map.Entry<String, Probes.Count> e : Probes.evaluate(network, set).entrySet()) {
                m.put(e.getKey(), new long[] {e.getValue().correct(), e.getValue().total()});
            }
            out.put(subset, m);
        }
        return out;
    }

    /** Per policy probe, per-seed accuracies on both subsets. */
    private static MergeDecision.Accuracies accuracies(MergePolicy policy, List<Map<String, Map<String, long[]>>> perSeed) {
        Map<String, double[]> selection = new LinkedHashMap<>();
        Map<String, double[]> test = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : policy.probes().entrySet()) {
            String cue = p.getValue() == null ? "base" : p.getValue();
            double[] sel = new double[perSeed.size()];
            double[] tst = new double[perSeed.size()];
            for (int s = 0; s < perSeed.size(); s++) {
                long[] a = Objects.requireNonNull(perSeed.get(s).get(MergeDecision.SELECTION).get(cue), cue);
                long[] b = Objects.requireNonNull(perSeed.get(s).get(MergeDecision.TEST).get(cue), cue);
                sel[s] = a[0] / (double) a[1];
                tst[s] = b[0] / (double) b[1];
            }
            selection.put(p.getKey(), sel);
            test.put(p.getKey(), tst);
        }
        return new MergeDecision.Accuracies(selection, test);
    }

    private static String summary(MergePolicy policy, MergeDecision.Accuracies a) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, double[]> e : a.selection().entrySet()) {
            double sum = 0;
            for (double v : e.getValue()) {
                sum += v;
            }
            parts.add(String.format(java.util.Locale.ROOT, "%s %.4f", e.getKey(), sum / e.getValue().length));
        }
        return "selection " + String.join(", ", parts);
    }

    /**
     * Each candidate's Fisher diagonal or input Gram matrices, estimated on the training split of the policy's data
     * with the cue of the first probe the candidate owns (its own task), or no cue when it owns none; {@code samples}
     * images drawn with the policy's first seed. Reused when the file for the same inputs exists.
     */
    private static List<StatisticUnit> statisticUnits(MergePolicy policy, Path out, AuxiliaryInput input,
            Map<String, Integer> owners, Map<Path, String> sha, Consumer<String> log) {
        DataStatisticsRun.Statistic statistic = input == AuxiliaryInput.FISHER_DIAGONAL
                ? DataStatisticsRun.Statistic.FISHER_DIAGONAL : DataStatisticsRun.Statistic.INPUT_GRAM;
        List<StatisticUnit> units = new ArrayList<>();
        for (int i = 0; i < policy.candidates().size(); i++) {
            Path candidate = policy.candidates().get(i);
            String cue = "none";
            for (Map.Entry<String, Integer> o : owners.entrySet()) {
                if (o.getValue() == i) {
                    cue = policy.probes().get(o.getKey());
                    break;
                }
            }
            long seed = policy.seeds().getFirst();
            ObjectNode key = JSON.createObjectNode();
            key.put("statistic", input.recipeKey());
            key.put("model", sha.get(candidate));
            key.put("data", policy.data());
            key.put("cue", cue);
            key.put("samples", policy.samples());
            key.put("seed", seed);
            key.put("engine_onednn_max_cpu_isa", EngineSettings.inEffect().onednnMaxCpuIsa());
            key.put("threads", policy.threads());
            String hash = CanonicalJson.sha256(key);
            Path file = out.resolve("statistics").resolve("candidate" + i + "-" + input.recipeKey() + "-"
                    + hash.substring(0, 16) + ".safetensors");
            int index = i;
            String cueOfCandidate = cue;
            units.add(new StatisticUnit("candidate " + index + " " + input.recipeKey(), hash, file, () -> {
                try {
                    Files.createDirectories(file.getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException(file.getParent() + ": cannot create: " + e.getMessage(), e);
                }
                log.accept("estimating candidate " + index + "'s " + input.recipeKey() + " statistic on the training"
                        + " split of " + policy.data() + " (cue " + cueOfCandidate + ", " + policy.samples()
                        + " images)");
                DataStatisticsRun.run(statistic, candidate, policy.data(), cueOfCandidate, policy.samples(), seed,
                        policy.threads(), file);
            }));
        }
        return units;
    }

    private static String auxKey(SearchSpace.Point point) {
        MergeMethod m = MergeMethods.byName(point.method());
        return m.needsAuxiliary() ? m.auxiliaryInput().recipeKey() : null;
    }

    private static NamedTensors readTensors(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The mask seed of a seeded method on policy seed {@code seed}: the {@code random_seed} of its recipe. */
    public static long maskSeed(SearchSpace.Point point, long seed) {
        return point.seeded() ? Seeds.derive(seed, "plan-merge-mask") : 0L;
    }

    /** The merge as {@code mergelab merge} computes it from the recipe {@link #recipeYaml} writes (bit for bit). */
    public static NamedTensors merge(MergeMethod method, SearchSpace.Point point, List<NamedTensors> candidates,
            NamedTensors base, List<NamedTensors> aux, long maskSeed) {
        List<Map<String, Double>> perModel = point.perModel();
        if (method.recipeBaseIsFirstModel()) {
            perModel = List.of(); // slerp: no per-model parameters; t is global
        }
        return InMemoryMerge.merge(method, candidates, method.acceptsBaseModel() ? base : null, aux, perModel,
                point.global(), maskSeed);
    }

    /** The mergekit-style recipe of a point, with absolute paths. */
    static String recipeYaml(MergePolicy policy, SearchSpace.Point point, List<Path> auxFiles) {
        MergeMethod method = MergeMethods.byName(point.method());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("merge_method", method.name());
        List<Path> models = policy.candidates();
        if (method.recipeBaseIsFirstModel()) {
            root.put("base_model", abs(models.get(0)));
            models = models.subList(1, models.size());
        } else if (method.acceptsBaseModel()) {
            root.put("base_model", abs(policy.base()));
        }
        List<Map<String, Object>> list = new ArrayList<>();
        int offset = method.recipeBaseIsFirstModel() ? 1 : 0;
        for (int i = 0; i < models.size(); i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", abs(models.get(i)));
            Map<String, Object> params = new LinkedHashMap<>();
            if (!method.recipeBaseIsFirstModel() && !point.perModel().isEmpty()) {
                params.putAll(point.perModel().get(i + offset));
            }
            if (auxFiles != null) {
                params.put(method.auxiliaryInput().recipeKey(), abs(auxFiles.get(i + offset)));
            }
            if (!params.isEmpty()) {
                entry.put("parameters", params);
            }
            list.add(entry);
        }
        root.put("models", list);
        if (!point.global().isEmpty()) {
            root.put("parameters", new LinkedHashMap<>(point.global()));
        }
        if (point.seeded()) {
            root.put("random_seed", maskSeed(point, policy.seeds().getFirst()));
        }
        return "# the merge chosen by mergelab plan-merge " + policy.file() + "\n" + ConfigReader.toYaml(root);
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static ObjectNode decisionJson(MergePolicy policy, MergeDecision.Outcome o, Map<Path, String> sha,
            int[] counts, List<SearchSpace.Point> points, Map<String, List<Path>> statistics) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "mergelab-plan-decision");
        root.put("format_version", 1);
        ObjectNode pol = root.putObject("policy");
        pol.put("file", abs(policy.file()));
        pol.put("sha256", FileHashes.sha256Uncached(policy.file()));
        pol.set("content", ConfigReader.readTree(policy.file()));
        ObjectNode in = root.putObject("inputs");
        in.putObject("base").put("path", abs(policy.base())).put("sha256", sha.get(policy.base()));
        ArrayNode cands = in.putArray("candidates");
        for (Path c : policy.candidates()) {
            cands.addObject().put("path", abs(c)).put("sha256", sha.get(c));
        }
        if (!statistics.isEmpty()) {
            ObjectNode st = in.putObject("statistics");
            for (Map.Entry<String, List<Path>> e : statistics.entrySet()) {
                ArrayNode a = st.putArray(e.getKey());
                for (Path f : e.getValue()) {
                    a.addObject().put("path", abs(f)).put("sha256", FileHashes.sha256Uncached(f));
                }
            }
        }
        root.put("data", policy.data());
        ArrayNode seeds = root.putArray("seeds");
        policy.seeds().forEach(seeds::add);
        root.put("test_size", policy.testSize());
        root.put("selection_size", policy.selectionSize());
        root.put("engine_onednn_max_cpu_isa", EngineSettings.inEffect().onednnMaxCpuIsa());
        root.put("decided", o.decided());
        ObjectNode owners = root.putObject("retention_measured_against");
        o.owners().forEach((probe, i) -> owners.put(probe, abs(policy.candidates().get(i))));
        ArrayNode rules = root.putArray("rules");
        for (MergePolicy.Rule r : policy.mustKeep()) {
            ObjectNode n = rules.addObject();
            n.put("rule", r.describe());
            n.put("probe", r.probe());
            n.put(r.bound().key(), r.threshold());
            if (o.chosen() != null) {
                n.set("chosen_selection", JSON.valueToTree(o.chosen().selection().get(MergeDecision.figure(r))));
                n.set("chosen_test", JSON.valueToTree(o.chosen().test().get(MergeDecision.figure(r))));
            }
        }
        root.put("prefer", MergeDecision.preferred(policy));
        root.set("chosen", o.chosen() == null ? null : evaluated(o.chosen(), policy));
        root.set("runner_up", o.runnerUp() == null ? null : evaluated(o.runnerUp(), policy));
        ArrayNode binding = root.putArray("binding");
        for (MergeDecision.Binding b : o.binding()) {
            ObjectNode n = binding.addObject();
            n.put("rule", b.rule().describe());
            n.put("subset", b.subset());
            n.put("value", b.value());
            n.put("best", b.best());
            n.put("best_merge", b.bestPoint());
            n.put("message", b.describe());
        }
        ArrayNode all = root.putArray("evaluated");
        o.evaluated().forEach(e -> all.add(evaluated(e, policy)));
        ArrayNode cs = root.putArray("candidates_figures");
        o.candidates().forEach(e -> cs.add(evaluated(e, policy)));
        root.put("satisfying", o.satisfying().size());
        root.put("search_points", points.size());
        root.put("units_run", counts[0]);
        root.put("units_reused", counts[1]);
        return root;
    }

    private static ObjectNode evaluated(MergeDecision.Evaluated e, MergePolicy policy) {
        ObjectNode n = JSON.createObjectNode();
        n.put("method", e.point().method());
        n.put("coefficient", e.point().coefficient());
        n.set("per_model", JSON.valueToTree(e.point().perModel()));
        n.set("global", JSON.valueToTree(e.point().global()));
        if (e.point().seeded()) {
            n.put("checkpoint_mask_seed", maskSeed(e.point(), policy.seeds().getFirst()));
        }
        n.set("selection", JSON.valueToTree(e.selection()));
        n.set("test", JSON.valueToTree(e.test()));
        return n;
    }

    private static void deleteMerged(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (!Files.exists(dir.resolve(RecipeMerge.LINEAGE_FILE_NAME))) {
            return; // not ours to delete
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String imagesSha(ImageDataset test, int[] selection, int[] testIds) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (int[] ids : List.of(selection, testIds)) {
                for (int id : ids) {
                    d.update(test.pixels(), test.imageOffset(id), ImageDataset.IMAGE_BYTES);
                    int l = test.label(id);
                    d.update(new byte[] {(byte) (l >>> 24), (byte) (l >>> 16), (byte) (l >>> 8), (byte) l});
                }
                d.update((byte) 0xFF);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
