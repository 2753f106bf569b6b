package dev.keel.server.api;

import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.store.wire.RunJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the native API. Times are epoch milliseconds; non-finite numbers are the
 * strings "NaN", "Infinity" and "-Infinity" (plain JSON has no such numbers). A run carries every
 * field of {@link RunInfo}, so that a remote store can rebuild it exactly.
 */
public final class Views {
    private Views() {}

    /** A run as the wire codec writes it, so the remote store reads back exactly what it sent. */
    public static Map<String, Object> run(RunInfo run) {
        return RunJson.toMap(run);
    }

    public static Map<String, Object> project(ProjectInfo p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("run_count", p.runCount());
        out.put("created_at", p.createdAt());
        out.put("last_activity_at", p.lastActivityAt());
        return out;
    }

    /** A series as parallel arrays (steps, values, timestamps): compact for a million points. */
    public static Map<String, Object> series(MetricSeries s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", s.key());
        out.put("steps", s.steps());
        List<Object> values = new ArrayList<>(s.size());
        for (double v : s.values()) {
            values.add(Double.isFinite(v) ? (Object) v : Json.nonFiniteName(v));
        }
        out.put("values", values);
        out.put("timestamps", s.timestamps());
        return out;
    }

    public static Map<String, Object> console(ConsoleLine line) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seq", line.seq());
        out.put("timestamp", line.timestamp());
        out.put("stream", line.stream());
        out.put("text", line.text());
        return out;
    }

    public static Map<String, Object> file(RunFile f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", f.name());
        out.put("hash", f.hash());
        out.put("size", f.size());
        out.put("kind", f.kind());
        out.put("created_at", f.createdAt());
        return out;
    }
}
