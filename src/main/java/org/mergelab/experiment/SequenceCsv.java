package org.mergelab.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mergelab.eval.BatchNormPolicy;
import org.mergelab.eval.Regime;
import org.mergelab.eval.SequenceRow;

/**
 * {@code sequence.csv}: the probe accuracies of the longer sequences (PROTOCOL.md, "Beyond two tasks") in long
 * format, one row per (seed, sequence, regime, BN policy, strategy, step, probe), sorted by those columns (strategies
 * and probes in the config's order). Strategy names hold no comma, so no field needs quoting.
 */
public final class SequenceCsv {

    /** The header line. */
    public static final String HEADER = "seed,sequence,regime,bn_policy,strategy,step,probe,accuracy,correct,total,format_version";

    /** The version written and the only one read. */
    public static final int FORMAT_VERSION = 1;

    private SequenceCsv() {}

    /** The file's text; units sorted by seed, sequence, regime, BN policy and step, the rest in the order given. */
    public static String format(List<SequenceRow> rows) {
        List<SequenceRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(SequenceRow::seed)
                .thenComparing(SequenceRow::sequence)
                .thenComparing(r -> r.regime().yamlName())
                .thenComparing(r -> r.bnPolicy().yamlName())); // stable: strategies, steps and probes as planned
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (SequenceRow r : sorted) {
            sb.append(r.seed()).append(',').append(r.sequence()).append(',').append(r.regime().yamlName()).append(',')
                    .append(r.bnPolicy().yamlName()).append(',').append(r.strategy()).append(',').append(r.step())
                    .append(',').append(r.probe()).append(',').append(String.format(Locale.ROOT, "%.6f", r.accuracy()))
                    .append(',').append(r.correct()).append(',').append(r.total()).append(',').append(FORMAT_VERSION)
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a sequence file back (the accuracy column is derived, so it is read from correct and total).
     *
     * @throws IOException naming the file and line on a bad header, column count, version or value
     */
    public static List<SequenceRow> read(Path file) throws IOException {
        return CsvRows.read(file, HEADER, "sequence.csv", FORMAT_VERSION, f -> new SequenceRow(Long.parseLong(f[0]), f[1],
                Regime.of(f[2]), BatchNormPolicy.of(f[3]), f[4], Integer.parseInt(f[5]), f[6], Long.parseLong(f[8]),
                Long.parseLong(f[9])));
    }
}
