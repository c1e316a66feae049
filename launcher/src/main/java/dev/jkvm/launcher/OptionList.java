package dev.jkvm.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A QEMU option list ({@code key=value,key=value}, as {@code -drive} and {@code -device} take): {@code ,,} inside a
 * value is a literal comma, a later key replaces an earlier one (QEMU reads the last), an implied key names a
 * leading element without {@code =} (the driver of {@code -device}), and a trailing comma ends the list. Each
 * {@link #take} consumes a key, so {@link #requireAllTaken} can name the keys nothing understood.
 */
final class OptionList {
    /** Separates the elements of the list. */
    private static final char SEPARATOR = ',';
    /** Separates a key from its value. */
    private static final char ASSIGN = '=';

    private final String option;
    private final String text;
    private final Map<String, String> values;

    private OptionList(String option, String text, Map<String, String> values) {
        this.option = option;
        this.text = text;
        this.values = values;
    }

    /**
     * Parses {@code text}, the argument of the command-line flag {@code option} (e.g. "-drive"), for messages.
     *
     * @param impliedKey the key of a first element written without {@code =}, or null when every element needs one
     */
    static OptionList parse(String option, String text, String impliedKey) {
        Map<String, String> values = new LinkedHashMap<>();
        int position = 0;
        boolean first = true;
        while (position < text.length()) {
            int keyEnd = position;
            while (keyEnd < text.length() && text.charAt(keyEnd) != ASSIGN && text.charAt(keyEnd) != SEPARATOR) {
                keyEnd++;
            }
            String key;
            if (keyEnd < text.length() && text.charAt(keyEnd) == ASSIGN) {
                key = text.substring(position, keyEnd);
                position = keyEnd + 1;
            } else if (first && impliedKey != null) {
                key = impliedKey;
            } else {
                String element = text.substring(position, keyEnd);
                throw new UsageException(option + " " + text + ": "
                        + (element.isEmpty() ? "empty element" : "'" + element + "' has no value (expected "
                        + element + "=…)"));
            }
            if (key.isEmpty()) {
                throw new UsageException(option + " " + text + ": a value without a key");
            }
            StringBuilder value = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position);
                if (c == SEPARATOR) {
                    if (position + 1 < text.length() && text.charAt(position + 1) == SEPARATOR) {
                        value.append(SEPARATOR);
                        position += 2;
                        continue;
                    }
                    break;
                }
                value.append(c);
                position++;
            }
            values.put(key, value.toString());
            first = false;
            position++; // past the separator; a trailing one ends the list, as in QEMU
        }
        return new OptionList(option, text, values);
    }

    /** The value of {@code key}, consumed. */
    Optional<String> take(String key) {
        return Optional.ofNullable(values.remove(key));
    }

    /** An on/off value as QEMU's boolean properties spell it, consumed; {@code fallback} when absent. */
    boolean takeBoolean(String key, boolean fallback) {
        return take(key).map(value -> switch (value) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw error(key + "=" + value + ": expected 'on' or 'off'");
        }).orElse(fallback);
    }

    /** Fails naming every key no {@link #take} consumed. */
    void requireAllTaken() {
        if (!values.isEmpty()) {
            throw error("unknown " + (values.size() == 1 ? "property " : "properties ")
                    + String.join(", ", values.keySet().stream().map(key -> "'" + key + "'").toList()));
        }
    }

    /** A usage error about this option list: the flag, its text, then {@code problem}. */
    UsageException error(String problem) {
        return new UsageException(option + " " + text + ": " + problem);
    }
}
