package org.mergelab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mergelab.checkpoint.AtomicFiles;
import org.mergelab.checkpoint.OutputDirectory;
import org.mergelab.checkpoint.OutputKind;
import org.mergelab.engine.TorchEngine;
import org.mergelab.eval.KnowledgeLocation;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.MethodStudy;
import org.mergelab.eval.PathBarriers;
import org.mergelab.eval.PathRow;
import org.mergelab.eval.ProbeAccuracy;
import org.mergelab.eval.ProtocolFigures;
import org.mergelab.eval.ResultRow;
import org.mergelab.eval.SequenceRow;
import org.mergelab.eval.SequenceStudy;
import org.mergelab.eval.Summary;
import org.mergelab.eval.SwapRow;
import org.mergelab.work.ClaimDirectory;
import org.mergelab.work.ClaimInfo;
import org.mergelab.work.UnitScheduler;
import org.mergelab.work.WorkerPresence;

/**
 * Runs the cue protocol of PROTOCOL.md in an output directory: plans its units ({@link ExperimentPlan}), runs
 * the pending ones with a {@link UnitScheduler}, then writes {@code results.csv} and {@code summary.json} from
 * every unit's output. A unit whose output exists with the same key is reused; a run killed at any moment and
 * started again finishes with the same results, redoing only unfinished units.
 *
 * <p>Several runners (processes, on one machine or on many that share the directory) may work on one output
 * directory at once: each claims a ready unit in {@code claims/}, keeps the claim alive while it works, and takes
 * over a claim whose holder has not beaten for {@code heartbeat_timeout_seconds}. Every unit runs once, and each
 * runner, once every unit is done, writes the same {@code results.csv} and {@code summary.json} (atomically), so
 * the results are byte-identical to those of a single process.
 */
public final class ExperimentRunner {

    /** Name of the resolved config in the output directory. */
    public static final String CONFIG_FILE = ExperimentDirectory.CONFIG_FILE;

    /** Results table. */
    public static final String RESULTS_FILE = "results.csv";

    /** The method study's table (only with {@code merges:}). */
    public static final String MERGES_FILE = "merges.csv";

    /** The longer sequences' probe accuracies (only with {@code sequences:}). */
    public static final String SEQUENCE_FILE = "sequence.csv";

    /** Figures of merit. */
    public static final String SUMMARY_FILE = "summary.json";

    /** The directory of unit claims inside the output directory. */
    public static final String CLAIMS_DIRECTORY = "claims";

    private final ExperimentConfig config;
    private final ExperimentDirectory directory;
    private final Path out;
    private final ExperimentProgress progress;
    private DataContext data;

