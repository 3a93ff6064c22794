package org.mergelab.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads mergelab's CSV tables back ({@code results.csv}, {@code merges.csv}, {@code sequence.csv}): the header must be
 * the expected one, every line has its columns, the last column is the format version this mergelab reads, and a bad
 * value is an error naming the file and line. Fields hold no commas, so a line splits on every comma.
 */
final class CsvRows {

    /** Makes one row from a line's fields; throws {@link IllegalArgumentException} (or a number format error) on a bad value. */
    interface RowParser<R> {
        R parse(String[] fields);
    }

    private CsvRows() {}

    /**
     * The rows of {@code file}.
     *
     * @param header the expected first line
     * @param name the file's usual name, for messages (e.g. {@code results.csv})
     * @param formatVersion the version in the last column
     * @throws IOException naming the file and line on a bad header, column count, version or value
     */
    static <R> List<R> read(Path file, String header, String name, int formatVersion, RowParser<R> parser) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IOException(file + ": not a mergelab " + name + " (header '" + (lines.isEmpty() ? "" : lines.get(0)) + "')");
        }
        int columns = header.split(",").length;
        List<R> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != columns) {
                throw new IOException(file + ":" + (i + 1) + ": expected " + columns + " columns, found " + f.length);
            }
            if (!f[columns - 1].equals(Integer.toString(formatVersion))) {
                throw new IOException(file + ":" + (i + 1) + ": unknown format_version '" + f[columns - 1]
                        + "' (this mergelab reads " + formatVersion + ")");
            }
            try {
                rows.add(parser.parse(f));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": bad number: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }
}
