package org.mergelab.report;

import org.mergelab.eval.Regime;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mergelab.eval.Statistic;

/**
 * The look of every mergelab chart: size, fonts (no text under 12 px at the PNG's native size),
 * the Okabe-Ito colour-blind-safe palette, markers and line styles, and the one-standard-error band
 * drawn as a filled polygon (XChart has no error-band series).
 */
final class ChartTheme {

    /** Native chart size in pixels (PNG) and in SVG user units. */
    static final int WIDTH = 880;
    static final int HEIGHT = 500;

    /** Font sizes in pixels at native size; the smallest is the floor for every text. */
    static final int TITLE_PX = 16;
    static final int AXIS_TITLE_PX = 15;
    static final int TICK_PX = 14;
    static final int LEGEND_PX = 14;
    static final int MIN_TEXT_PX = 12;

    /** The smallest text a reader should get on screen, in CSS pixels. */
    static final int LEGIBLE_PX = 9;

    /**
     * The narrowest a plot is shown (a phone's page scrolls it in its box rather than shrink it): its smallest text,
     * {@link #MIN_TEXT_PX} at {@link #WIDTH}, is then at least {@link #LEGIBLE_PX} with a margin for rounding.
     */
    static final int PHONE_MIN_WIDTH = (int) Math.ceil((double) WIDTH * LEGIBLE_PX / MIN_TEXT_PX) + 20;

    /** The widest a title may be: clear of both chart edges when centred over the plot area. */
    static final int TITLE_WIDTH = WIDTH - 100;

