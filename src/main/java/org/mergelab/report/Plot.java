package org.mergelab.report;

import org.knowm.xchart.XYChart;

/**
 * One chart to write, before it is written.
 *
 * @param fileStem the file name without extension (see {@link PlotNames})
 * @param section the report section it belongs to
 * @param caption one sentence under the figure in report.html
 * @param chart the chart
 */
record Plot(String fileStem, String section, String caption, XYChart chart) {}
