package org.mergelab.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mergelab.eval.Statistic;

class HtmlTest {

    @Test
    void escapesTheFiveSpecialCharacters() {
        assertThat(Html.escape("<a href=\"x\">&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void inlineSvgPrefixesIdsDropsPrologAndFixedSize() {
        String svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg height=\"500px\" viewBox=\"0 0 10 10\" width=\"760px\">"
                + "<clipPath id=\"clip1\"/><g clip-path=\"url(#clip1)\"/></svg>";
        String out = Html.inlineSvg(svg, "p3-", "a <plot>");
        assertThat(out).startsWith("<svg viewBox=\"0 0 10 10\" role=\"img\" aria-label=\"a &lt;plot&gt;\" class=\"plot\">")
                .contains("id=\"p3-clip1\"").contains("url(#p3-clip1)").doesNotContain("height=").doesNotContain("width=");
    }

    @Test
    void statisticsReadMeanPlusMinusSeOrNa() {
        assertThat(Formats.stat(Statistic.ofValues(0.8, 0.81, 0.82))).isEqualTo("0.810 ± 0.006");
        assertThat(Formats.signedStat(Statistic.ofValues(0.05, 0.05, 0.05))).isEqualTo("+0.050 ± 0.000");
        assertThat(Formats.stat(Statistic.ofValues(0.8, 0.82))).isEqualTo("0.810 ± n/a");
        assertThat(Formats.stat(Statistic.of(java.util.Arrays.asList(null, null)))).isEqualTo("undefined");
        assertThat(Formats.stat(null)).isEqualTo("n/a");
    }

    @Test
    void svgCoordinatesAreRoundedAndFontsPortable() {
        String out = PlotWriter.tidySvg("<svg height=\"5px\"><path d=\"M-4.125,-0.0312 L10.96875,3.5\"/>"
                + "<text style=\"font-family:SansSerif;\"/></svg>", 10, 5);
        assertThat(out).contains("d=\"M-4.1,0 L11,3.5\"").contains("viewBox=\"0 0 10 5\"").contains(PlotWriter.SVG_FONTS);
    }

    @Test
    void plotNamesAreStable() {
        assertThat(PlotNames.accuracy("task-specific", "color", org.mergelab.eval.BatchNormPolicy.INTERPOLATE)).isEqualTo("accuracy_task-specific_color_bn-interpolate");
        assertThat(PlotNames.retention("My Protocol", "noise", org.mergelab.eval.BatchNormPolicy.RECALIBRATE)).isEqualTo("retention_my-protocol_noise_bn-recalibrate");
        assertThat(PlotNames.compareAccuracy("shared", "color-conflict")).isEqualTo("compare_accuracy_shared_color-conflict");
    }

    @Test
    void titleFontShrinksToFitButNeverBelowTwelvePixels() {
        assertThat(ChartTheme.titleFont("short").getSize()).isEqualTo(ChartTheme.TITLE_PX);
        assertThat(ChartTheme.titleFont("x".repeat(400)).getSize()).isEqualTo(ChartTheme.MIN_TEXT_PX);
        var chart = ChartTheme.newChart("t", "x", "y");
        var s = chart.getStyler();
        assertThat(java.util.List.of(s.getChartTitleFont(), s.getAxisTitleFont(), s.getAxisTickLabelsFont(), s.getLegendFont()))
                .allSatisfy(f -> assertThat(f.getSize()).isGreaterThanOrEqualTo(ChartTheme.MIN_TEXT_PX));
    }
}
