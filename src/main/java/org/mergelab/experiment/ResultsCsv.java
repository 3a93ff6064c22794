package org.mergelab.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.Regime;
import org.mergelab.eval.ResultRow;

/**
 * {@code results.csv}: one row per (seed, protocol, regime, BN policy, alpha, probe), sorted by those
 * key columns. Leading columns exactly {@code seed,protocol,regime,bn_policy,alpha,probe,accuracy,
 * theta1,theta2} (accuracy = correct/total with 6 decimals; theta1/theta2 the checkpoint ids
 * merged), then {@code correct,total,format_version}.
 */
public final class ResultsCsv {

    /** The header line. */
    public static final String HEADER = "seed,protocol,regime,bn_policy,alpha,probe,accuracy,theta1,theta2,correct,total,format_version";

    /** The version written and the only one read. */
    public static final int FORMAT_VERSION = 1;

    /** Sort order of the rows: the key columns. */
    public static final Comparator<ResultRow> ORDER = Comparator.comparingLong(ResultRow::seed)
            .thenComparing(ResultRow::protocol)
            .thenComparing(r -> r.regime().yamlName())
            .thenComparing(r -> r.bnPolicy().yamlName())
            .thenComparingDouble(ResultRow::alpha)
            .thenComparing(ResultRow::probe);

    private ResultsCsv() {}

    /** The file's text for rows (sorted here). */
    public static String format(List<ResultRow> rows) {
        List<ResultRow> sorted = new ArrayList<>(rows);
        sorted.sort(ORDER);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ResultRow r : sorted) {
            sb.append(r.seed()).append(',')
                    .append(r.protocol()).append(',')
                    .append(r.regime().yamlName()).append(',')
                    .append(r.bnPolicy().yamlName()).append(',')
                    .append(formatAlpha(r.alpha())).append(',')
                    .append(r.probe()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", r.accuracy())).append(',')
                    .append(r.theta1()).append(',')
                    .append(r.theta2()).append(',')
                    .append(r.correct()).append(',')
                    .append(r.total()).append(',')
                    .append(FORMAT_VERSION).append('\n');
        }
        return sb.toString();
    }

    private static String formatAlpha(double alpha) {
        String s = String.format(Locale.ROOT, "%.6f", alpha);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    /**
     * Reads a results file.
     *
     * @throws IOException naming the file and line on a bad header, version or value
     */
    public static List<ResultRow> read(Path file) throws IOException {
        return CsvRows.read(file, HEADER, "results.csv", FORMAT_VERSION, f -> new ResultRow(Long.parseLong(f[0]), f[1],
                Regime.of(f[2]), BatchNormPolicy.of(f[3]), Double.parseDouble(f[4]), f[5], Long.parseLong(f[9]),
                Long.parseLong(f[10]), f[7], f[8]));
    }
}
