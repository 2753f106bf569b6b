package dev.keel.internal.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.ValueLimits;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
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
 *
 * <p>What a store could not read back ({@link ValueLimits}: long keys, huge strings, deep
 * nesting) is left out with a problem naming it rather than thrown: a run must not fail to start
 * over one config entry, and must not store what would break every later listing.
 */
public final class ConfigResolver {
    private static final String GOES_ON = "; the run goes on without it";

    private ConfigResolver() {}

    /** Loaded on first use only: a config of plain maps and values never needs Jackson. */
    private static final class Limited {
        /** Writes stop one level past the limit (the top-level map is a level of its own). */
        static final ObjectMapper MAPPER = Json.MAPPER.copyWith(JsonFactory.builder()
                .streamWriteConstraints(StreamWriteConstraints.builder()
                        .maxNestingDepth(ValueLimits.MAX_DEPTH + 1)
                        .build())
                .build());
    }

    /** Resolves, throwing on the first entry over a limit (where no run is there to go on). */
    public static Map<String, Object> resolve(List<Object> sources, List<String> overrides) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> result = resolve(sources, overrides, problems);
        if (!problems.isEmpty()) {
            throw KeelException.invalid(problems.get(0));
        }
        return result;
    }

    /** Resolves; entries over a limit are left out, each with a message added to {@code problems}. */
    public static Map<String, Object> resolve(List<Object> sources, List<String> overrides, List<String> problems) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            mergeInto(result, toMap(sources.get(i), i, problems));
        }
        for (String o : overrides) {
            Overrides.apply(result, o, problems);
        }
        for (ValueLimits.Violation v : ValueLimits.prune(result)) {
            problems.add(v.message("config") + GOES_ON);
        }
        return result;
    }

    /** Reads one source as a canonical map; nesting past the limit is left out with a problem. */
    static Map<String, Object> toMap(Object source, int index, List<String> problems) {
        if (source instanceof Path || source instanceof File) {
            Path file = source instanceof Path p ? p : ((File) source).toPath();
            Map<String, Object> read = YamlConfig.read(file);
            if (read == null) {
                problems.add("config file " + file + " is nested more than " + ValueLimits.MAX_DEPTH
                        + " levels deep; flatten it" + GOES_ON);
                return new LinkedHashMap<>();
            }
            return read;
        }
        requireKeys(source, index);
        Object shallow = source;
        if (source instanceof Map<?, ?> m) {
            Map<Object, Object> kept = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (ValueLimits.deeperThan(v, ValueLimits.MAX_DEPTH)) {
                    problems.add(depthMessage(String.valueOf(k)));
                } else {
                    kept.put(k, v);
                }
            });
            shallow = kept;
            Object plain = PlainTree.canonical(kept, ValueLimits.MAX_DEPTH + 1);
            if (plain != PlainTree.NOT_PLAIN) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) plain;
                return map;
            }
        }
        if (tooDeep(shallow)) {
            Map<String, Object> properties = Beans.properties(shallow);
            if (properties == null) {
                problems.add("config source #" + (index + 1) + " ("
                        + source.getClass().getName() + ") is nested" + " more than " + ValueLimits.MAX_DEPTH
                        + " levels deep; flatten it" + GOES_ON);
                return new LinkedHashMap<>();
            }
            properties.entrySet().removeIf(e -> {
                boolean deep = tooDeep(e.getValue());
                if (deep) {
                    problems.add(depthMessage(e.getKey()));
                }
                return deep;
            });
            shallow = properties;
        }
        return toMap(shallow, index);
    }

    private static String depthMessage(String key) {
        return "config key \"" + ValueLimits.shown(key) + "\" is nested more than " + ValueLimits.MAX_DEPTH
                + " levels deep; flatten it" + GOES_ON;
    }

    /** Refuses a source that is not an object with keys, saying what to pass instead. */
    private static void requireKeys(Object source, int index) {
        if (source == null) {
            throw KeelException.invalid("config source #" + (index + 1) + " is null: pass a Map, a POJO or "
                    + "record, or a YAML file Path");
        }
        if (source instanceof CharSequence
                || source instanceof Number
                || source instanceof Boolean
                || source instanceof Iterable<?>
                || source.getClass().isArray()
                || source instanceof Enum<?>) {
            throw KeelException.invalid("config source #" + (index + 1) + " is a "
                    + source.getClass().getName()
                    + ", which has no keys: pass a Map, a POJO or record, or a YAML file Path"
                    + (source instanceof CharSequence ? " (use configFile(Path.of(\"…\")) for a file)" : ""));
        }
    }

    /** Reads one source as a canonical map. */
    private static Map<String, Object> toMap(Object source, int index) {
        requireKeys(source, index);
        Object canonical = convert(
                source,
                "config source #" + (index + 1) + " (" + source.getClass().getName() + ")");
        if (!(canonical instanceof Map<?, ?>)) {
            throw KeelException.invalid(
                    "config source #" + (index + 1) + " (" + source.getClass().getName()
                            + ") does not read as an object with keys: pass a Map, a POJO or record, or a YAML file Path");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) canonical;
        return map;
    }

    /**
     * Converts any JSON-like value (or bean) to canonical collections and numbers; a value nested
     * more than {@link ValueLimits#MAX_DEPTH} levels is refused with a message saying so.
     */
    public static Object canonical(Object value, String what) {
        if (!ValueLimits.deeperThan(value, ValueLimits.MAX_DEPTH)) {
            Object plain = PlainTree.canonical(value, ValueLimits.MAX_DEPTH);
            if (plain != PlainTree.NOT_PLAIN) {
                return plain;
            }
        }
        if (ValueLimits.deeperThan(value, ValueLimits.MAX_DEPTH) || tooDeep(value)) {
            throw KeelException.invalid(
                    what + " is nested more than " + ValueLimits.MAX_DEPTH + " levels deep; flatten it");
        }
        Object c = convert(value, what);
        if (ValueLimits.deeperThan(c, ValueLimits.MAX_DEPTH)) {
            throw KeelException.invalid(
                    what + " is nested more than " + ValueLimits.MAX_DEPTH + " levels deep; flatten it");
        }
        return c;
    }

    /**
     * Whether writing {@code value} as JSON goes past the depth limit. Jackson's conversion does
     * not apply its writers' depth limit and recurses until the stack overflows, so a dry run
     * through a real writer (to nowhere) comes first.
     */
    static boolean tooDeep(Object value) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean) {
            return false;
        }
        try {
            Limited.MAPPER.writeValue(OutputStream.nullOutputStream(), value);
            return false;
        } catch (IOException | RuntimeException e) {
            // anything else wrong with the value is reported by the conversion, in its words
            return causedBy(e, StreamConstraintsException.class) != null;
        }
    }

    private static Object convert(Object value, String what) {
        if (value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Long
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

    private static <T extends Throwable> T causedBy(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
        if (v instanceof BigDecimal d) {
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
