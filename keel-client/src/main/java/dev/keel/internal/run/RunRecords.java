package dev.keel.internal.run;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.internal.log.EventType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of a {@code CREATE} record: the run as it was created. */
public final class RunRecords {
    private RunRecords() {}

    public static Map<String, Object> toMap(RunInfo r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("project", r.project());
        m.put("name", r.name());
        m.put("group", r.group());
        m.put("user", r.user());
        m.put("tags", r.tags());
        m.put("notes", r.notes());
        m.put("createdAt", r.createdAt());
        m.put("sweep", r.sweep());
        m.put("host", r.host());
        m.put("pid", r.pid());
        m.put("config", r.config());
        return m;
    }

    /**
     * The name a CREATE record carries when it was written before the store numbered the run
     * (a blank name is never a run's: init replaces it with the numbered one).
     */
    public static final String UNNAMED = "";

    /** Whether {@code r} was created before it had a name (see {@link #UNNAMED}). */
    public static boolean unnamed(RunInfo r) {
        return r.name() == null || r.name().isBlank();
    }

    /**
     * The run's name in a log whose CREATE record has none (it was written before the store
     * numbered the run): the first META record that names it, else null.
     */
    public static String nameOf(RunInfo created, EventType type, Map<String, Object> payload, String sofar) {
        if (!unnamed(created) || sofar != null || type != EventType.META) {
            return sofar;
        }
        return payload.get("name") instanceof String n ? n : null;
    }

    @SuppressWarnings("unchecked")
    public static RunInfo fromMap(Map<String, Object> m) {
        long created = ((Number) m.getOrDefault("createdAt", 0L)).longValue();
        return new RunInfo(
                (String) m.get("id"),
                (String) m.get("project"),
                (String) m.get("name"),
                (String) m.get("group"),
                (String) m.get("user"),
                (List<String>) m.get("tags"),
                (String) m.get("notes"),
                RunState.RUNNING,
                created,
                created,
                0,
                0,
                (String) m.get("sweep"),
                (String) m.get("host"),
                ((Number) m.getOrDefault("pid", 0L)).longValue(),
                (Map<String, Object>) m.get("config"),
                Map.of());
    }
}
