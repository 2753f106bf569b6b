package dev.keel.core.data;

import dev.keel.core.KeelException;

import java.util.Locale;

/** Who may see a dataset. Stored now; enforced by the server. */
public enum Visibility {
    PRIVATE,
    TEAM,
    PUBLIC;

    /** The lower-case form used on the command line, in JSON and in the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility parse(String text) {
        if (text == null || text.isBlank()) {
            return PRIVATE;
        }
        for (Visibility v : values()) {
            if (v.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw KeelException.invalid("unknown visibility '" + text + "': use private, team or public");
    }
}
