package dev.keel.cli.view;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a nested config or summary into dotted keys ({@code optimizer.lr}); lists stay whole. */
public final class Flatten {
    private Flatten() {}

    public static Map<String, Object> flatten(Map<String, ?> tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        walk("", tree, out);
        return out;
    }

    private static void walk(String prefix, Map<?, ?> tree, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : tree.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                walk(key + ".", nested, out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }
}
