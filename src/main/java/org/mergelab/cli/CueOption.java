package org.mergelab.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.mergelab.config.ConfigException;
import org.mergelab.config.ConfigReader;
import org.mergelab.data.CueSettings;
import org.mergelab.data.Cues;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --cue KIND:KEY=VALUE[,KEY=VALUE...]}: the settings of one cue kind written on the command line, read with
 * the same strict rules as an experiment's {@code cues:} entry (keys {@code size}, {@code x}, {@code y},
 * {@code strength}). A bad kind, key or value is bad usage naming it.
 */
final class CueOption implements ITypeConverter<CueOption.Entry> {

    /**
     * One cue kind's settings.
     *
     * @param kind the cue kind, e.g. {@code color}
     * @param settings its settings
     */
    record Entry(String kind, CueSettings settings) {}

    @Override
    public Entry convert(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new TypeConversionException("'" + value + "' is not KIND:KEY=VALUE[,KEY=VALUE...] (e.g. color:size=8)");
        }
        String kind = value.substring(0, colon).strip();
        List<String> kinds = Cues.NAMES.stream().filter(n -> !n.endsWith("-conflict")).toList();
        if (!kinds.contains(kind)) {
            throw new TypeConversionException("unknown cue kind '" + kind + "' in '" + value + "'; known: "
                    + String.join(", ", kinds));
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        String rest = value.substring(colon + 1).strip();
        if (rest.isEmpty()) {
            throw new TypeConversionException("'" + value + "' gives no KEY=VALUE for cue kind '" + kind + "'");
        }
        for (String pair : rest.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new TypeConversionException("'" + pair + "' in '" + value + "' is not KEY=VALUE");
            }
            String key = pair.substring(0, eq).strip();
            String number = pair.substring(eq + 1).strip();
            if (node.has(key)) {
                throw new TypeConversionException("key '" + key + "' is given twice in '" + value + "'");
            }
            try {
                if (number.matches("[+-]?\\d+")) {
                    node.put(key, Long.parseLong(number));
                } else {
                    node.put(key, Double.parseDouble(number));
                }
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + number + "' for key '" + key + "' in '" + value + "' is not a number");
            }
        }
        try {
            CueSettings settings = ConfigReader.convert(node, CueSettings.class, "--cue " + value);
            Cues.byName(kind, 2, 0L, java.util.Map.of(kind, settings)); // rejects settings that do not fit the cue
            return new Entry(kind, settings);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
