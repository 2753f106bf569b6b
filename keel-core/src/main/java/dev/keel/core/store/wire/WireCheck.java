package dev.keel.core.store.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.ValueLimits;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads of JSON fields whose errors name the field and say what was expected. */
final class WireCheck {
    /** The longest metric, summary or config key (the SDK's own limit). */
    static final int MAX_KEY = ValueLimits.MAX_KEY;
    /** Console lines (the SDK cuts them at 16 KiB) and notes. */
    static final int MAX_TEXT = ValueLimits.MAX_TEXT;

    private WireCheck() {}

    static KeelException bad(String field, String problem) {
        return KeelException.invalid("field '" + field + "' " + problem);
    }

    static void object(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw bad(field, "must be a JSON object, got " + kind(node));
        }
    }

    static void onlyKnown(JsonNode node, String where, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw KeelException.invalid("unknown field '" + (where.isEmpty() ? f : where + "." + f)
                        + "': the accepted fields are " + String.join(", ", known));
            }
        }
    }

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return n.getNodeType().name().toLowerCase();
    }

    static long integer(JsonNode n, String field) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad(field, "must be a whole number, got " + show(n));
        }
        return n.longValue();
    }

    static long integer(JsonNode parent, String name, String field, long fallback) {
        JsonNode n = parent.get(name);
        return n == null || n.isNull() ? fallback : integer(n, field);
    }

    static String text(JsonNode n, String field, int maxLength) {
        if (n == null || !n.isTextual()) {
            throw bad(field, "must be a string, got " + show(n));
        }
        String s = n.textValue();
        if (s.length() > maxLength) {
            throw bad(field, "has " + s.length() + " characters, more than " + maxLength);
        }
        return s;
    }

    static String optionalText(JsonNode parent, String name, String field, int maxLength) {
        JsonNode n = parent.get(name);
        return n == null || n.isNull() ? null : text(n, field, maxLength);
    }

    /** A metric, summary or config key: 1–250 characters, no control characters. */
    static String key(String k, String field) {
        if (k == null || k.isEmpty()) {
            throw bad(field, "is an empty key: names need 1 to " + MAX_KEY + " characters");
        }
        if (k.length() > MAX_KEY) {
            throw bad(field, "has a key of " + k.length() + " characters, more than " + MAX_KEY);
        }
        for (int i = 0; i < k.length(); i++) {
            if (Character.isISOControl(k.charAt(i))) {
                throw bad(
                        field,
                        "has a key with a control character (U+" + String.format("%04X", (int) k.charAt(i)) + ")");
            }
        }
        return k;
    }

    /** A number, or one of the strings "NaN", "Infinity", "-Infinity". */
    static double number(JsonNode n, String field) {
        if (n != null && n.isNumber()) {
            return n.doubleValue();
        }
        Double named = n != null && n.isTextual() ? Json.nonFiniteValue(n.textValue()) : null;
        if (named != null) {
            return named;
        }
        throw bad(field, "must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", got " + show(n));
    }

    /**
     * A JSON object as a tree of maps, lists, strings, numbers, booleans and nulls. Metric names
     * (summary keys) are checked as the SDK checks them; config and summary trees must be within
     * {@link ValueLimits}, as the SDK keeps them, so that every reader can read them back;
     * provenance keeps any key.
     */
    static Map<String, Object> tree(JsonNode n, String field, boolean metricKeys) {
        return tree(n, field, metricKeys, true);
    }

    static Map<String, Object> tree(JsonNode n, String field, boolean metricKeys, boolean limited) {
        object(n, field);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (metricKeys) {
                key(e.getKey(), field);
            }
            if (limited && deeperThan(e.getValue(), ValueLimits.MAX_DEPTH)) {
                // checked on the tree first: converting a value hundreds of levels deep recurses that deep
                throw KeelException.invalid(new ValueLimits.Violation(
                                        ValueLimits.shown(e.getKey()),
                                        "is nested more than " + ValueLimits.MAX_DEPTH + " levels deep; flatten it")
                                .message("field '" + field + "':")
                        + "; nothing of this request was stored");
            }
            out.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
        }
        ValueLimits.Violation v = limited ? ValueLimits.firstViolation(out) : null;
        if (v != null) {
            throw KeelException.invalid(v.message("field '" + field + "':") + "; nothing of this request was stored");
        }
        return out;
    }

    /** Whether {@code n} nests more than {@code levels} objects or arrays deep; looks no deeper than that. */
    static boolean deeperThan(JsonNode n, int levels) {
        if (!n.isContainerNode()) {
            return false;
        }
        if (levels == 0) {
            return true;
        }
        for (JsonNode child : n) {
            if (deeperThan(child, levels - 1)) {
                return true;
            }
        }
        return false;
    }

    static List<String> strings(JsonNode n, String field, int maxLength) {
        if (n == null || !n.isArray()) {
            throw bad(field, "must be an array of strings, got " + show(n));
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(text(n.get(i), field + "[" + i + "]", maxLength));
        }
        return out;
    }

    static JsonNode array(JsonNode n, String field) {
        if (n == null || !n.isArray()) {
            throw bad(field, "must be an array, got " + show(n));
        }
        return n;
    }

    static String show(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