    /** Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, black, yellow. */
    static final List<Color> OKABE_ITO = List.of(
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xD55E00),
            new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442));

    /** Incremental: Okabe-Ito blue, circles, solid line. */
    static final Color INCREMENTAL = OKABE_ITO.get(0);

    /** Parallel: Okabe-Ito orange, diamonds, dashed line. */
    static final Color PARALLEL = OKABE_ITO.get(1);

    /** Reference lines (pre-trained accuracy). */
    static final Color REFERENCE = new Color(0x555555);

    static final BasicStroke SOLID = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final BasicStroke DASHED = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 5f}, 0f);
    static final BasicStroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {3f, 4f}, 0f);

    private static final String FONT = Font.SANS_SERIF;

    private ChartTheme() {}

    /** How one regime is drawn apart from its colour. */
    record Look(Marker marker, BasicStroke stroke) {}

    /** Circles and a solid line for incremental, diamonds and a dashed line for parallel, one look per regime. */
    static Look regimeLook(Regime regime) {
        return switch (regime) {
            case INCREMENTAL -> new Look(SeriesMarkers.CIRCLE, SOLID);
            case PARALLEL -> new Look(SeriesMarkers.DIAMOND, DASHED);
        };
    }

    /** Blue for incremental, orange for parallel, one colour per regime. */
    static Color regimeColor(Regime regime) {
        return switch (regime) {
            case INCREMENTAL -> INCREMENTAL;
            case PARALLEL -> PARALLEL;
        };
    }

    /** The i-th colour of the palette, cycling. */
    static Color paletteColor(int i) {
        return OKABE_ITO.get(Math.floorMod(i, OKABE_ITO.size()));
    }

    /** An empty chart with the house style. */
    static XYChart newChart(String title, String xTitle, String yTitle) {
        return newChart(title, xTitle, yTitle, HEIGHT);
    }

    /** An empty chart with the house style and this height (room for a long legend). */
    static XYChart newChart(String title, String xTitle, String yTitle, int height) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var s = chart.getStyler();
        houseStyle(s, title);
        s.setMarkerSize(9);
        s.setXAxisDecimalPattern("0.0");
        s.setXAxisMin(0.0);
        s.setXAxisMax(1.0);
        return chart;
    }

    /**
     * An empty bar chart with the house style: categories on x, side-by-side bars per series, black error bars (seen
     * over the bar they belong to as well as above it).
     */
    static CategoryChart newBarChart(String title, String xTitle, String yTitle, int height) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var s = chart.getStyler();
        houseStyle(s, title);
        s.setErrorBarsColorSeriesColor(false);
        s.setErrorBarsColor(Color.BLACK);
        s.setAvailableSpaceFill(0.7);
        s.setOverlapped(false);
        s.setYAxisDecimalPattern("0.00");
        s.setLegendPadding(16);
        return chart;
    }

    /** Fonts, colours, legend and padding shared by every chart kind. */
    private static void houseStyle(AxesChartStyler s, String title) {
        s.setChartTitleFont(titleFont(title));
        s.setAxisTitleFont(new Font(FONT, Font.PLAIN, AXIS_TITLE_PX));
        s.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, TICK_PX));
        s.setLegendFont(new Font(FONT, Font.PLAIN, LEGEND_PX));
        s.setBaseFont(new Font(FONT, Font.PLAIN, TICK_PX));
        s.setAnnotationTextFont(new Font(FONT, Font.PLAIN, TICK_PX));
        s.setToolTipFont(new Font(FONT, Font.PLAIN, TICK_PX));
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x888888));
        s.setPlotGridLinesColor(new Color(0xE4E4E4));
        s.setChartFontColor(Color.BLACK);
        s.setAxisTickLabelsColor(new Color(0x222222));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendSeriesLineLength(36);
        s.setChartTitleBoxVisible(false);
        s.setChartPadding(12);
        s.setAntiAlias(true);
    }

    /**
     * The title font: {@link #TITLE_PX} bold, shrunk (not below {@link #MIN_TEXT_PX}) until the title fits
     * {@link #TITLE_WIDTH}. XChart centres the title over the plot area, which starts right of the y axis, so a title as
     * wide as the chart would be cut at its right edge.
     */
    static Font titleFont(String title) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        for (int px = TITLE_PX; px > MIN_TEXT_PX; px--) {
            Font f = new Font(FONT, Font.BOLD, px);
            if (f.getStringBounds(title, frc).getWidth() <= TITLE_WIDTH) {
                return f;
            }
        }
        return new Font(FONT, Font.BOLD, MIN_TEXT_PX);
    }

    /** True when every defined point of the curve has a standard error, so a band can be drawn. */
    static boolean hasBand(List<Statistic> curve) {
        boolean any = false;
        for (Statistic st : curve) {
            if (st != null && st.mean() != null) {
                if (st.se() == null) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /**
     * Adds a curve: the mean line with markers and, when every defined point has a standard error, a
     * shaded band of mean ± 1 SE behind it. Undefined points (null mean) are skipped.
     *
     * @return false when the curve has no defined point (nothing added)
     */
    static boolean addCurve(XYChart chart, String label, List<Double> alphas, List<Statistic> curve, Color color, Look look) {
        return addCurve(chart, label, alphas, curve, color, look, true);
    }

    /**
     * As {@link #addCurve(XYChart, String, List, List, Color, Look)}; without {@code withBand} only the mean line (for a
     * chart of many curves, where bands would hide each other).
     */
    static boolean addCurve(XYChart chart, String label, List<Double> alphas, List<Statistic> curve, Color color, Look look,
            boolean withBand) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> ses = new ArrayList<>();
        for (int i = 0; i < alphas.size() && i < curve.size(); i++) {
            Statistic st = curve.get(i);
            if (st != null && st.mean() != null && Double.isFinite(st.mean())) {
                xs.add(alphas.get(i));
                ys.add(st.mean());
                ses.add(st.se());
            }
        }
        if (xs.isEmpty()) {
            return false;
        }
        if (withBand && hasBand(curve)) {
            List<Double> px = new ArrayList<>(xs);
            List<Double> py = new ArrayList<>();
            for (int i = 0; i < ys.size(); i++) {
                py.add(ys.get(i) + ses.get(i));
            }
            for (int i = xs.size() - 1; i >= 0; i--) {
                px.add(xs.get(i));
                py.add(ys.get(i) - ses.get(i));
            }
            XYSeries band = chart.addSeries(label + " (±1 SE)", px, py);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 56));
            band.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
            band.setLineStyle(SeriesLines.NONE);
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }
        XYSeries line = chart.addSeries(label, xs, ys);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setLineColor(color);
        line.setMarkerColor(color);
        line.setMarker(look.marker());
        line.setLineStyle(look.stroke());
        return true;
    }

    /**
     * Adds one series of bars, a bar per category at the mean; with error bars of ±1 SE when every defined bar has a
     * standard error. Undefined values (null, or a null mean) leave their category without a bar.
     *
     * @return false when no value is defined (nothing added)
     */
    static boolean addBars(CategoryChart chart, String label, List<String> categories, List<Statistic> values, Color color) {
        List<Double> ys = new ArrayList<>();
        List<Double> ses = new ArrayList<>();
        boolean any = false;
        for (Statistic st : values) {
            boolean defined = st != null && st.mean() != null && Double.isFinite(st.mean());
            any |= defined;
            ys.add(defined ? st.mean() : null);
            ses.add(defined && st.se() != null ? st.se() : 0.0);
        }
        if (!any) {
            return false;
        }
        boolean withErrors = hasBand(values);
        CategorySeries bars = withErrors ? chart.addSeries(label, categories, ys, ses) : chart.addSeries(label, categories, ys);
        // the y axis holds 0 and every bar with its error bar, with a little headroom
        var styler = chart.getStyler();
        double low = styler.getYAxisMin() == null ? 0.0 : styler.getYAxisMin();
        double high = styler.getYAxisMax() == null ? 0.0 : styler.getYAxisMax();
        for (int i = 0; i < ys.size(); i++) {
            if (ys.get(i) != null) {
                double error = withErrors ? ses.get(i) : 0.0;
                low = Math.min(low, ys.get(i) - error);
                high = Math.max(high, ys.get(i) + error);
            }
        }
        double room = high > low ? 0.05 * (high - low) : 0.05;
        styler.setYAxisMin(low < 0 ? low - room : 0.0);
        styler.setYAxisMax(high + room);
        bars.setFillColor(color);
        bars.setLineColor(color);
        bars.setMarkerColor(color);
        return true;
    }

    /** "±1 SE error bars" or "SE n/a": what the bars of a series show, for legends. */
    static String barsNote(List<Statistic> values) {
        return hasBand(values) ? "±1 SE error bars" : "SE n/a";
    }

    /** A horizontal reference line across alpha 0..1, without markers. */
    static void addHorizontal(XYChart chart, String label, double y, Color color, BasicStroke stroke) {
        XYSeries s = chart.addSeries(label, new double[] {0.0, 1.0}, new double[] {y, y});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** "±1 SE band" or "SE n/a": what the band shows, for legends. */
    static String bandNote(boolean band) {
        return band ? "±1 SE band" : "SE n/a";
    }
}
