package dev.keel.core;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The limits on config and summary trees that every door into a store applies (the SDK at
 * {@code Keel.init} and {@code summary().put}, the server's wire forms), so that whatever is
 * stored can be read back: JSON readers refuse names over 50,000 characters and nesting past
 * 1,000 levels, and recursive code overflows the stack long before either.
 */
public final class ValueLimits {
    /** The longest key at any level of a config or summary tree (also metric names, tags). */
    public static final int MAX_KEY = 250;
    /** The longest string value (also notes and console lines). */
    public static final int MAX_TEXT = 1 << 20;
    /** How deep a value may nest: {@code {"a": {"b": 1}}} is a value 2 levels deep under "a". */
    public static final int MAX_DEPTH = 100;

    private ValueLimits() {}

    /**
     * One thing over a limit: {@code path} is the dotted path of the map entry that holds it,
     * already shortened for messages, and {@code problem} continues a sentence that starts with
     * the key, e.g. {@code is nested more than 100 levels deep; flatten it}.
     */
    public record Violation(String path, String problem) {
        /** {@code <what> key "<path>" <problem>}, e.g. {@code config key "x" is …}. */
        public String message(String what) {
            return what + " key \"" + path + "\" " + problem;
        }
    }

    /** A key as messages show it: at most 40 characters, then "…". */
    public static String shown(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "…" : key;
    }

    /** {@code n} with thousands separators, the same in every locale. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Whether {@code value} nests more than {@code levels} maps, lists or arrays deep. Walks
     * plain Java collections only (a bean is a leaf here) and never more than {@code levels + 1}
     * levels, so it is safe on any input.
     */
    public static boolean deeperThan(Object value, int levels) {
        if (value instanceof Map<?, ?> m) {
            if (levels == 0) {
                return true;
            }
            for (Object v : m.values()) {
                if (deeperThan(v, levels - 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Iterable<?> it) {
            if (levels == 0) {
                return true;
            }
            for (Object v : it) {
                if (deeperThan(v, levels - 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value != null
                && value.getClass().isArray()
                && !value.getClass().getComponentType().isPrimitive()) {
            if (levels == 0) {
                return true;
            }
            for (int i = 0; i < Array.getLength(value); i++) {
                if (deeperThan(Array.get(value, i), levels - 1)) {
                    return true;
                }
            }
            return false;
        }
        return value != null && value.getClass().isArray() && levels == 0;
    }

    /** The first entry of {@code tree} over a limit, or null; the tree is not changed. */
    public static Violation firstViolation(Map<String, ?> tree) {
        List<Violation> found = new ArrayList<>(1);
        walk(tree, "", MAX_DEPTH, false, found);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Removes every entry of {@code tree} that is over a limit, where it is (a long key inside a
     * section goes, the section stays), and says what went. The maps must be modifiable.
     */
    public static List<Violation> prune(Map<String, Object> tree) {
        List<Violation> removed = new ArrayList<>();
        walk(tree, "", MAX_DEPTH, true, removed);
        return removed;
    }

    /** Why {@code value} (under a key that is fine) is over a limit, or null. */
    public static String valueProblem(Object value) {
        if (deeperThan(value, MAX_DEPTH)) {
            return depthProblem();
        }
        return insideValue(value);
    }

    static String depthProblem() {
        return "is nested more than " + MAX_DEPTH + " levels deep; flatten it";
    }

    private static String keyProblem(String key) {
        return key.length() > MAX_KEY
                ? "(" + count(key.length()) + " characters) is longer than the limit of " + MAX_KEY
                : null;
    }

    private static String textProblem(String text) {
        return text.length() > MAX_TEXT
                ? "holds a value of " + count(text.length()) + " characters, more than the limit of " + count(MAX_TEXT)
                : null;
    }

    @SuppressWarnings("unchecked")
    private static void walk(Map<String, ?> map, String prefix, int levels, boolean remove, List<Violation> out) {
        for (Iterator<? extends Map.Entry<String, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ?> e = it.next();
            String key = String.valueOf(e.getKey());
            String path = prefix + shown(key);
            String problem = keyProblem(key);
            Object v = e.getValue();
            if (problem == null && deeperThan(v, levels)) {
                problem = depthProblem();
            }
            if (problem == null && v instanceof String s) {
                problem = textProblem(s);
            }
            if (problem == null && v instanceof Map<?, ?> m) {
                walk((Map<String, ?>) m, path + ".", levels - 1, remove, out);
            } else if (problem == null && v instanceof Iterable<?>) {
                // a list is kept or dropped whole: its items have no names to report
                problem = insideValue(v);
            }
            if (problem != null) {
                out.add(new Violation(path, problem));
                if (!remove) {
                    return;
                }
                it.remove();
            }
            if (!remove && !out.isEmpty()) {
                return;
            }
        }
    }

    /** The first problem inside a value whose depth is already known to be fine, or null. */
    private static String insideValue(Object v) {
        if (v instanceof String s) {
            return textProblem(s);
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.length() > MAX_KEY) {
                    return "holds a key of " + count(key.length()) + " characters, longer than the limit of " + MAX_KEY;
                }
                String inner = insideValue(e.getValue());
                if (inner != null) {
                    return inner;
                }
            }
        }
        if (v instanceof Iterable<?> items) {
            for (Object item : items) {
                String inner = insideValue(item);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
