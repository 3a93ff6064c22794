package org.mergelab.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.mergelab.checkpoint.AtomicFiles;

/** Writes a {@link Plot} as PNG (native size) and SVG, each through a temporary file and an atomic rename. */
final class PlotWriter {

    /** What SVG viewers get instead of Java's logical font names. */
    static final String SVG_FONTS = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

    private PlotWriter() {}

    static WrittenPlot write(Plot plot, Path plotsDir) throws IOException {
        Path png = plotsDir.resolve(plot.fileStem() + ".png");
        Path svg = plotsDir.resolve(plot.fileStem() + ".svg");
        AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(plot.chart(), BitmapEncoder.BitmapFormat.PNG));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(plot.chart(), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String text = tidySvg(out.toString(StandardCharsets.UTF_8), plot.chart().getWidth(), plot.chart().getHeight());
        AtomicFiles.writeString(svg, text);
        return new WrittenPlot(plot.fileStem(), plot.section(), plot.caption(), png, svg);
    }

    private static final Pattern LONG_DECIMAL = Pattern.compile("(-?\\d+)\\.(\\d)\\d+");

    /**
     * Gives the SVG a viewBox and portable font names, and rounds coordinates to 0.1 user unit
     * (XChart draws text as glyph outlines with six decimals: rounding halves the file).
     */
    static String tidySvg(String svg, int width, int height) {
        String s = LONG_DECIMAL.matcher(svg).replaceAll(m -> {
            double v = Double.parseDouble(m.group());
            String r = String.format(Locale.ROOT, "%.1f", v);
            r = r.endsWith(".0") ? r.substring(0, r.length() - 2) : r;
            return r.equals("-0") ? "0" : r;
        });
        s = s.replace("font-family:SansSerif", "font-family:" + SVG_FONTS)
                .replace("font-family=\"SansSerif\"", "font-family=\"" + SVG_FONTS + "\"")
                .replace("font-family:Dialog", "font-family:" + SVG_FONTS);
        int open = s.indexOf("<svg");
        if (open >= 0 && !s.substring(open, s.indexOf('>', open)).contains("viewBox")) {
            s = s.substring(0, open) + "<svg viewBox=\"0 0 " + width + " " + height + "\"" + s.substring(open + 4);
        }
        return s;
    }
}
