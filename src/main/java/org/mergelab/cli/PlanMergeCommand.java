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
            "same DIR reuses them.",
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

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        MergePolicy policy = MergePolicy.read(policyFile);
        MergePlanner.Result result = MergePlanner.run(policy, out, line -> {
            stdout.println(line);
            stdout.flush();
        });
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
