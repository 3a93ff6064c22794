package org.mergelab.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.mergelab.checkpoint.AtomicFiles;

/**
 * Pictures of datasets and cues as PNG files, for the docs and for eyeballing a config.
 *
 * <p>Images are upscaled {@value #ZOOM}x by nearest neighbour; labels use a 14 px sans-serif font. Files are
 * written atomically (a temporary file in the same directory, then a rename), parent directories created.
 */
public final class CueGallery {

    /** Upscaling factor. */
    public static final int ZOOM = 4;
    private static final int GAP = 6;
    private static final int FONT_PX = 14;

    private CueGallery() {}

    /**
     * A grid with one row per sample (class name on the left) and one column for the clean image followed
     * by one per cue (cue name on top). Row {@code r} shows the first image of class {@code r % numClasses}
     * (the {@code r / numClasses}-th for later rounds), so rows walk through the classes.
     *
     * @throws IllegalArgumentException if the dataset has too few images of some class
     */
    public static void write(ImageDataset ds, List<Cue> cues, int samples, Path png) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("cue gallery: samples must be >= 1, got " + samples);
        }
        List<String> titles = new ArrayList<>();
        titles.add("none");
        for (Cue c : cues) {
            titles.add(c.name());
        }
        List<String> rowNames = new ArrayList<>();
        List<byte[][]> cells = new ArrayList<>();
        for (int r = 0; r < samples; r++) {
            int cls = r % ds.numClasses();
            int id = nthOfClass(ds, cls, r / ds.numClasses());
            byte[][] row = new byte[cues.size() + 1][];
            row[0] = image(ds, id);
            for (int k = 0; k < cues.size(); k++) {
                byte[] img = image(ds, id);
                cues.get(k).apply(img, 0, cls);
                row[k + 1] = img;
            }
            rowNames.add(ds.classNames().get(cls));
            cells.add(row);
        }
        writeGrid(rowNames, titles, cells, png);
    }

    /** One row per class (name on the left), {@code perClass} sample images per row, no cue. */
    public static void writeClassSheet(ImageDataset ds, int perClass, Path png) throws IOException {
        if (perClass < 1) {
            throw new IllegalArgumentException("class sheet: perClass must be >= 1, got " + perClass);
        }
        List<String> titles = new ArrayList<>();
        for (int k = 0; k < perClass; k++) {
            titles.add("#" + (k + 1));
        }
        List<byte[][]> cells = new ArrayList<>();
        for (int c = 0; c < ds.numClasses(); c++) {
            byte[][] row = new byte[perClass][];
            for (int k = 0; k < perClass; k++) {
                row[k] = image(ds, nthOfClass(ds, c, k));
            }
            cells.add(row);
        }
        writeGrid(ds.classNames(), titles, cells, png);
    }

    private static int nthOfClass(ImageDataset ds, int cls, int n) {
        int seen = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (ds.labels()[i] == cls && seen++ == n) {
                return i;
            }
        }
        throw new IllegalArgumentException("dataset " + ds.name() + " has " + seen + " images of class " + cls + " ("
                + ds.classNames().get(cls) + "), needed " + (n + 1));
    }

    private static byte[] image(ImageDataset ds, int id) {
        byte[] img = new byte[ImageDataset.IMAGE_BYTES];
        System.arraycopy(ds.pixels(), ds.imageOffset(id), img, 0, ImageDataset.IMAGE_BYTES);
        return img;
    }

    private static void writeGrid(List<String> rowNames, List<String> titles, List<byte[][]> cells, Path png)
            throws IOException {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_PX);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        int labelWidth = 0;
        for (String s : rowNames) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(s));
        }
        pg.dispose();
        int cell = ImageDataset.WIDTH * ZOOM;
        int left = labelWidth + 2 * GAP;
        int top = fm.getHeight() + 2 * GAP;
        int cols = titles.size();
        int width = left + cols * (cell + GAP) + GAP;
        int height = top + cells.size() * (cell + GAP) + GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(font);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (int c = 0; c < cols; c++) {
                String t = titles.get(c);
                g.drawString(t, left + c * (cell + GAP) + (cell - fm.stringWidth(t)) / 2, GAP + fm.getAscent());
            }
            for (int r = 0; r < cells.size(); r++) {
                int y0 = top + r * (cell + GAP);
                g.drawString(rowNames.get(r), GAP, y0 + cell / 2 + fm.getAscent() / 2);
                byte[][] row = cells.get(r);
                for (int c = 0; c < row.length; c++) {
                    blit(img, row[c], left + c * (cell + GAP), y0);
                }
            }
        } finally {
            g.dispose();
        }
        writeAtomically(img, png);
    }

    private static void blit(BufferedImage img, byte[] chw, int x0, int y0) {
        int p = ImageDataset.PLANE;
        for (int y = 0; y < ImageDataset.HEIGHT; y++) {
            for (int x = 0; x < ImageDataset.WIDTH; x++) {
                int i = y * ImageDataset.WIDTH + x;
                int rgb = ((chw[i] & 0xFF) << 16) | ((chw[p + i] & 0xFF) << 8) | (chw[2 * p + i] & 0xFF);
                for (int dy = 0; dy < ZOOM; dy++) {
                    for (int dx = 0; dx < ZOOM; dx++) {
                        img.setRGB(x0 + x * ZOOM + dx, y0 + y * ZOOM + dy, rgb);
                    }
                }
            }
        }
    }

    /** The PNG text chunk that says mergelab drew an image: keyword {@code Software}. */
    static final String SOFTWARE = "mergelab";

    static void writeAtomically(BufferedImage img, Path png) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", "Software");
            entry.setAttribute("value", SOFTWARE);
            IIOMetadataNode text = new IIOMetadataNode("tEXt");
            text.appendChild(entry);
            IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
            root.appendChild(text);
            metadata.mergeTree(PNG_METADATA, root);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, metadata), param);
        } finally {
            writer.dispose();
        }
        AtomicFiles.writeBytes(png, bytes.toByteArray());
    }

    private static final String PNG_METADATA = "javax_imageio_png_1.0";

    /** True for a PNG that mergelab drew (its {@code Software} text chunk says so): show-cues may replace it. */
    public static boolean madeByMergelab(Path png) {
        try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            if (in == null) {
                return false;
            }
            java.util.Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return false;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                if (!reader.getFormatName().equalsIgnoreCase("png")) {
                    return false;
                }
                org.w3c.dom.Node root = reader.getImageMetadata(0).getAsTree(PNG_METADATA);
                for (org.w3c.dom.Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (!n.getNodeName().equals("tEXt")) {
                        continue;
                    }
                    for (org.w3c.dom.Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                        org.w3c.dom.NamedNodeMap a = e.getAttributes();
                        if ("Software".equals(a.getNamedItem("keyword").getNodeValue())
                                && SOFTWARE.equals(a.getNamedItem("value").getNodeValue())) {
                            return true;
                        }
                    }
                }
                return false;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
