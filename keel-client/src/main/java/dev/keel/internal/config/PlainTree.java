package dev.keel.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical form of a config made only of maps with string keys, lists, strings, booleans,
 * whole numbers and doubles: what Jackson's conversion gives for such a tree, without loading
 * Jackson, whose first use costs a fresh JVM more than the rest of {@code Keel.init}.
 * Anything else (beans, records, floats, big numbers, arrays, enums…) is left to Jackson.
 */
final class PlainTree {
    /** Returned for a tree holding anything but the plain types above. */
    static final Object NOT_PLAIN = new Object();

    private PlainTree() {}

    /** The canonical copy of {@code value}, or {@link #NOT_PLAIN}; nesting past {@code depth} is not plain. */
    static Object canonical(Object value, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (depth <= 0) {
            return NOT_PLAIN;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return NOT_PLAIN;
                }
                Object v = canonical(e.getValue(), depth - 1);
                if (v == NOT_PLAIN) {
                    return NOT_PLAIN;
                }
                out.put(key, v);
            }
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                Object v = canonical(x, depth - 1);
                if (v == NOT_PLAIN) {
                    return NOT_PLAIN;
                }
                out.add(v);
            }
            return out;
        }
        return NOT_PLAIN;
    }
}
