package org.mergelab.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for numeric options that refuse values no command can use: {@code --threads 0} or
 * {@code --batch-size -3} is bad usage (exit 2) with one line naming the option, not a failure deep inside.
 */
final class OptionValues {

    private OptionValues() {}

    /** A whole number of at least 1 (threads, sizes, counts). */
    static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new TypeConversionException(n + " is below 1");
            }
            return n;
        }
    }

    /** A finite number of at least 0 (tolerances). */
    static final class NonNegative implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double x = number(value);
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new TypeConversionException(value + " is not a finite number of at least 0");
            }
            return x;
        }
    }

    /** A fraction in (0, 1] (TIES densities). */
    static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double x = number(value);
            if (!(x > 0 && x <= 1)) {
                throw new TypeConversionException(value + " is not in (0, 1]");
            }
            return x;
        }
    }

    private static double number(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
    }
}
