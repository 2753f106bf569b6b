package dev.keel.internal.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.keel.core.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level properties of a config source, unconverted, so that one entry that cannot be
 * converted can be left out and the rest kept.
 */
final class Beans {
    private Beans() {}

    /** Name → raw value, as Jackson would name them; null when the object cannot be taken apart. */
    static Map<String, Object> properties(Object source) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (source instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        try {
            BeanDescription d =
                    Json.MAPPER.getSerializationConfig().introspect(Json.MAPPER.constructType(source.getClass()));
            for (BeanPropertyDefinition p : d.findProperties()) {
                AnnotatedMember accessor = p.getAccessor();
                if (accessor == null) {
                    continue;
                }
                accessor.fixAccess(true);
                out.put(p.getName(), accessor.getValue(source));
            }
            return out;
        } catch (RuntimeException e) {
            // an accessor that throws or cannot be opened: the caller drops the whole source instead
            return null;
        }
    }
}
