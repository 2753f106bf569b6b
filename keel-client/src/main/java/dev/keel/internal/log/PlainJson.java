package dev.keel.internal.log;

import dev.keel.core.JsonText;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a record made only of maps with string keys, lists, strings, booleans, whole numbers and
 * doubles as the same JSON {@link LogRecords} reads (non-finite doubles as the bare tokens
 * {@code NaN}, {@code Infinity}, {@code -Infinity}). The record a run writes while it starts is
 * such a tree, and writing it by hand spares {@code Keel.init} loading Jackson on the caller's
 * thread; anything else is left to Jackson.
 */
final class PlainJson {
    /** Deeper trees than any the stores accept are left to Jackson. */
    private static final int MAX_DEPTH = 64;

    private PlainJson() {}

    /** The UTF-8 JSON of {@code value}, or null when it holds anything but the plain types above. */
    static byte[] write(Object value) {
        StringBuilder out = new StringBuilder(256);
        return append(out, value, MAX_DEPTH) ? out.toString().getBytes(StandardCharsets.UTF_8) : null;
    }

    private static boolean append(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            return JsonText.appendQuoted(out, s);
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            out.append(value);
        } else if (value instanceof Double d) {
            out.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : d.toString());
        } else if (depth <= 0) {
            return false;
        } else if (value instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return false;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                if (!JsonText.appendQuoted(out, key)) {
                    return false;
                }
                out.append(':');
                if (!append(out, e.getValue(), depth - 1)) {
                    return false;
                }
            }
            out.append('}');
        } else if (value instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (!append(out, l.get(i), depth - 1)) {
                    return false;
                }
            }
            out.append(']');
        } else {
            return false;
        }
        return true;
    }
}
