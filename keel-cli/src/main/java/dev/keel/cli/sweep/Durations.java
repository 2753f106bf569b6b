package dev.keel.cli.sweep;

import dev.keel.core.KeelException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as options take them: {@code 500ms}, {@code 2s}, {@code 30m}, {@code 1h}; a bare number is seconds. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {}

    /** Milliseconds; refuses anything else, naming {@code what} (the option) in the message. */
    public static long millis(String text, String what) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw KeelException.invalid(what + ": '" + text + "' is not a duration: write e.g. 500ms, 30s, 10m or 2h");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double factor = switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        };
        return Math.round(n * factor);
    }
}
