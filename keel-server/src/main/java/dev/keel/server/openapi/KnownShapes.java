package dev.keel.server.openapi;

import dev.keel.server.http.Route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query parameters and JSON shapes known for routes, keyed by {@code "METHOD pattern"}. A
 * module that adds routes may add its shapes here; a route missing from these tables is still
 * documented, with a generic object.
 */
final class KnownShapes {
    private static final Map<String, List<Object>> QUERY = new LinkedHashMap<>();
    private static final Map<String, Object> RESPONSES = new LinkedHashMap<>();

    static {
        QUERY.put("GET /api/v1/projects/{project}/runs", List.of(
                query("filter", "string", "a filter in the CLI's language, e.g. config.lr < 0.01 and state = finished"),
                query("sort", "string", "a field to sort by, '-' in front for descending (e.g. -summary.val_loss)"),
                query("limit", "integer", "page size, 1-10000 (default 50)"),
                query("offset", "integer", "runs to skip (default 0)")));
        QUERY.put("GET /api/v1/runs/{id}/console", List.of(
                query("from", "integer", "first line's sequence number (default 0)"),
                query("limit", "integer", "most lines to return, 1-100000 (default 1000)")));

        RESPONSES.put("GET /healthz", object(Map.of("status", str())));
        RESPONSES.put("GET /api/v1/projects", object(Map.of("projects", array(OpenApiDocument.ref("Project")))));
        RESPONSES.put("GET /api/v1/projects/{project}", OpenApiDocument.ref("Project"));
        RESPONSES.put("GET /api/v1/projects/{project}/runs", object(Map.of("runs", array(OpenApiDocument.ref("Run")),
                "total", integer(), "offset", integer(), "limit", integer())));
        RESPONSES.put("GET /api/v1/runs/{id}", OpenApiDocument.ref("Run"));
        RESPONSES.put("GET /api/v1/runs/{id}/provenance", Map.of("type", "object", "additionalProperties", true));
        RESPONSES.put("GET /api/v1/runs/{id}/metrics", object(Map.of("keys", array(str()))));
        RESPONSES.put("GET /api/v1/runs/{id}/metrics/{key*}", OpenApiDocument.ref("MetricSeries"));
        RESPONSES.put("GET /api/v1/runs/{id}/console", object(Map.of("lines", array(OpenApiDocument.ref("ConsoleLine")))));
        RESPONSES.put("GET /api/v1/runs/{id}/files", object(Map.of("files", array(OpenApiDocument.ref("RunFile")))));
        RESPONSES.put("GET /metrics", str());
        RESPONSES.put("GET /api/v1/openapi.json", Map.of("type", "object", "description", "this document"));
    }

    private KnownShapes() {
    }

    static List<Object> queryParameters(Route route) {
        return QUERY.getOrDefault(route.method() + " " + route.pattern(), List.of());
    }

    static Object response(Route route) {
        Object known = RESPONSES.get(route.method() + " " + route.pattern());
        return known != null ? known : Map.of("type", "object");
    }

    static Object requestBody(Route route) {
        return Map.of("type", "object");
    }

    static String contentType(Route route) {
        return route.pattern().equals("/metrics") ? "text/plain" : "application/json";
    }

    /** The shared shapes of {@code components/schemas}. */
    static Map<String, Object> schemas() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Error", object(Map.of("error_code", Map.of("type", "string", "example", "RESOURCE_DOES_NOT_EXIST"),
                "message", str())));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", str());
        run.put("project", str());
        run.put("name", str());
        run.put("group", str());
        run.put("user", str());
        run.put("tags", array(str()));
        run.put("notes", str());
        run.put("state", Map.of("type", "string", "enum", List.of("running", "finished", "failed", "killed", "crashed",
                "unreachable")));
        run.put("created_at", integer());
        run.put("heartbeat_at", integer());
        run.put("ended_at", integer());
        run.put("runtime_ms", integer());
        run.put("sweep", str());
        run.put("host", str());
        run.put("pid", integer());
        run.put("config", Map.of("type", "object", "additionalProperties", true));
        run.put("summary", Map.of("type", "object", "additionalProperties", true));
        run.put("problems", array(str()));
        s.put("Run", object(run));
        s.put("Project", object(Map.of("name", str(), "run_count", integer(), "created_at", integer(),
                "last_activity_at", integer())));
        Map<String, Object> value = Map.of("oneOf", List.of(Map.of("type", "number"),
                Map.of("type", "string", "enum", List.of("NaN", "Infinity", "-Infinity"))));
        s.put("MetricSeries", object(Map.of("key", str(), "steps", array(integer()),
                "values", array(value), "timestamps", array(integer()))));
        s.put("ConsoleLine", object(Map.of("seq", integer(), "timestamp", integer(),
                "stream", Map.of("type", "string", "enum", List.of("out", "err")), "text", str())));
        s.put("RunFile", object(Map.of("name", str(), "hash", str(), "size", integer(), "kind", str(),
                "created_at", integer())));
        return s;
    }

    private static Map<String, Object> query(String name, String type, String description) {
        return Map.of("name", name, "in", "query", "required", false, "description", description,
                "schema", Map.of("type", type));
    }

    private static Map<String, Object> object(Map<String, Object> properties) {
        return Map.of("type", "object", "properties", properties);
    }

    private static Map<String, Object> array(Object items) {
        return Map.of("type", "array", "items", items);
    }

    private static Map<String, Object> str() {
        return Map.of("type", "string");
    }

    private static Map<String, Object> integer() {
        return Map.of("type", "integer", "format", "int64");
    }
}
