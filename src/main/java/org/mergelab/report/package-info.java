/**
 * Reports: plain data in (a run directory's {@code summary.json}, {@code merges.csv}, {@code experiment.yaml},
 * {@code log.txt}, checkpoint lineage), files out.
 *
 * <ul>
 *   <li>{@link org.mergelab.report.RunReport}: {@code DIR/plots/*.png|svg} and {@code DIR/report.html}
 *       of one run ({@code mergelab report}, and after every {@code run} and {@code demo});
 *       with a method study ({@code merges.csv} and {@code methods} in summary.json), also "Which method
 *       keeps what": its tables and one plot per kind of knowledge ({@code MethodData}, {@code MethodTables},
 *       {@code MethodPlots}); and each analysis summary.json holds: the interpolation path's barriers, where
 *       knowledge lives, weight forensics and predicted retention, as tables, bar charts and a scatter plot
 *       ({@code AnalysisData}, {@code AnalysisTables}, {@code AnalysisPlots});
 *   <li>{@link org.mergelab.report.CompareReport}: the same curves of several runs overlaid
 *       ({@code mergelab compare}).
 * </ul>
 *
 * <p>Plots are XChart charts (curves, points or bars; 880 x 500 px, no text under 12 px, Okabe-Ito colours, distinct markers
 * and line styles; mean lines with a ±1 SE band drawn as a filled polygon, bars with ±1 SE error bars, none below 3 seeds) with
 * stable file names ({@code PlotNames}). report.html is self-contained: inline CSS and SVG, no
 * script, nothing from the network, readable from 390 px wide. Every file is written through a
 * temporary and an atomic rename. Only {@code cli} imports this package.
 */
package org.mergelab.report;
