package org.mergelab.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.MergeRow;
import org.mergelab.eval.Regime;

/**
 * {@code merges.csv}: the method study's probe accuracies, one row per (seed, protocol, regime, BN policy, method,
 * params, coefficient, merge seed, subset, probe), sorted by those columns (coefficients in their grid order). The
 * endpoints' rows have method {@code endpoint}. Parameters and coefficients are {@code key=value;...}, so no field
 * needs quoting. {@code results.csv} is not changed by the study.
 */
public final class MergesCsv {

    /** The header line. */
    public static final String HEADER = "seed,protocol,regime,bn_policy,method,params,coefficient,merge_seed,subset,probe,"
            + "accuracy,correct,total,predicted_retention_first,predicted_retention_second,format_version";

    /** The version written and the only one read. */
    public static final int FORMAT_VERSION = 1;

    private MergesCsv() {}

    /** A predicted retention with 6 decimals, empty when undefined. */
    private static String number(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** The file's text; rows keep their order within a unit (the grid's), units sorted by their key columns. */
    public static String format(List<MergeRow> rows) {
        List<MergeRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(MergeRow::seed)
                .thenComparing(MergeRow::protocol)
                .thenComparing(r -> r.regime().yamlName())
                .thenComparing(r -> r.bnPolicy().yamlName())
                .thenComparing(r -> !r.method().equals(MergeRow.ENDPOINT))
                .thenComparing(MergeRow::method)
                .thenComparing(MergeRow::params)); // stable: grid order kept within a method
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (MergeRow r : sorted) {
            sb.append(r.seed()).append(',').append(r.protocol()).append(',').append(r.regime().yamlName()).append(',')
                    .append(r.bnPolicy().yamlName()).append(',').append(r.method()).append(',').append(r.params())
                    .append(',').append(r.coefficient()).append(',').append(r.mergeSeed()).append(',')
                    .append(r.subset()).append(',').append(r.probe()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", r.accuracy())).append(',').append(r.correct())
                    .append(',').append(r.total()).append(',').append(number(r.predictedFirst())).append(',')
                    .append(number(r.predictedSecond())).append(',').append(FORMAT_VERSION).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a merges file back (the accuracy column is derived, so it is read from correct and total).
     *
     * @throws IOException naming the file and line on a bad header, column count, version or value
     */
    public static List<MergeRow> read(Path file) throws IOException {
        return CsvRows.read(file, HEADER, "merges.csv", FORMAT_VERSION, f -> new MergeRow(Long.parseLong(f[0]), f[1],
                Regime.of(f[2]), BatchNormPolicy.of(f[3]), f[4], f[5], f[6], Long.parseLong(f[7]), f[8], f[9],
                Long.parseLong(f[11]), Long.parseLong(f[12]), f[13].isEmpty() ? null : Double.valueOf(f[13]),
                f[14].isEmpty() ? null : Double.valueOf(f[14])));
    }
}
