package dev.keel.core.model;

import dev.keel.core.KeelException;

import java.util.regex.Pattern;

/**
 * A reference to a model version: {@code NAME:vN} (that version), {@code NAME@ALIAS} (the version
 * the alias points at) or {@code NAME} (the latest version; so does {@code NAME@latest}).
 *
 * @param version the number for {@code NAME:vN}; 0 otherwise
 * @param alias   the alias for {@code NAME@ALIAS}; null otherwise
 */
public record ModelRef(String name, int version, String alias) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String FORMS =
            "use NAME:vN (a version), NAME@ALIAS (e.g. NAME@production) or NAME (the latest)";

    /** Parses a ref, failing with a message that shows the forms it accepts. */
    public static ModelRef parse(String text) {
        String t = text == null ? "" : text.strip();
        int at = t.indexOf('@');
        int colon = t.indexOf(':');
        if (at >= 0 && colon >= 0) {
            throw KeelException.invalid("'" + t + "' names both a version and an alias: " + FORMS);
        }
        if (at >= 0) {
            String alias = t.substring(at + 1);
            checkName(t.substring(0, at), t);
            checkAlias(alias);
            return alias.equals("latest")
                    ? new ModelRef(t.substring(0, at), 0, null)
                    : new ModelRef(t.substring(0, at), 0, alias);
        }
        if (colon >= 0) {
            String v = t.substring(colon + 1);
            checkName(t.substring(0, colon), t);
            if (!v.matches("v[1-9][0-9]{0,8}")) {
                throw KeelException.invalid("'" + t + "' has version '" + v + "': a version is v1, v2…; " + FORMS);
            }
            return new ModelRef(t.substring(0, colon), Integer.parseInt(v.substring(1)), null);
        }
        checkName(t, t);
        return new ModelRef(t, 0, null);
    }

    /** Fails unless {@code name} is a model name: letters, digits, '.', '_', '-', up to 128. */
    public static void checkName(String name, String ref) {
        if (!NAME.matcher(name).matches()) {
            throw KeelException.invalid(
                    "'" + ref + "' does not start with a model name: a name is 1-128 letters, digits,"
                            + " '.', '_' or '-' starting with a letter or digit; " + FORMS);
        }
    }

    /** Fails unless {@code alias} is an alias: lower-case letters, digits, '_' and '-', from a letter. */
    public static void checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw KeelException.invalid("'" + alias + "' is not an alias: use 1-64 lower-case letters, digits, '_' or"
                    + " '-' starting with a letter, e.g. production or staging");
        }
    }

    /** True for {@code NAME} and {@code NAME@latest}. */
    public boolean latest() {
        return version == 0 && alias == null;
    }

    @Override
    public String toString() {
        return version > 0 ? name + ":v" + version : alias != null ? name + "@" + alias : name;
    }
}
