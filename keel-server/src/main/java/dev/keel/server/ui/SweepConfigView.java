package dev.keel.server.ui;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the sweep page shows of a sweep's YAML configuration: method, metric, goal, run cap and,
 * per parameter, whether it is searched on a log scale and the order of its listed values. Read
 * leniently: the sweep was validated when it was created, and a page must still show a sweep
 * whose configuration a later version would word differently (anything unreadable is left out).
 */
record SweepConfigView(String method, String metric, boolean minimize, long runCap, Map<String, Object> parameters) {

    static SweepConfigView of(String yamlText) {
        Map<String, Object> root = Map.of();
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            if (new Yaml(new SafeConstructor(options)).load(yamlText) instanceof Map<?, ?> m) {
                root = cast(m);
            }
        } catch (RuntimeException e) {
            // an unreadable configuration shows as "unknown" method and metric
        }
        Map<String, Object> metric = root.get("metric") instanceof Map<?, ?> m ? cast(m) : Map.of();
        String goal = String.valueOf(metric.getOrDefault("goal", "minimize"));
        return new SweepConfigView(
                text(root.get("method")),
                text(metric.get("name")),
                !goal.toLowerCase(Locale.ROOT).startsWith("max"),
                root.get("run_cap") instanceof Number n ? n.longValue() : 0,
                root.get("parameters") instanceof Map<?, ?> p ? cast(p) : Map.of());
    }

    /**
     * The specification of a parameter named by its flat key ({@code optimizer.lr}): a key with
     * the dots in it, or a path through nested maps, with or without W&B's {@code parameters:}
     * level in between.
     */
    Map<String, Object> spec(String key) {
        return spec(parameters, key);
    }

    private static Map<String, Object> spec(Map<String, Object> level, String key) {
        if (level.get(key) instanceof Map<?, ?> m) {
            return cast(m);
        }
        int dot = key.indexOf('.');
        while (dot > 0) {
            if (level.get(key.substring(0, dot)) instanceof Map<?, ?> m) {
                Map<String, Object> inner = cast(m);
                Map<String, Object> nested = inner.get("parameters") instanceof Map<?, ?> p ? cast(p) : inner;
                Map<String, Object> found = spec(nested, key.substring(dot + 1));
                if (!found.isEmpty()) {
                    return found;
                }
            }
            dot = key.indexOf('.', dot + 1);
        }
        return Map.of();
    }

    /** True when the parameter is drawn from a log-scaled distribution ({@code log_uniform_values}, …). */
    boolean logScale(String key) {
        Object d = spec(key).get("distribution");
        return d != null && d.toString().toLowerCase(Locale.ROOT).contains("log");
    }

    /** The values a parameter lists ({@code values:}), in the author's order; empty when none. */
    List<Object> values(String key) {
        return spec(key).get("values") instanceof List<?> l
                ? Collections.unmodifiableList(new ArrayList<>(l))
                : List.of();
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