    private ExperimentRunner(ExperimentConfig config, OutputDirectory output, ExperimentProgress progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.directory = new ExperimentDirectory(Objects.requireNonNull(output, "output"), config);
        this.out = output.path();
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
     * every other file in the directory is left. It refuses to do so while live workers hold claims there.
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

    /**
     * What a run produced.
     *
     * @param unitsRun units this process ran
     * @param unitsReused units done before this process started
     * @param unitsByOthers units other workers finished while this one ran
     * @param sequences the figures of the longer sequences, or null when the experiment has none
     */
    public record Outcome(Path directory, List<ResultRow> rows, Summary summary, int unitsRun, int unitsReused, int unitsByOthers,
            double wallSeconds, SequenceStudy.Result sequences) {}

    /** A planned unit and whether its output already exists. */
    public record PlannedUnit(ExperimentUnit unit, boolean done, double estimatedSeconds) {}

    // ------------------------------------------------------------------ planning

    private DataContext data() {
        if (data == null) {
            data = DataContext.load(config.dataset());
        }
        return data;
    }

    /** The units of this experiment in execution order, with their status and time estimate. */
    public List<PlannedUnit> plan() {
        directory.holdsAnotherConfig();
        return ExperimentPlan.units(config, out, data()).stream()
                .map(u -> new PlannedUnit(u, u.isDone(), estimateSeconds(u)))
                .toList();
    }

    /**
     * Seconds for a unit, from a throughput model of the network fitted on this project's reference
     * machine (2 cores): seconds per training image = 3.2e-4 + 4.75e-7 * depth * width^2 (ResNet-8 at
     * width 8: about 1,800 images/s; ResNet-20 at width 16: about 360), scaled by 2 / threads;
     * inference costs a third of that. An estimate, not a promise.
     */
    private double estimateSeconds(ExperimentUnit u) {
        double perImage = (3.2e-4 + 4.75e-7 * config.model().depth() * config.model().width() * config.model().width())
                * 2.0 / config.threads();
        return u.trainImages() * perImage + u.evalImages() * perImage / 3.0 + 0.5;
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs every pending unit (together with any other worker of the directory), then writes {@code results.csv}
     * and {@code summary.json}.
     *
     * @throws IllegalStateException when the directory holds another config (without {@code --force}), or when
     *     {@code --force} would delete outputs while live workers hold claims there
     */
    public Outcome run() {
        long start = System.nanoTime();
        List<PlannedUnit> plan = plan();
        List<ExperimentUnit> all = plan.stream().map(PlannedUnit::unit).toList();
        String worker = ClaimDirectory.processWorkerId();
        try (ClaimDirectory claims = openClaims(worker); WorkerPresence presence = enter()) {
            prepare(claims, presence, all);
            List<ExperimentUnit> pending = plan.stream().filter(p -> !p.done()).map(PlannedUnit::unit).toList();
            progress.planned(all, pending, plan.stream().filter(p -> !p.done()).mapToDouble(PlannedUnit::estimatedSeconds).sum());
            directory.log("start: " + pending.size() + " of " + all.size() + " units to run (" + (all.size() - pending.size())
                    + " reused) [worker " + worker + "]");
            TorchEngine.useThreads(config.threads());
            UnitContext context = new UnitContext(config, out, progress, data());
            UnitScheduler.Outcome scheduled;
            try {
                scheduled = UnitScheduler.<UnitContext>builder()
                        .setPlan(all)
                        .setClaims(claims)
                        .optListener(new UnitEvents(directory, progress, worker, pending.size(), config.heartbeatTimeoutSeconds()))
                        .build()
                        .run(context);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running units in " + out, e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot claim units in " + out + ": " + e.getMessage(), e);
            }
            Outcome outcome = report(all, start, scheduled.ran().size(), all.size() - pending.size(), scheduled.doneByOthers().size());
            if (outcome.unitsByOthers() > 0) {
                directory.log("worker " + worker + ": " + outcome.unitsByOthers() + " units were run by other workers meanwhile");
            }
            directory.log(String.format("finished: %d units run, %d reused, %.1f s", outcome.unitsRun(), outcome.unitsReused(),
                    outcome.wallSeconds()));
            return outcome;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the claims in " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks and prepares the output directory without running any unit: what {@code run --workers N} does once,
     * before it starts its workers, so that a {@code --force} replacement happens before any of them claims a unit.
     *
     * @throws IllegalStateException as {@link #run()}
     */
    public void prepare() {
        List<ExperimentUnit> all = ExperimentPlan.units(config, out, data());
        try (ClaimDirectory claims = openClaims(ClaimDirectory.processWorkerId()); WorkerPresence presence = enter()) {
            prepare(claims, presence, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the claims directory of " + out + ": " + e.getMessage(), e);
        }
    }

    /** Makes the marked directory (see {@link ExperimentDirectory#create}), then opens its claims. */
    private ClaimDirectory openClaims(String worker) {
        try {
            directory.create();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
        try {
            return ClaimDirectory.open(out.resolve(CLAIMS_DIRECTORY), worker, config.heartbeatTimeout());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the claims directory of " + out + ": " + e.getMessage(), e);
        }
    }

    private WorkerPresence enter() {
        try {
            return WorkerPresence.enter(out.resolve(CLAIMS_DIRECTORY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + out.resolve(CLAIMS_DIRECTORY).resolve(WorkerPresence.LOCK_FILE) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks the directory's config and prepares the directory, then lets other workers in: temporaries are removed
     * only by a worker that entered alone while no live claim is held, so never one that another worker is writing.
     */
    private void prepare(ClaimDirectory claims, WorkerPresence presence, List<ExperimentUnit> all) {
        boolean replacing = directory.holdsAnotherConfig();
        List<ClaimInfo> live;
        try {
            live = claims.live().stream().filter(c -> !c.workerId().equals(claims.workerId())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the claims in " + out + ": " + e.getMessage(), e);
        }
        if (replacing && !live.isEmpty()) {
            throw new IllegalStateException(out + ": --force would delete outputs of the previous config while " + live.size()
                    + " live worker claim(s) are held there (" + live.get(0).describe() + (live.size() > 1 ? ", ..." : "")
                    + "); stop those workers, or wait until their claims have had no heartbeat for "
                    + config.heartbeatTimeoutSeconds() + " s");
        }
        if (replacing && !presence.alone()) {
            throw new IllegalStateException(out + ": --force would delete outputs of the previous config while another "
                    + "mergelab worker is running there; stop it first");
        }
        try {
            directory.prepare(replacing, all, !live.isEmpty() || !presence.alone());
            presence.share();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + out + ": " + e.getMessage(), e);
        }
    }

    /** Reads every unit's output and writes {@code results.csv} and {@code summary.json} atomically. */
    private Outcome report(List<ExperimentUnit> all, long start, int run, int reused, int byOthers) {
        List<ResultRow> rows = new ArrayList<>();
        List<ProbeAccuracy> pretrained = new ArrayList<>();
        List<MergeRow> mergeRows = new ArrayList<>();
        List<PathBarriers.Path> paths = new ArrayList<>();
        List<SwapRow> swapRows = new ArrayList<>();
        List<SequenceRow> sequenceRows = new ArrayList<>();
        for (ExperimentUnit u : all) {
            switch (u) {
                case InterpolationUnit m -> {
                    List<PathRow> path = m.pathRows();
                    path.forEach(r -> rows.add(r.resultRow()));
                    paths.add(new PathBarriers.Path(m.protocol(), m.regime(), m.bnPolicy(), path));
                }
                case ProbeUnit p -> pretrained.addAll(p.accuracies());
                case EndpointUnit e -> mergeRows.addAll(e.rows());
                case MergeUnit m -> mergeRows.addAll(m.rows());
                case TrainingUnit t -> { } // its checkpoint is read by the units that depend on it
                case StatisticUnit t -> { } // read by the merge units that depend on it
                case SwapUnit w -> swapRows.addAll(w.rows());
                case SequenceUnit q -> sequenceRows.addAll(q.rows());
            }
        }
        rows.sort(ResultsCsv.ORDER);
        Summary summary = ProtocolFigures.compute(rows, pretrained, config.protocolDefinitions());
        MethodStudy.Result study = mergeRows.isEmpty() ? null
                : MethodStudy.compute(mergeRows, pretrained, config.protocolDefinitions());
        SequenceStudy.Result sequences = sequenceRows.isEmpty() ? null
                : SequenceStudy.compute(sequenceRows, pretrained, config.sequences());
        try {
            AtomicFiles.writeString(out.resolve(RESULTS_FILE), ResultsCsv.format(rows));
            if (study != null) {
                AtomicFiles.writeString(out.resolve(MERGES_FILE), MergesCsv.format(mergeRows));
            }
            if (sequences != null) {
                AtomicFiles.writeString(out.resolve(SEQUENCE_FILE), SequenceCsv.format(sequenceRows));
            }
            String swapProtocol = ExperimentPlan.swapProtocol(config);
            List<KnowledgeLocation.GroupRetention> swaps = swapProtocol == null ? List.of()
                    : KnowledgeLocation.compute(swapRows, config.protocolDefinitions().stream()
                            .filter(p -> p.name().equals(swapProtocol)).findFirst().orElseThrow());
            AtomicFiles.writeString(out.resolve(SUMMARY_FILE), SummaryJson.write(summary, config, pretrained,
                    PathBarriers.ofPaths(paths), swaps, ExperimentForensics.compute(all), study, sequences));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results in " + out + ": " + e.getMessage(), e);
        }
        return new Outcome(out, rows, summary, run, reused, byOthers, (System.nanoTime() - start) / 1e9, sequences);
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
