package org.mergelab.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A size in bytes written as a whole number with an optional unit: {@code B}, {@code KB}, {@code MB}, {@code GB},
 * {@code TB} (powers of 1000, as Hugging Face's {@code max_shard_size}) or {@code KiB}, {@code MiB}, {@code GiB},
 * {@code TiB} (powers of 1024); case-insensitive. At least 1 byte.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b|b)?");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size such as 5GB, 500MB, 2GiB or 1000000000");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long base = unit.contains("i") ? 1024 : 1000;
        int power = "bkmgt".indexOf(unit.charAt(0));
        try {
            long bytes = Long.parseLong(m.group(1));
            for (int i = 0; i < power; i++) {
                bytes = Math.multiplyExact(bytes, base);
            }
            if (bytes < 1) {
                throw new TypeConversionException("'" + value + "' is below 1 byte");
            }
            return bytes;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("'" + value + "' is too large");
        }
    }
}
