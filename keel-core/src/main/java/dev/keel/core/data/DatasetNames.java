package dev.keel.core.data;

import dev.keel.core.KeelException;

import java.util.regex.Pattern;

/** Validation of dataset names and tags, with messages that say what is allowed. */
public final class DatasetNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("v[0-9]+");

    private DatasetNames() {}

    /** Returns {@code name} when valid; otherwise a clear error naming the rule. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw KeelException.invalid("invalid dataset name '" + name + "': use 1-64 characters a-z, 0-9, '.', '_'"
                    + " or '-', starting with a letter or digit (e.g. fashion-mnist)");
        }
        return name;
    }

    /** Tags follow the name rule and may not look like a version number or be 'latest'. */
    public static String checkTag(String tag) {
        if (tag == null || !NAME.matcher(tag).matches()) {
            throw KeelException.invalid("invalid tag '" + tag + "': use 1-64 characters a-z, 0-9, '.', '_' or '-',"
                    + " starting with a letter or digit (e.g. prod)");
        }
        if (tag.equals("latest") || VERSION.matcher(tag).matches()) {
            throw KeelException.invalid("invalid tag '" + tag + "': 'latest' and v<number> are reserved for versions");
        }
        return tag;
    }

    static boolean isVersion(String s) {
        return VERSION.matcher(s).matches();
    }
}
