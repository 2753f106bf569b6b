package dev.keel.core.filter;

import dev.keel.core.KeelException;

import java.util.Set;

/**
 * A column of the runs table, as named in filters and sort keys: a run attribute
 * ({@code state}, {@code created}…), {@code config.<path>} or {@code summary.<path>}.
 * Nested keys use dots: {@code config.optimizer.lr}.
 */
public record Field(Kind kind, String path) {

    public enum Kind {
        ATTRIBUTE,
        CONFIG,
        SUMMARY
    }

    /** Run attributes a filter or sort may name. */
    public static final Set<String> ATTRIBUTES = Set.of(
            "id",
            "name",
            "project",
            "state",
            "user",
            "notes",
            "tags",
            "group",
            "sweep",
            "host",
            "created",
            "runtime",
            "heartbeat",
            "ended");

    /**
     * Parses {@code config.x}, {@code summary.x} or an attribute; any other bare name is taken as
     * a summary metric ({@code val_loss} means {@code summary.val_loss}), as W&B users expect.
     */
    public static Field parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw KeelException.invalid("empty field name: use an attribute (" + String.join(", ", ATTRIBUTES)
                    + "), config.KEY or summary.KEY");
        }
        if (t.startsWith("config.") && t.length() > 7) {
            return new Field(Kind.CONFIG, t.substring(7));
        }
        if (t.startsWith("summary.") && t.length() > 8) {
            return new Field(Kind.SUMMARY, t.substring(8));
        }
        if (ATTRIBUTES.contains(t)) {
            return new Field(Kind.ATTRIBUTE, t);
        }
        return new Field(Kind.SUMMARY, t);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ATTRIBUTE -> path;
            case CONFIG -> "config." + path;
            case SUMMARY -> "summary." + path;
        };
    }
}
