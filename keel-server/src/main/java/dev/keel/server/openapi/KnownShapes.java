package dev.keel.server.openapi;

import dev.keel.server.http.Route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters and JSON shapes known for routes, keyed by {@code "METHOD pattern"}. A
 * module that adds routes may add its shapes here; a route missing from these tables is still
 * documented, with a generic object.
 */
final class KnownShapes {
    /** Routes that answer 204 without a body when they succeed. */
    private static final Set<String> NO_CONTENT = Set.of(
            "DELETE /api/v1/runs/{id}",
            "DELETE /api/v1/session",
            "DELETE /api/v1/users/{user}/keys/{key}",
            "PUT /api/v1/users/{user}/password",
            "PUT /api/v1/teams/{team}/members/{user}",
            "DELETE /api/v1/teams/{team}/members/{user}",
            "DELETE /api/v1/datasets/{name}",
            "DELETE /api/v1/datasets/{name}/versions/{ref}",
            "DELETE /api/v1/datasets/{name}/tags/{tag}",
            "DELETE /api/v1/models/{model}/versions/{version}",
            "POST /api/v1/models/{model}/tags");
    /** What routes that do not answer JSON send, by pattern (any method). */
    private static final Map<String, List<String>> TYPES = new LinkedHashMap<>();

    private static final Map<String, Object> RESPONSES = new LinkedHashMap<>();

    static {
        for (String page : List.of(
                "/",
                "/login",
                "/projects/{project}",
                "/runs/{id}",
                "/sweeps/{sweep}",
                "/compare",
                "/datasets",
                "/datasets/{name}",
                "/models",
                "/models/{model}")) {
            TYPES.put(page, List.of("text/html"));
        }
        TYPES.put(
                "/ui/{path*}",
                List.of(
                        "text/javascript",
                        "text/css",
                        "text/html",
                        "image/svg+xml",
                        "image/png",
                        "image/x-icon",
                        "application/json",
                        "application/octet-stream"));
        TYPES.put("/vendor/uplot.js", List.of("text/javascript"));
        TYPES.put("/vendor/uplot.css", List.of("text/css"));
        TYPES.put("/metrics", List.of("text/plain"));
        TYPES.put("/api/v1/projects/{project}/runs.csv", List.of("text/csv"));
        TYPES.put("/api/v1/projects/{project}/events", List.of("text/event-stream"));
        TYPES.put("/api/v1/runs/{id}/events", List.of("text/event-stream"));
        TYPES.put("/api/v1/sweeps/{sweep}/events", List.of("text/event-stream"));
        TYPES.put("/api/v1/runs/{id}/files/{name*}", List.of("application/octet-stream", "text/plain"));
        TYPES.put("/api/v1/datasets/{name}/versions/{ref}/manifest", List.of("application/octet-stream"));
        TYPES.put("/api/v1/datasets/{name}/blobs/{hash}", List.of("application/octet-stream"));
        TYPES.put("/api/v1/models/{model}/versions/{version}/files/{file*}", List.of("application/octet-stream"));
        TYPES.put("/api/v1/datasets/{name}/blobs/fetch", List.of("application/x-keel-frames"));
        // an artifact's type follows its file name
        TYPES.put("/api/2.0/mlflow-artifacts/artifacts/{path*}", List.of("*/*"));
        RESPONSES.put("GET /healthz", object(Map.of("status", str())));
        RESPONSES.put("GET /api/v1/projects", object(Map.of("projects", array(OpenApiDocument.ref("Project")))));
        RESPONSES.put("GET /api/v1/projects/{project}", OpenApiDocument.ref("Project"));
        RESPONSES.put(
                "GET /api/v1/projects/{project}/runs",
                object(Map.of(
                        "runs",
                        array(OpenApiDocument.ref("Run")),
                        "total",
                        integer(),
                        "offset",
                        integer(),
                        "limit",
                        integer())));
        RESPONSES.put("GET /api/v1/runs/{id}", OpenApiDocument.ref("Run"));
        RESPONSES.put("GET /api/v1/runs/{id}/provenance", Map.of("type", "object", "additionalProperties", true));
        RESPONSES.put("GET /api/v1/runs/{id}/metrics", object(Map.of("keys", array(str()))));
        RESPONSES.put("GET /api/v1/runs/{id}/metrics/{key*}", OpenApiDocument.ref("MetricSeries"));
        RESPONSES.put(
                "GET /api/v1/runs/{id}/console", object(Map.of("lines", array(OpenApiDocument.ref("ConsoleLine")))));
        RESPONSES.put("GET /api/v1/runs/{id}/files", object(Map.of("files", array(OpenApiDocument.ref("RunFile")))));
        String sweeps = "/api/v1/sweeps";
        RESPONSES.put("POST " + sweeps, OpenApiDocument.ref("Sweep"));
        RESPONSES.put("GET " + sweeps, object(Map.of("sweeps", array(OpenApiDocument.ref("Sweep")))));
        RESPONSES.put("GET " + sweeps + "/{sweep}", OpenApiDocument.ref("Sweep"));
        RESPONSES.put("PATCH " + sweeps + "/{sweep}", OpenApiDocument.ref("Sweep"));
        RESPONSES.put(
                "GET " + sweeps + "/{sweep}/trials", object(Map.of("trials", array(OpenApiDocument.ref("Trial")))));
        RESPONSES.put("POST " + sweeps + "/{sweep}/claim", OpenApiDocument.ref("Claim"));
        for (String op : List.of("heartbeat", "stop", "end")) {
            RESPONSES.put("POST " + sweeps + "/{sweep}/trials/{number}/" + op, OpenApiDocument.ref("Trial"));
        }
        RESPONSES.put("GET /api/v1/runs/{id}/trial", OpenApiDocument.ref("Trial"));
        // the sweep page's data (dev.keel.server.ui): the sweep, and what the page draws from its trials
        Map<String, Object> anyObject = Map.of("type", "object", "additionalProperties", true);
        RESPONSES.put(
                "GET " + sweeps + "/{sweep}/overview",
                object(Map.of(
                        "sweep",
                        OpenApiDocument.ref("Sweep"),
                        "method",
                        str(),
                        "metric",
                        object(Map.of("name", str(), "goal", str())),
                        "run_cap",
                        integer(),
                        "parameters",
                        array(object(Map.of("name", str(), "kind", str(), "scale", str(), "values", array(str())))),
                        "counts",
                        Map.of("type", "object", "additionalProperties", integer()),
                        "total",
                        integer(),
                        "best",
                        Map.of("type", "object", "nullable", true, "additionalProperties", true),
                        "trials",
                        array(anyObject),
                        "importance",
                        anyObject)));
        RESPONSES.put("GET /api/v1/projects/{project}/sweeps", object(Map.of("sweeps", array(anyObject))));
        modelResponses();
        RESPONSES.put("GET /metrics", str());
        RESPONSES.put("GET /api/v1/openapi.json", Map.of("type", "object", "description", "this document"));
    }

