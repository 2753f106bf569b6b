package dev.keel.internal.config;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a run's config from its sources, in order: each source (a map, a POJO/record or a
 * YAML file) is merged into the result key by key, nested maps recursively; then the
 * {@code key=value} overrides apply. The result holds only canonical JSON-like values
 * ({@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Long}, {@link Double},
 * {@link Boolean}, null), so it round-trips exactly through any store.
 */
public final class ConfigResolver {
    private ConfigResolver() {
    }

    public static Map<String, Object> resolve(List<Object> sources, List<String> overrides) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            mergeInto(result, toMap(sources.get(i), i));
        }
        for (String o : overrides) {
            Overrides.apply(result, o);
        }
        return result;
    }

    /** Reads one source as a canonical map. */
    static Map<String, Object> toMap(Object source, int index) {
        if (source == null) {
            throw KeelException.invalid("config source #" + (index + 1) + " is null: pass a Map, a POJO or "
                    + "record, or a YAML file Path");
        }
        if (source instanceof Path yaml) {
            return YamlConfig.read(yaml);
        }
        if (source instanceof java.io.File f) {
            return YamlConfig.read(f.toPath());
        }
        if (source instanceof CharSequence || source instanceof Number || source instanceof Boolean
                || source instanceof Iterable<?> || source.getClass().isArray() || source instanceof Enum<?>) {
            throw KeelException.invalid("config source #" + (index + 1) + " is a " + source.getClass().getName()
                    + ", which has no keys: pass a Map, a POJO or record, or a YAML file Path"
                    + (source instanceof CharSequence ? " (use configFile(Path.of(\"…\")) for a file)" : ""));
        }
        Object canonical = canonical(source, "config source #" + (index + 1) + " ("
                + source.getClass().getName() + ")");
        if (!(canonical instanceof Map<?, ?>)) {
            throw KeelException.invalid("config source #" + (index + 1) + " (" + source.getClass().getName()
                    + ") does not read as an object with keys: pass a Map, a POJO or record, or a YAML file Path");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) canonical;
        return map;
    }

    /** Converts any JSON-like value (or bean) to canonical collections and numbers. */
    public static Object canonical(Object value, String what) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        try {
            return normalize(Json.MAPPER.convertValue(value, Object.class));
        } catch (IllegalArgumentException e) {
            throw KeelException.invalid(what + " cannot be read as JSON-like config: " + e.getMessage()
                    + " (use maps, lists, strings, numbers, booleans, or beans made of them)");
        }
    }

    /** Narrow numbers to Long or Double, collections to LinkedHashMap or ArrayList. */
    private static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            // 0.1f means 0.1 to the person who wrote it, not 0.10000000149
            return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f.doubleValue();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

    /** Merges {@code source} into {@code target}: nested maps merge, everything else replaces. */
    @SuppressWarnings("unchecked")
    static void mergeInto(Map<String, Object> target, Map<String, Object> source) {
        for (Map.Entry<String, Object> e : source.entrySet()) {
            Object old = target.get(e.getKey());
            if (old instanceof Map<?, ?> oldMap && e.getValue() instanceof Map<?, ?> newMap) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) oldMap);
                mergeInto(merged, (Map<String, Object>) newMap);
                target.put(e.getKey(), merged);
            } else {
                target.put(e.getKey(), e.getValue());
            }
        }
    }
}
