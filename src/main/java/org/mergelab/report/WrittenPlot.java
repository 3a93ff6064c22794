package org.mergelab.report;

import java.nio.file.Path;

/**
 * A chart written as PNG and SVG.
 *
 * @param fileStem the file name without extension
 * @param section the report section it belongs to
 * @param caption one sentence under the figure
 * @param png the PNG file
 * @param svg the SVG file
 */
record WrittenPlot(String fileStem, String section, String caption, Path png, Path svg) {}
