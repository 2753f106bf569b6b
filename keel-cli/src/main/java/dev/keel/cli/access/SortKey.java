package dev.keel.cli.access;

import dev.keel.core.filter.Field;

import java.util.Locale;

/**
 * A {@code --sort} value: a column name, {@code -} in front for descending. Table headers work
 * as typed ({@code Created}, {@code Runtime}); bare metric names mean {@code summary.NAME} (see
 * {@link Field#parse}); config columns need {@code config.}.
 */
public record SortKey(Field field, boolean descending) {

    public static SortKey parse(String text) {
        String t = text.trim();
        boolean descending = false;
        if (t.startsWith("-")) {
            descending = true;
            t = t.substring(1);
        } else if (t.startsWith("+")) {
            t = t.substring(1);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (Field.ATTRIBUTES.contains(lower)) {
            t = lower;
        }
        return new SortKey(Field.parse(t), descending);
    }
}