    private KnownShapes() {}

    static Object response(Route route) {
        Object known = RESPONSES.get(route.method() + " " + route.pattern());
        return known != null ? known : Map.of("type", "object");
    }

    static boolean noContent(Route route) {
        return NO_CONTENT.contains(route.method() + " " + route.pattern());
    }

    /** The media types a successful answer may have. */
    static List<String> contentTypes(Route route) {
        if (route.method().equals("GET") || route.method().equals("HEAD")) {
            List<String> types = TYPES.get(route.pattern());
            if (types != null) {
                return types;
            }
        }
        if (route.pattern().equals("/api/v1/datasets/{name}/blobs/fetch")) {
            return TYPES.get(route.pattern());
        }
        return List.of("application/json");
    }

    /** One event of a {@code text/event-stream}: its name and its data (a JSON text). */
    static Object serverSentEvent() {
        return object(Map.of("event", str(), "data", str(), "id", str()));
    }

    /** The shared shapes of {@code components/schemas}. */
    static Map<String, Object> schemas() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(
                "Error",
                object(Map.of(
                        "error_code",
                        Map.of("type", "string", "example", "RESOURCE_DOES_NOT_EXIST"),
                        "message",
                        str())));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", str());
        run.put("project", str());
        run.put("name", str());
        run.put("group", str());
        run.put("user", str());
        run.put("tags", array(str()));
        run.put("notes", str());
        run.put(
                "state",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("running", "finished", "stopped", "failed", "killed", "crashed", "unreachable")));
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
        s.put(
                "Project",
                object(Map.of(
                        "name",
                        str(),
                        "run_count",
                        integer(),
                        "created_at",
                        integer(),
                        "last_activity_at",
                        integer())));
        Map<String, Object> value = Map.of(
                "oneOf",
                List.of(
                        Map.of("type", "number"),
                        Map.of("type", "string", "enum", List.of("NaN", "Infinity", "-Infinity"))));
        s.put(
                "MetricSeries",
                object(Map.of(
                        "key",
                        str(),
                        "steps",
                        array(integer()),
                        "values",
                        array(value),
                        "timestamps",
                        array(integer()))));
        s.put(
                "ConsoleLine",
                object(Map.of(
                        "seq",
                        integer(),
                        "timestamp",
                        integer(),
                        "stream",
                        Map.of("type", "string", "enum", List.of("out", "err")),
                        "text",
                        str())));
        s.put(
                "RunFile",
                object(Map.of(
                        "name", str(), "hash", str(), "size", integer(), "kind", str(), "created_at", integer())));
        sweepSchemas(s);
        modelSchemas(s);
        return s;
    }

    /** The model registry's answers (ModelsApi), in ModelWire's shapes. */
    private static void modelResponses() {
        String models = "/api/v1/models";
        String model = models + "/{model}";
        Map<String, Object> summary = OpenApiDocument.ref("ModelSummary");
        RESPONSES.put("GET " + models, object(Map.of("models", array(summary))));
        RESPONSES.put("GET " + model, summary);
        Map<String, Object> versions = object(Map.of("versions", array(OpenApiDocument.ref("ModelVersion"))));
        RESPONSES.put("GET " + model + "/versions", versions);
        RESPONSES.put("POST " + model + "/versions", OpenApiDocument.ref("ModelVersion"));
        RESPONSES.put("GET " + model + "/versions/{version}", OpenApiDocument.ref("ModelVersion"));
        RESPONSES.put(
                "GET " + model + "/aliases",
                object(Map.of(
                        "aliases",
                        Map.of("type", "object", "additionalProperties", integer()),
                        "moves",
                        array(OpenApiDocument.ref("AliasMove")))));
        RESPONSES.put("GET " + model + "/aliases/{alias}", OpenApiDocument.ref("ModelVersion"));
        RESPONSES.put("PUT " + model + "/aliases/{alias}", OpenApiDocument.ref("AliasMove"));
        RESPONSES.put("DELETE " + model + "/aliases/{alias}", object(Map.of("removed", Map.of("type", "boolean"))));
        RESPONSES.put("GET /api/v1/runs/{id}/models", versions);
    }

    private static void modelSchemas(Map<String, Object> s) {
        Map<String, Object> tags = Map.of("type", "object", "additionalProperties", str());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", str());
        m.put("project", str());
        m.put("owner", str());
        m.put("description", str());
        m.put("tags", tags);
        m.put("created", integer());
        m.put("updated", integer());
        m.put("latest", Map.of("type", "integer", "description", "the newest version's number; 0 when none"));
        m.put("aliases", Map.of("type", "object", "additionalProperties", integer()));
        s.put("ModelSummary", object(m));
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("run", str());
        lineage.put("datasets", array(str()));
        lineage.put("commit", str());
        lineage.put("config", Map.of("type", "object", "additionalProperties", true));
        lineage.put("metrics", Map.of("type", "object", "additionalProperties", true));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model", str());
        v.put("version", integer());
        v.put("ref", str());
        v.put("files", array(object(Map.of("path", str(), "hash", str(), "size", integer()))));
        v.put("lineage", object(lineage));
        v.put("signature", str());
        v.put("tags", tags);
        v.put("description", str());
        v.put("created_by", str());
        v.put("created", integer());
        v.put("size", integer());
        s.put("ModelVersion", object(v));
        Map<String, Object> move = new LinkedHashMap<>();
        move.put("model", str());
        move.put("alias", str());
        move.put("version", Map.of("type", "integer", "description", "0 when the alias was removed"));
        move.put("from", Map.of("type", "integer", "description", "0 when the alias was new"));
        move.put("moved_by", str());
        move.put("moved_at", integer());
        s.put("AliasMove", object(move));
    }

    private static void sweepSchemas(Map<String, Object> s) {
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("id", str());
        sweep.put("project", str());
        sweep.put("name", str());
        sweep.put("config", Map.of("type", "string", "description", "the YAML text as written"));
        sweep.put("seed", integer());
        sweep.put(
                "state",
                Map.of("type", "string", "enum", List.of("running", "paused", "stopped", "canceled", "finished")));
        sweep.put("created", integer());
        sweep.put("updated", integer());
        sweep.put("owner", str());
        s.put("Sweep", object(sweep));
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("sweep", str());
        trial.put("number", integer());
        trial.put("params", Map.of("type", "object", "additionalProperties", true));
        trial.put(
                "state",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("running", "finished", "stopped", "failed", "killed", "crashed", "no-metric")));
        trial.put("agent", str());
        trial.put("run", str());
        trial.put("claimed", integer());
        trial.put("heartbeat", integer());
        trial.put("ended", integer());
        trial.put("metric", Map.of("type", "number", "nullable", true));
        trial.put("reason", str());
        s.put("Trial", object(trial));
        s.put(
                "Claim",
                object(Map.of(
                        "outcome",
                        Map.of("type", "string", "enum", List.of("granted", "wait", "done")),
                        "trial",
                        OpenApiDocument.ref("Trial"),
                        "reason",
                        str())));
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
