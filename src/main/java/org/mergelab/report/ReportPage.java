package org.mergelab.report;

import static org.mergelab.report.Html.escape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mergelab.eval.Summary;

/**
 * The parts of a self-contained report page (inline CSS, inline SVG, no script, nothing from the
 * network), shared by the run report and the comparison. Every text that comes from a file is
 * escaped here.
 */
final class ReportPage {

    /**
     * Responsive: nothing wider than the viewport at 390 px; tables, pre and (on a phone) plots scroll in their own box.
     * A plot is never narrower than {@link ChartTheme#PHONE_MIN_WIDTH}, so its smallest text stays at least 9 px.
     */
    static final String CSS = """
            *,*::before,*::after{box-sizing:border-box}
            html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
            body{margin:0;font-family:system-ui,-apple-system,'Segoe UI','DejaVu Sans','Liberation Sans',Arial,sans-serif;
              font-size:16px;line-height:1.45;color:#1a1a1a;background:#fff}
            main{max-width:1180px;margin:0 auto;padding:16px}
            h1{font-size:1.6rem;margin:.2em 0 .3em;overflow-wrap:anywhere}
            h2{font-size:1.3rem;margin:1.6em 0 .5em;border-bottom:1px solid #ccc;padding-bottom:.2em}
            h3{font-size:1.1rem;margin:1.2em 0 .4em}
            p,li,dd,dt{overflow-wrap:anywhere}
            .context{color:#333;margin:.2em 0 1em}
            .scroll{overflow-x:auto;max-width:100%;margin:.5em 0 1em;-webkit-overflow-scrolling:touch}
            table{border-collapse:collapse;font-size:.95rem}
            th,td{border:1px solid #ccc;padding:.3em .55em;text-align:left;vertical-align:top}
            th{background:#f2f2f2}
            td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
            td.statement{min-width:18em;max-width:44em}
            .mark{font-weight:700;white-space:nowrap}
            .held{color:#006b4f}
            .not-held{color:#b34700}
            .insufficient,.not-evaluated{color:#555}
            pre{overflow-x:auto;max-width:100%;background:#f6f6f6;border:1px solid #ddd;padding:.6em;font-size:.85rem;line-height:1.35}
            .plots{display:flex;flex-direction:column;gap:22px}
            figure{margin:0;min-width:0;max-width:880px}
            svg.plot,img.plot{display:block;max-width:100%;width:100%;height:auto;border:1px solid #e2e2e2}
            figcaption{font-size:.9rem;color:#333;margin-top:.3em}
            .swatch{display:inline-block;width:1.6em;height:.9em;vertical-align:middle;border-radius:2px;margin-right:.4em}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
            dl.facts dt{font-weight:600}
            dl.facts dd{margin:0}
            .heatmaps{display:flex;flex-wrap:wrap;gap:14px;margin:.5em 0 1em}
            .heatmap{max-width:100%;overflow-x:auto}
            .heatmap table{font-size:.85rem}
            .heatmap caption{text-align:left;font-weight:600;padding-bottom:.2em;caption-side:top}
            .heatmap td.empty{background:#fafafa}
            .plot-box{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
            @media (max-width:600px){main{padding:10px}h1{font-size:1.3rem}.plots{gap:12px}td.statement{min-width:13em}
              svg.plot,img.plot{min-width:PHONE_MIN_WIDTHpx}}
            """.replace("PHONE_MIN_WIDTH", Integer.toString(ChartTheme.PHONE_MIN_WIDTH));

    private ReportPage() {}

    /** The page around {@code body}. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<main>\n"
                + body + "</main>\n</body>\n</html>\n";
    }

    /** A table inside its own horizontally scrolling box. Cells are HTML already (escape before). */
    static String table(List<String> headers, List<List<String>> rows, List<String> cellClasses) {
        StringBuilder sb = new StringBuilder("<div class=\"scroll\" style=\"overflow-x:auto\"><table>\n<thead><tr>");
        for (String h : headers) {
            sb.append("<th>").append(h).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String cls = i < cellClasses.size() ? cellClasses.get(i) : "";
                sb.append(cls.isEmpty() ? "<td>" : "<td class=\"" + cls + "\">").append(row.get(i)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody></table></div>\n").toString();
    }

    /** The held / not held mark of a status, with a symbol so it does not rely on colour. */
    static String mark(String status) {
        String symbol;
        String cls;
        switch (status) {
            case Summary.Finding.HELD -> {
                symbol = "✓";
                cls = "held";
            }
            case Summary.Finding.NOT_HELD -> {
                symbol = "✗";
                cls = "not-held";
            }
            case Summary.Finding.INSUFFICIENT -> {
                symbol = "–";
                cls = "insufficient";
            }
            default -> {
                symbol = "○";
                cls = "not-evaluated";
            }
        }
        return "<span class=\"mark " + cls + "\">" + symbol + " " + escape(status) + "</span>";
    }

    /** Plots grouped by section, each SVG inline (PNG as a data: URI when the SVG is missing). */
    static String plots(List<WrittenPlot> plots, Path reportDir) throws IOException {
        return plots(plots, reportDir, "p");
    }

    /** As {@link #plots(List, Path)}, with SVG ids prefixed {@code idPrefix} + number: unique across calls on a page. */
    static String plots(List<WrittenPlot> plots, Path reportDir, String idPrefix) throws IOException {
        Map<String, List<WrittenPlot>> bySection = new LinkedHashMap<>();
        for (WrittenPlot p : plots) {
            bySection.computeIfAbsent(p.section(), k -> new ArrayList<>()).add(p);
        }
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, List<WrittenPlot>> e : bySection.entrySet()) {
            sb.append("<h3>").append(escape(e.getKey())).append("</h3>\n<div class=\"plots\">\n");
            for (WrittenPlot p : e.getValue()) {
                n++;
                sb.append("<figure id=\"").append(escape(p.fileStem())).append("\">\n");
                // on a phone the chart keeps a width at which its smallest text is at least 9 px, and scrolls in its box
                sb.append("<div class=\"plot-box\">");
                if (Files.isRegularFile(p.svg())) {
                    String svg = Files.readString(p.svg(), StandardCharsets.UTF_8);
                    sb.append(Html.inlineSvg(svg, idPrefix + n + "-", p.caption()));
                } else {
                    String b64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p.png()));
                    sb.append("<img class=\"plot\" alt=\"").append(escape(p.caption())).append("\" src=\"data:image/png;base64,")
                            .append(b64).append("\">");
                }
                sb.append("</div>\n");
                String png = relative(reportDir, p.png());
                String svg = relative(reportDir, p.svg());
                sb.append("<figcaption>").append(escape(p.caption())).append(" Files: <a href=\"").append(escape(png))
                        .append("\">").append(escape(p.png().getFileName().toString())).append("</a>, <a href=\"")
                        .append(escape(svg)).append("\">SVG</a>.</figcaption>\n</figure>\n");
            }
            sb.append("</div>\n");
        }
        return sb.toString();
    }

    private static String relative(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return to.toUri().toString();
        }
    }

    /** "461.3 s (7 min 41 s)". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        String pretty = s >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
        return String.format(Locale.ROOT, "%.1f s (%s)", seconds, pretty);
    }
}
