package org.mergelab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.plan.MergeDecision;
import org.mergelab.plan.MergePlanner;
import org.mergelab.plan.MergePolicy;
import org.mergelab.report.PlanReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mergelab plan-merge POLICY.yaml --out DIR}: decides a merge under must-keep rules ({@link MergePolicy}),
 * writes the merged checkpoint, {@code decision.json} and report.html. Exit 0: a merge satisfies every rule; exit 3:
 * none does (the binding rule is printed and the report written); 1: an error; 2: bad usage.
 */
@Command(
        name = "plan-merge",
        mixinStandardHelpOptions = true,
        description = {
            "Decide a merge before deploying it: search merge methods and coefficients on a selection subset, keep",
            "the merges that satisfy every must_keep rule, pick the best by the policy's preference, confirm it on a",
            "disjoint test subset (SE over the policy's seeds), and write the merged checkpoint (lineage with the",
            "policy and the decision), DIR/decision.json and DIR/report.html. The search's evaluations are units",
            "under DIR/units: a killed search resumes, and another policy over the same candidates and data in the",
            "same DIR reuses them. --workers N splits the search over N processes (units are claimed as `run`'s).",
            "Exit codes: 0 a merge was decided; 3 no merge satisfies the rules (the binding rule and the best value",
            "any merge reached are printed, and the report is written); 1 error; 2 usage error.",
            "",
            "Example:  mergelab plan-merge examples/plan-merge-fashion-mnist.yaml --out runs/plan"
        })
final class PlanMergeCommand implements Callable<Integer> {

    /** The exit code when no merge satisfies the rules. */
    static final int NO_MERGE_SATISFIES = 3;

    @Parameters(index = "0", paramLabel = "POLICY", description = "The policy (YAML).")
    Path policyFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", converter = OutputPathConverter.class,
            description = "Output directory (created; an earlier plan-merge output is reused and updated).")
    Path out;

    @Option(names = "--workers", paramLabel = "N", description = {"Run the search on N worker processes on this"
            + " machine, then decide (default 1: this process). Processes elsewhere (cluster nodes on a shared"
            + " filesystem) may join with --units-only on the same DIR."})
    Integer workers;

    @Option(names = "--units-only", description = {"Run the search's units (claimed, shared with every other process"
            + " on DIR) and stop: no decision, report or checkpoint. What each worker runs."})
    boolean unitsOnly;

    @Option(names = "--heartbeat-timeout", paramLabel = "SECONDS", description = {"How long a unit's claim may go"
            + " without a heartbeat before another process takes the unit over (default: 180; a process killed"
            + " outright leaves its claims behind)."})
    double heartbeatTimeoutSeconds = 180;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (workers != null && workers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers: " + workers + " is below 1");
        }
        if (!(heartbeatTimeoutSeconds >= 0.5 && heartbeatTimeoutSeconds <= 86_400)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--heartbeat-timeout: "
                    + heartbeatTimeoutSeconds + " is outside [0.5, 86400] seconds");
        }
        MergePolicy policy = MergePolicy.read(policyFile);
        MergePlanner.Workers sharing = new MergePlanner.Workers(unitsOnly,
                java.time.Duration.ofMillis(Math.round(heartbeatTimeoutSeconds * 1000)));
        if (workers != null && workers > 1 && !unitsOnly) {
            MergePlanner.prepare(out, policy);
            stdout.printf("starting %d workers on %s%n", workers, out);
            stdout.flush();
            int code = LocalWorkers.run(workers, java.util.List.of("plan-merge", policyFile.toString(), "--out",
                    out.toString(), "--units-only", "--heartbeat-timeout", Double.toString(heartbeatTimeoutSeconds)),
                    out, System.out);
            if (code != 0) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("mergelab: error: a worker failed (exit code " + code + "); finished units are kept: the"
                        + " same command resumes");
                err.flush();
                return code;
            }
        }
        java.util.function.Consumer<String> log = line -> {
            stdout.println(line);
            stdout.flush();
        };
        MergePlanner.Result result = MergePlanner.run(policy, out, log, sharing);
        if (unitsOnly) {
            stdout.println("units done in " + out.resolve("units") + "; decide with the same command without"
                    + " --units-only");
            stdout.flush();
            return 0;
        }
        Path report = PlanReport.write(out, result);
        MergeDecision.Outcome o = result.outcome();
        stdout.println(PlanReport.sentence(result));
        stdout.printf("decision: %s; report: %s%s%n", result.decisionFile(), report,
                result.merged() == null ? "" : "; merged checkpoint: " + result.merged());
        stdout.flush();
        if (!o.decided()) {
            PrintWriter err = spec.commandLine().getErr();
            for (MergeDecision.Binding b : o.binding()) {
                err.println("mergelab: no merge decided: " + b.describe());
            }
            err.flush();
            return NO_MERGE_SATISFIES;
        }
        return 0;
    }
}
