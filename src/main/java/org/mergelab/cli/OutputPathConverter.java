package org.mergelab.cli;

import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Converts an {@code --out} value. An empty one (an unset shell variable, {@code --out ""}) would mean the current
 * directory: it is bad usage (exit 2) naming the option, never a path.
 */
final class OutputPathConverter implements CommandLine.ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("the path is empty (an empty path would mean the current "
                    + "directory); name the output");
        }
        return Path.of(value);
    }
}
