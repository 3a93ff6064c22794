package org.mergelab.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One chart to write, before it is written.
 *
 * @param fileStem the file name without extension (see {@link PlotNames})
 * @param section the report section it belongs to
 * @param caption one sentence under the figure in report.html
 * @param chart the chart: an {@link XYChart} (curves, scatter plots) or a {@link org.knowm.xchart.CategoryChart} (bars)
 */
record Plot(String fileStem, String section, String caption, Chart<?, ?> chart) {

    /** The chart as curves or points; a bar chart is an {@link IllegalStateException} naming the plot. */
    XYChart xyChart() {
        if (chart instanceof XYChart xy) {
            return xy;
        }
        throw new IllegalStateException("plot " + fileStem + " is a " + chart.getClass().getSimpleName() + ", not an XYChart");
    }
}
