package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mergelab.eval.Statistic;
import org.mergelab.eval.Summary;

/**
 * The tables of a report: the findings, and every figure of merit with its standard error
 * (PROTOCOL.md, "Figures of merit"). With several runs each table gains a leading "run" column.
 */
final class FigureTables {

    private FigureTables() {}

    /** One run as it appears in a table: its label (empty for a single-run report) and its data. */
    record Labelled(String label, RunData run) {}

    private static List<String> withRun(boolean multi, List<String> headers) {
        List<String> h = new ArrayList<>();
        if (multi) {
            h.add("run");
        }
        h.addAll(headers);
        return h;
    }

    private static List<String> row(boolean multi, Labelled l, String... cells) {
        List<String> r = new ArrayList<>();
        if (multi) {
            r.add(escape(l.label()));
        }
        r.addAll(List.of(cells));
        return r;
    }

    private static List<String> classes(boolean multi, String... cls) {
        List<String> c = new ArrayList<>();
        if (multi) {
            c.add("");
        }
        c.addAll(List.of(cls));
        return c;
    }

    /** The three findings per BN policy: number, name, BN policy, held / not held mark, statement. */
    static String findings(List<Labelled> runs) {
        boolean multi = runs.size() > 1;
        List<List<String>> rows = new ArrayList<>();
        for (Labelled l : runs) {
            for (Summary.Finding f : l.run().summary().findings()) {
                rows.add(row(multi, l, escape(f.label() == null ? Integer.toString(f.number()) : f.label()), escape(f.name()), escape(f.bnPolicy().yamlName()),
                        ReportPage.mark(f.status()), escape(f.statement())));
            }
        }
        if (rows.isEmpty()) {
            return "<p>No findings in this summary.</p>\n";
        }
        return ReportPage.table(withRun(multi, List.of("#", "finding", "BN policy", "on this run", "numbers")), rows,
                classes(multi, "num", "", "", "", "statement"));
    }

    /** Every figure of merit, in four tables. */
    static String figuresOfMerit(List<Labelled> runs) {
        boolean multi = runs.size() > 1;
        StringBuilder sb = new StringBuilder();
        sb.append("<p>Mean ± standard error over seeds (per-seed first, PROTOCOL.md); “± n/a” below 3 seeds; "
                + "“undefined” where no seed defines the figure.</p>\n");

        sb.append("<h3>Pre-trained model θ0</h3>\n");
        List<List<String>> pre = new ArrayList<>();
        for (Labelled l : runs) {
            for (Map.Entry<String, Statistic> e : l.run().summary().pretrained().entrySet()) {
                pre.add(row(multi, l, escape(e.getKey()), Formats.stat(e.getValue())));
            }
        }
        sb.append(pre.isEmpty() ? "<p>n/a: no pre-trained accuracies in this summary.</p>\n"
                : ReportPage.table(withRun(multi, List.of("probe", "accuracy")), pre, classes(multi, "", "num")));

        sb.append("<h3>Cues: endpoint advantages, midpoint retention, half-life</h3>\n");
        List<List<String>> cues = new ArrayList<>();
        for (Labelled l : runs) {
            Summary s = l.run().summary();
            for (Summary.CueFigures c : s.cues()) {
                String halfLife = Formats.stat(c.halfLife());
                List<String> notes = new ArrayList<>();
                if (c.halfLifeNone() > 0) {
                    notes.add("none in " + Formats.seeds(c.halfLifeNone()));
                }
                if (c.retentionUndefined() > 0) {
                    notes.add("undefined in " + Formats.seeds(c.retentionUndefined()));
                }
                if (!notes.isEmpty()) {
                    halfLife += " (" + String.join("; ", notes) + ")";
                }
                cues.add(row(multi, l, escape(c.protocol()), escape(c.regime().yamlName()), escape(c.bnPolicy().yamlName()), escape(c.cue()),
                        escape(Double.toString(c.referenceAlpha())),
                        Formats.signedStat(Formats.at(s.alphas(), c.advantage(), 0.0)),
                        Formats.signedStat(Formats.at(s.alphas(), c.advantage(), 1.0)),
                        Formats.stat(Formats.at(s.alphas(), c.retention(), 0.5)),
                        escape(halfLife)));
            }
        }
        sb.append(cues.isEmpty() ? "<p>n/a: no cue figures in this summary.</p>\n"
                : ReportPage.table(withRun(multi, List.of("protocol", "regime", "BN", "cue", "α<sub>c</sub>", "adv(α=0)",
                        "adv(α=1)", "retention R(0.5)", "half-life")), cues,
                        classes(multi, "", "", "", "", "num", "num", "num", "num", "num")));

        sb.append("<h3>Incremental minus parallel (mean over α of acc<sub>inc</sub> − acc<sub>par</sub>)</h3>\n");
        List<List<String>> diffs = new ArrayList<>();
        for (Labelled l : runs) {
            for (Summary.RegimeDifference d : l.run().summary().incrementalMinusParallel()) {
                diffs.add(row(multi, l, escape(d.protocol()), escape(d.bnPolicy().yamlName()), escape(d.probe()), Formats.signedStat(d.difference())));
            }
        }
        sb.append(diffs.isEmpty() ? "<p>n/a: the run lacks one of the two regimes.</p>\n"
                : ReportPage.table(withRun(multi, List.of("protocol", "BN", "probe", "inc − par")), diffs,
                        classes(multi, "", "", "", "num")));

        sb.append("<h3>Base retention at α = 0.5 (acc(base, 0.5) − acc<sub>pretrained</sub>(base))</h3>\n");
        List<List<String>> base = new ArrayList<>();
        for (Labelled l : runs) {
            Summary s = l.run().summary();
            for (Summary.BaseRetention b : s.baseRetention()) {
                base.add(row(multi, l, escape(b.protocol()), escape(b.regime().yamlName()), escape(b.bnPolicy().yamlName()),
                        Formats.signedStat(Formats.at(s.alphas(), b.difference(), 0.5))));
            }
        }
        sb.append(base.isEmpty() ? "<p>n/a: no pre-trained base accuracy in this summary.</p>\n"
                : ReportPage.table(withRun(multi, List.of("protocol", "regime", "BN", "base retention at 0.5")), base,
                        classes(multi, "", "", "", "num")));
        return sb.toString();
    }
}
