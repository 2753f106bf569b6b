package dev.keel.core.store.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Ids;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A run as JSON, the shape of {@code GET /api/v1/runs/{id}} (every field of {@link RunInfo}, times
 * in epoch ms, non-finite numbers as strings), and of the body of {@code POST
 * /api/v1/projects/{project}/runs}, which adds {@code provenance}.
 */
public final class RunJson {
    static final int MAX_NAME = 250;
    private static final Set<String> FIELDS = Set.of(
            "id",
            "project",
            "name",
            "group",
            "user",
            "tags",
            "notes",
            "state",
            "created_at",
            "heartbeat_at",
            "ended_at",
            "runtime_ms",
            "sweep",
            "host",
            "pid",
            "config",
            "summary",
            "provenance",
            "problems");

    private RunJson() {}

    public static Map<String, Object> toMap(RunInfo run) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", run.id());
        out.put("project", run.project());
        out.put("name", run.name());
        out.put("group", run.group());
        out.put("user", run.user());
        out.put("tags", run.tags());
        out.put("notes", run.notes());
        out.put("state", run.state().label());
        out.put("created_at", run.createdAt());
        out.put("heartbeat_at", run.heartbeatAt());
        out.put("ended_at", run.endedAt());
        out.put("runtime_ms", run.runtimeMs());
        out.put("sweep", run.sweep());
        out.put("host", run.host());
        out.put("pid", run.pid());
        out.put("config", Json.encodeNonFinite(run.config()));
        out.put("summary", Json.encodeNonFinite(run.summary()));
        out.put("problems", run.problems());
        return out;
    }

    /** The body of a create request: the run plus its provenance. */
    public static Map<String, Object> createBody(RunInfo run, Map<String, Object> provenance) {
        Map<String, Object> out = toMap(run);
        out.put("provenance", Json.encodeNonFinite(provenance == null ? Map.of() : provenance));
        return out;
    }

    /**
     * Reads and validates a run. {@code project}, when not null, is the project named in the
     * path: a body naming another project is refused.
     */
    public static RunInfo read(JsonNode n, String project) {
        return read(n, project, true);
    }

    private static RunInfo read(JsonNode n, String project, boolean fromUser) {
        WireCheck.object(n, "run");
        WireCheck.onlyKnown(n, "", FIELDS);
        String id = WireCheck.text(n.get("id"), "id", 64);
        if (fromUser && !Ids.isRunId(id)) {
            throw WireCheck.bad("id", "must be a run id (8 characters a-z, 0-9), got \"" + id + "\"");
        }
        String p = n.hasNonNull("project") ? WireCheck.text(n.get("project"), "project", MAX_NAME) : project;
        if (p == null || p.isBlank()) {
            throw WireCheck.bad("project", "must name the run's project");
        }
        if (project != null && !project.equals(p)) {
            throw WireCheck.bad("project", "is \"" + p + "\" but the path names project \"" + project + "\"");
        }
        String name = WireCheck.text(n.get("name"), "name", MAX_NAME);
        RunState state = RunState.RUNNING;
        String s = WireCheck.optionalText(n, "state", "state", 32);
        if (s != null) {
            try {
                state = RunState.parse(s);
            } catch (IllegalArgumentException e) {
                throw WireCheck.bad("state", e.getMessage());
            }
            if (fromUser && state == RunState.UNREACHABLE) {
                throw WireCheck.bad("state", "cannot be 'unreachable': the server decides it from heartbeats");
            }
        }
        return new RunInfo(
                id,
                p,
                name,
                WireCheck.optionalText(n, "group", "group", MAX_NAME),
                WireCheck.optionalText(n, "user", "user", MAX_NAME),
                n.hasNonNull("tags") ? WireCheck.strings(n.get("tags"), "tags", MAX_NAME) : null,
                WireCheck.optionalText(n, "notes", "notes", WireCheck.MAX_TEXT),
                state,
                WireCheck.integer(n, "created_at", "created_at", 0),
                WireCheck.integer(n, "heartbeat_at", "heartbeat_at", 0),
                WireCheck.integer(n, "ended_at", "ended_at", 0),
                WireCheck.integer(n, "runtime_ms", "runtime_ms", 0),
                WireCheck.optionalText(n, "sweep", "sweep", MAX_NAME),
                WireCheck.optionalText(n, "host", "host", MAX_NAME),
                WireCheck.integer(n, "pid", "pid", 0),
                n.hasNonNull("config") ? WireCheck.tree(n.get("config"), "config", false, fromUser) : null,
                // the wire carries non-finite metrics as their names, as the stores do
                n.hasNonNull("summary")
                        ? Json.decodeNonFinite(WireCheck.tree(n.get("summary"), "summary", fromUser, fromUser))
                        : null,
                n.hasNonNull("problems")
                        ? WireCheck.strings(n.get("problems"), "problems", BatchJson.MAX_PROBLEM)
                        : null);
    }

    /** The provenance of a create request, empty when absent. */
    public static Map<String, Object> provenance(JsonNode n) {
        JsonNode p = n.get("provenance");
        return p == null || p.isNull() ? new LinkedHashMap<>() : WireCheck.tree(p, "provenance", false, false);
    }

    /** Reads a run the server sent (trusted shape; a broken one is a protocol error, not user input). */
    public static RunInfo fromServer(JsonNode n) {
        try {
            return read(n, null, false);
        } catch (KeelException e) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    "the server sent a run this client cannot read: " + e.getMessage(),
                    e);
        }
    }
}
