package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mergelab.eval.KnowledgeLocation;
import org.mergelab.eval.PathBarriers;
import org.mergelab.eval.Regime;

/**
 * The tables of the analyses beside the figures of merit (PROTOCOL.md): the loss and error barriers along each
 * interpolation path, the layer-group swaps ("where knowledge lives") per protocol, and the weight forensics per
 * protocol and regime; every figure mean ± SE over seeds.
 */
final class AnalysisTables {

    private AnalysisTables() {}

    /** Protocol, regime, BN policy, probe, loss barrier, error barrier: one row per probe of each path. */
    static String barriers(List<PathBarriers.PathFigures> paths) {
        List<List<String>> rows = new ArrayList<>();
        for (PathBarriers.PathFigures p : paths) {
            for (PathBarriers.ProbeBarriers b : p.probes()) {
                rows.add(List.of(escape(p.protocol()), escape(p.regime().yamlName()), escape(p.bnPolicy().yamlName()),
                        escape(b.probe()), Formats.stat(b.loss()), Formats.stat(b.error())));
            }
        }
        return ReportPage.table(List.of("protocol", "regime", "BN policy", "probe", "loss barrier", "error barrier"), rows,
                List.of("", "", "", "", "num", "num"));
    }

    /**
     * One table per protocol: a row per layer group; per regime, the first cue's retention when θ1 takes the group from
     * θ2 and the second cue's when θ2 takes it from θ1.
     */
    static String swaps(List<KnowledgeLocation.GroupRetention> swaps) {
        Map<String, List<KnowledgeLocation.GroupRetention>> byProtocol = new LinkedHashMap<>();
        swaps.forEach(s -> byProtocol.computeIfAbsent(s.protocol(), k -> new ArrayList<>()).add(s));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<KnowledgeLocation.GroupRetention>> e : byProtocol.entrySet()) {
            List<KnowledgeLocation.GroupRetention> all = e.getValue();
            Set<Regime> regimes = new LinkedHashSet<>();
            Set<String> groups = new LinkedHashSet<>();
            all.forEach(s -> {
                regimes.add(s.regime());
                groups.add(s.group());
            });
            KnowledgeLocation.GroupRetention any = all.get(0);
            List<String> headers = new ArrayList<>(List.of("layer group"));
            List<String> classes = new ArrayList<>(List.of(""));
            for (Regime r : regimes) {
                headers.add("R " + escape(RunPlots.probeTitle(any.firstCue())) + ", θ1 takes the group from θ2 ("
                        + escape(r.yamlName()) + ")");
                headers.add("R " + escape(RunPlots.probeTitle(any.secondCue())) + ", θ2 takes the group from θ1 ("
                        + escape(r.yamlName()) + ")");
                classes.addAll(List.of("num", "num"));
            }
            List<List<String>> rows = new ArrayList<>();
            for (String group : groups) {
                List<String> cells = new ArrayList<>(List.of(escape(group)));
                for (Regime r : regimes) {
                    KnowledgeLocation.GroupRetention s = all.stream()
                            .filter(x -> x.regime() == r && x.group().equals(group)).findFirst().orElse(null);
                    cells.add(Formats.stat(s == null ? null : s.firstRetention()));
                    cells.add(Formats.stat(s == null ? null : s.secondRetention()));
                }
                rows.add(cells);
            }
            sb.append("<h3>Protocol ").append(escape(e.getKey())).append("</h3>\n").append(ReportPage.table(headers, rows, classes));
        }
        return sb.toString();
    }

    /** One table per protocol and regime: a row per layer group (and the whole model), every forensic figure. */
    static String forensics(List<AnalysisData.Forensics> forensics) {
        Map<String, List<AnalysisData.Forensics>> byPath = new LinkedHashMap<>();
        forensics.forEach(f -> byPath.computeIfAbsent("Protocol " + f.protocol() + ", regime " + f.regime().yamlName(),
                k -> new ArrayList<>()).add(f));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<AnalysisData.Forensics>> e : byPath.entrySet()) {
            List<List<String>> rows = new ArrayList<>();
            for (AnalysisData.Forensics f : e.getValue()) {
                rows.add(List.of(escape(f.group()), Formats.stat(f.normFirst()), Formats.stat(f.normSecond()),
                        Formats.signedStat(f.cosine()), Formats.stat(f.signConflictRate()), Formats.stat(f.tiesShareFirst())));
            }
            sb.append("<h3>").append(escape(e.getKey())).append("</h3>\n").append(ReportPage.table(
                    List.of("layer group", "|τ1|", "|τ2|", "cos(τ1, τ2)", "sign-conflict rate", "θ1's TIES share"), rows,
                    List.of("", "num", "num", "num", "num", "num")));
        }
        return sb.toString();
    }

    /** Per BatchNorm policy: Spearman's ρ, the points it used and those left out for an undefined value. */
    static String predictors(List<AnalysisData.Predictor> predictors) {
        List<List<String>> rows = new ArrayList<>();
        for (AnalysisData.Predictor p : predictors) {
            rows.add(List.of(escape(p.bnPolicy().yamlName()),
                    p.spearman() == null ? "n/a" : String.format(Locale.ROOT, "%+.3f", p.spearman()),
                    Integer.toString(p.n()), Integer.toString(p.undefined())));
        }
        return ReportPage.table(List.of("BN policy", "Spearman ρ", "n", "points left out (undefined)"), rows,
                List.of("", "num", "num", "num"));
    }

    /** "ρ = +0.812, n = 24" or "ρ n/a, n = 1". */
    static String spearman(AnalysisData.Predictor p) {
        return (p.spearman() == null ? "Spearman ρ n/a" : String.format(Locale.ROOT, "Spearman ρ = %+.3f", p.spearman()))
                + ", n = " + p.n();
    }
}
