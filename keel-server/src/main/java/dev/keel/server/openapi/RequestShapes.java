package dev.keel.server.openapi;

import dev.keel.server.http.Route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each route accepts, as precisely as its handler checks it: the schema of every path
 * parameter, the query parameters (required where the handler refuses their absence) and the
 * request body (none, optional or required, with its fields). A generated request that fits
 * these shapes reaches the handler's real work (or a 404 for an id no one has); one that does
 * not is refused with a 4xx.
 */
final class RequestShapes {
    /** A dataset, tag or version name, as {@code DatasetNames} checks it. */
    static final String DATASET_NAME = "^[a-z0-9][a-z0-9._-]{0,63}$";
    /** A blob address. */
    static final String BLOB_ADDRESS = "^sha256:[0-9a-f]{64}$";
    /**
     * One path segment as the router lets it through: no NUL, no '/' or '\' (they would split
     * it), and not '.' or '..'.
     */
    private static final String SEGMENT = "[^/\\\\\\x00]*[^/\\\\.\\x00][^/\\\\\\x00]*";
    /** A rest-of-path parameter: segments as above, joined by '/'. */
    private static final String REST = "^" + SEGMENT + "(/" + SEGMENT + ")*$";
    /** An MLflow artifact path: {@code <experiment id>/<run id>/artifacts[/<path>]}. */
    private static final String ARTIFACT_PATH = "^[0-9]{1,18}/" + SEGMENT + "/artifacts(/" + SEGMENT + ")*$";
    private static final String INT64 = "int64";

    private static final Map<String, List<Object>> QUERY = new LinkedHashMap<>();
    private static final Map<String, Object> BODIES = new LinkedHashMap<>();
    /** POST and PUT routes that read no body. */
    private static final Set<String> NO_BODY = Set.of(
            "PUT /api/v1/teams/{team}/members/{user}",
            "POST /api/v1/users/{user}/keys",
            "POST /api/2.0/mlflow-artifacts/mpu/create/{path*}",
            "POST /api/2.0/mlflow-artifacts/mpu/complete/{path*}",
            "POST /api/2.0/mlflow-artifacts/mpu/abort/{path*}");
    /** Routes whose body may be left out (the handler then uses defaults). */
    private static final Set<String> OPTIONAL_BODY = Set.of(
            "PUT /api/v1/datasets/{name}",
            "PUT /api/2.0/mlflow-artifacts/artifacts/{path*}");

    static {
        List<Object> runSearch = List.of(
                query("filter", false, filterText(), "a filter in the CLI's language, e.g. config.lr < 0.01 and state = finished"),
                query("sort", false, sortText(), "a field to sort by, '-' in front for descending (e.g. -summary.val_loss)"),
                query("limit", false, range(1, 10_000), "page size, 1-10000 (default 50)"),
                query("offset", false, range(0, Integer.MAX_VALUE), "runs to skip (default 0)"));
        QUERY.put("GET /api/v1/projects/{project}/runs", runSearch);
        List<Object> allRuns = new ArrayList<>(runSearch);
        allRuns.add(query("project", false, Map.of("type", "string"),
                "only this project's runs (404 when the caller may not read it)"));
        QUERY.put("GET /api/v1/runs", allRuns);
        QUERY.put("GET /api/v1/runs/{id}/console", List.of(
                query("from", false, range(0, Integer.MAX_VALUE), "first line's sequence number (default 0)"),
                query("limit", false, range(1, 100_000), "most lines to return, 1-100000 (default 1000)")));
        QUERY.put("GET /api/v1/runs/{id}/metrics/{key*}", List.of(
                query("points", false, range(0, 1_000_000), "at most this many points (0: all)")));
        QUERY.put("GET /api/v1/projects/{project}/groups", List.of(
                query("by", true, fieldName(), "the field to group by, e.g. config.lr or sweep"),
                query("metrics", false, Map.of("type", "string"), "comma-separated summary fields to aggregate"),
                query("filter", false, filterText(), "a filter in the CLI's language")));
        QUERY.put("GET /api/v1/projects/{project}/runs.csv", List.of(
                query("columns", false, Map.of("type", "string"), "comma-separated fields"),
                query("filter", false, filterText(), "a filter in the CLI's language"),
                query("sort", false, sortText(), "a field to sort by, '-' in front for descending")));
        QUERY.put("GET /api/v1/series", List.of(
                query("runs", true, commaList(200), "comma-separated run ids, 1-200"),
                query("keys", true, commaList(64), "comma-separated metric keys, 1-64"),
                query("points", false, range(4, 20_000), "points per series (default 1000)")));
        QUERY.put("GET /api/v1/datasets/{name}/diff", List.of(
                query("from", true, pattern(DATASET_NAME), "the older version, e.g. v1"),
                query("to", false, pattern(DATASET_NAME), "the newer version (default latest)")));
        QUERY.put("GET /api/v1/datasets/{name}/versions/{ref}/files", List.of(
                query("prefix", false, Map.of("type", "string"), "only paths starting with this"),
                query("limit", false, range(1, 100_000), "page size (default 1000)"),
                query("offset", false, range(0, Integer.MAX_VALUE), "files to skip")));
        QUERY.put("GET /api/2.0/mlflow-artifacts/artifacts", List.of(
                query("path", false, Map.of("type", "string", "pattern", "^$|" + ARTIFACT_PATH.substring(1)),
                        "<experiment id>/<run id>/artifacts[/dir]")));
        for (String p : List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/")) {
            QUERY.put("GET " + p + "runs/get", List.of(runIdQuery()));
            QUERY.put("GET " + p + "experiments/get", List.of(
                    query("experiment_id", true, pattern("^[0-9]{1,18}$"), "the experiment's id")));
            QUERY.put("GET " + p + "experiments/get-by-name", List.of(
                    query("experiment_name", true, nonBlank(500), "the experiment's name")));
            QUERY.put("GET " + p + "metrics/get-history", List.of(runIdQuery(),
                    query("metric_key", true, nonEmpty(250), "the metric"),
                    query("max_results", false, range(1, 25_000), "page size"),
                    query("page_token", false, pageToken(), "from the previous page")));
            QUERY.put("GET " + p + "artifacts/list", List.of(runIdQuery(),
                    query("path", false, Map.of("type", "string", "pattern", "^$|" + REST.substring(1)),
                            "a folder below the run's artifact root")));
            QUERY.put("GET " + p + "experiments/search", List.of(
                    query("max_results", false, range(1, 50_000), "page size"),
                    query("page_token", false, pageToken(), "from the previous page"),
                    query("view_type", false, Map.of("type", "string",
                            "enum", List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL")), "which lifecycle stages")));
            mlflowBodies(p);
        }

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", pattern("^[a-z0-9]{8}$"));
        run.put("name", maxText(250));
        run.put("group", maxText(250));
        run.put("user", maxText(250));
        run.put("tags", Map.of("type", "array", "items", maxText(250)));
        run.put("notes", maxText(1 << 20));
        run.put("state", Map.of("type", "string", "enum", List.of("running", "finished", "failed", "killed", "crashed")));
        run.put("created_at", nonNegative());
        run.put("heartbeat_at", nonNegative());
        run.put("ended_at", nonNegative());
        run.put("runtime_ms", nonNegative());
        run.put("sweep", maxText(250));
        run.put("host", maxText(250));
        run.put("pid", nonNegative());
        BODIES.put("POST /api/v1/projects/{project}/runs", strict(run, "id", "name"));
        BODIES.put("PATCH /api/v1/runs/{id}", object(Map.of("notes", Map.of("type", "string"),
                "tags", Map.of("type", "array", "items", Map.of("type", "string")))));
        BODIES.put("PATCH /api/v1/projects/{project}", Map.of("type", "object", "additionalProperties", false,
                "minProperties", 1, "properties", Map.of(
                        "visibility", Map.of("type", "string", "enum", List.of("private", "team", "public")),
                        "owner", Map.of("type", "string"))));
        BODIES.put("POST /api/v1/session", strict(Map.of("user", nonEmpty(64), "api_key", Map.of("type", "string"),
                "password", Map.of("type", "string")), "user"));
        BODIES.put("POST /api/v1/users", object(Map.of("name", nonEmpty(64), "admin", Map.of("type", "boolean"),
                "teams", Map.of("type", "array", "items", Map.of("type", "string"))), "name"));
        BODIES.put("POST /api/v1/teams", strict(Map.of("name", nonEmpty(64)), "name"));
        BODIES.put("PUT /api/v1/users/{user}/password", strict(Map.of("password", nonEmpty(1024)), "password"));
        BODIES.put("PUT /api/v1/datasets/{name}", object(Map.of("description", Map.of("type", "string"),
                "visibility", Map.of("type", "string", "enum", List.of("private", "team", "public")))));
        BODIES.put("POST /api/v1/datasets/{name}/versions", object(Map.of("manifest",
                Map.of("type", "string", "format", "byte"), "message", Map.of("type", "string"),
                "created_at", nonNegative()), "manifest"));
        BODIES.put("PUT /api/v1/datasets/{name}/tags/{tag}", object(Map.of("ref", pattern(DATASET_NAME)), "ref"));
        Map<String, Object> hashes = object(Map.of("hashes", Map.of("type", "array", "maxItems", 100_000,
                "items", pattern(BLOB_ADDRESS))), "hashes");
        BODIES.put("POST /api/v1/datasets/{name}/blobs/missing", hashes);
        BODIES.put("POST /api/v1/datasets/{name}/blobs/fetch", hashes);
    }

    private RequestShapes() {
    }

    /** Path parameters then query parameters, as OpenAPI parameter objects. */
    static List<Object> parameters(Route route) {
        List<Object> out = new ArrayList<>();
        for (String name : route.parameters()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", name);
            p.put("in", "path");
            p.put("required", true);
            boolean rest = route.pattern().contains("{" + name + "*}");
            p.put("schema", pathSchema(route.pattern(), name, rest));
            if (rest) {
                p.put("description", "the rest of the path: may contain '/' (e.g. system/cpu)");
            }
            out.add(p);
        }
        out.addAll(QUERY.getOrDefault(key(route), List.of()));
        return out;
    }

    /** The request body object, or null when the route reads none. */
    static Map<String, Object> body(Route route) {
        String m = route.method();
        if (!(m.equals("POST") || m.equals("PUT") || m.equals("PATCH")) || NO_BODY.contains(key(route))) {
            return null;
        }
        Map<String, Object> content = new LinkedHashMap<>();
        if (route.streaming() || route.pattern().startsWith("/api/2.0/mlflow-artifacts/artifacts/")) {
            content.put("application/octet-stream", Map.of("schema", Map.of("type", "string", "format", "binary")));
        } else {
            content.put("application/json", Map.of("schema", BODIES.getOrDefault(key(route), Map.of("type", "object"))));
        }
        if (route.pattern().equals("/api/v1/runs/{id}/batches")) {
            content.put("application/x-keel-batch", Map.of("schema", Map.of("type", "string", "format", "binary")));
        }
        return Map.of("required", !OPTIONAL_BODY.contains(key(route)), "content", content);
    }

    private static Map<String, Object> pathSchema(String pattern, String name, boolean rest) {
        if (pattern.startsWith("/api/v1/datasets/") && Set.of("name", "tag", "ref").contains(name)) {
            return pattern(DATASET_NAME);
        }
        if (name.equals("hash")) {
            return pattern(BLOB_ADDRESS);
        }
        if (pattern.startsWith("/api/2.0/mlflow-artifacts/")) {
            return pattern(ARTIFACT_PATH);
        }
        return pattern(rest ? REST : "^" + SEGMENT + "$");
    }

    private static void mlflowBodies(String p) {
        Map<String, Object> tag = strict(Map.of("key", mlflowKey(), "value", maxText(5000)), "key");
        Map<String, Object> tags = Map.of("type", "array", "maxItems", 100, "items", tag);
        Map<String, Object> metric = strict(Map.of("key", mlflowKey(), "value", Map.of("type", "number"),
                "timestamp", nonNegative(), "step", Map.of("type", "integer", "format", INT64)), "key", "value", "timestamp");
        Map<String, Object> param = strict(Map.of("key", mlflowKey(), "value", maxText(6000)), "key");
        Map<String, Object> runId = Map.of("run_id", nonEmpty(64));
        BODIES.put("POST " + p + "runs/create", object(Map.of("experiment_id", pattern("^[0-9]{0,18}$"),
                "run_name", maxText(250), "user_id", maxText(250), "start_time", nonNegative(), "tags", tags)));
        BODIES.put("POST " + p + "runs/update", object(with(runId, Map.of("status", Map.of("type", "string",
                "enum", List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")),
                "end_time", nonNegative(), "run_name", maxText(250))), "run_id"));
        for (String op : List.of("runs/delete", "runs/restore", "runs/log-inputs")) {
            BODIES.put("POST " + p + op, object(runId, "run_id"));
        }
        BODIES.put("POST " + p + "runs/log-metric", object(with(runId, metricFields(metric)),
                "run_id", "key", "value", "timestamp"));
        BODIES.put("POST " + p + "runs/log-parameter", object(with(runId, Map.of("key", mlflowKey(),
                "value", maxText(6000))), "run_id", "key"));
        BODIES.put("POST " + p + "runs/set-tag", object(with(runId, Map.of("key", mlflowKey(),
                "value", maxText(5000))), "run_id", "key"));
        BODIES.put("POST " + p + "runs/delete-tag", object(with(runId, Map.of("key", nonEmpty(250))), "run_id", "key"));
        BODIES.put("POST " + p + "runs/log-batch", object(with(runId, Map.of(
                "metrics", Map.of("type", "array", "maxItems", 1000, "items", metric),
                "params", Map.of("type", "array", "maxItems", 100, "items", param), "tags", tags)), "run_id"));
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("experiment_ids", Map.of("type", "array", "items", pattern("^[0-9]{1,18}$")));
        search.put("max_results", range(1, 50_000));
        search.put("page_token", pageToken());
        search.put("run_view_type", Map.of("type", "string", "enum", List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL")));
        BODIES.put("POST " + p + "runs/search", object(search));
        BODIES.put("POST " + p + "logged-models/search", object(Map.of("experiment_ids",
                Map.of("type", "array", "items", pattern("^[0-9]{1,18}$")))));
        BODIES.put("POST " + p + "experiments/search", object(Map.of("max_results", range(1, 50_000),
                "page_token", pageToken(), "view_type", Map.of("type", "string",
                        "enum", List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL")))));
        BODIES.put("POST " + p + "experiments/create", object(Map.of("name", nonBlank(500),
                "artifact_location", Map.of("type", "string"), "tags", tags), "name"));
        Map<String, Object> experimentId = Map.of("experiment_id", pattern("^[0-9]{1,18}$"));
        for (String op : List.of("experiments/delete", "experiments/restore")) {
            BODIES.put("POST " + p + op, object(experimentId, "experiment_id"));
        }
        BODIES.put("POST " + p + "experiments/update", object(with(experimentId, Map.of("new_name", nonBlank(500))),
                "experiment_id", "new_name"));
        BODIES.put("POST " + p + "experiments/set-experiment-tag", object(with(experimentId, Map.of("key", mlflowKey(),
                "value", maxText(5000))), "experiment_id", "key"));
    }

    private static Map<String, Object> metricFields(Map<String, Object> metric) {
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) metric.get("properties");
        return props;
    }

    private static Map<String, Object> with(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static String key(Route route) {
        return route.method() + " " + route.pattern();
    }

    private static Map<String, Object> query(String name, boolean required, Map<String, Object> schema, String description) {
        return Map.of("name", name, "in", "query", "required", required, "description", description, "schema", schema);
    }

    private static Map<String, Object> runIdQuery() {
        return query("run_id", true, nonEmpty(64), "the run's id");
    }

    /** An object whose listed fields are required; other fields are ignored by the handler. */
    private static Map<String, Object> object(Map<String, Object> properties, String... required) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        o.put("properties", properties);
        if (required.length > 0) {
            o.put("required", List.of(required));
        }
        return o;
    }

    /** An object that takes only the listed fields (the handler refuses others). */
    private static Map<String, Object> strict(Map<String, Object> properties, String... required) {
        Map<String, Object> o = object(properties, required);
        o.put("additionalProperties", false);
        return o;
    }

    private static Map<String, Object> pattern(String regex) {
        return Map.of("type", "string", "pattern", regex);
    }

    private static Map<String, Object> range(long min, long max) {
        return Map.of("type", "integer", "format", INT64, "minimum", min, "maximum", max);
    }

    private static Map<String, Object> nonNegative() {
        return Map.of("type", "integer", "format", INT64, "minimum", 0);
    }

    private static Map<String, Object> maxText(int max) {
        return Map.of("type", "string", "maxLength", max);
    }

    private static Map<String, Object> nonEmpty(int max) {
        return Map.of("type", "string", "minLength", 1, "maxLength", max);
    }

    /** At least one character that is not white space. */
    private static Map<String, Object> nonBlank(int max) {
        return Map.of("type", "string", "maxLength", max, "pattern", "\\S");
    }

    /** MLflow's key characters (letters, digits, _ - . space / :), 1-250 of them. */
    private static Map<String, Object> mlflowKey() {
        return Map.of("type", "string", "pattern", "^[/\\w.\\- :]{1,250}$");
    }

    private static Map<String, Object> pageToken() {
        return Map.of("type", "string", "maxLength", 0, "description", "empty for the first page; after it, the"
                + " previous page's next_page_token, unchanged (the server refuses tokens it did not write)");
    }

    /** A field name: an attribute, config.KEY or summary.KEY (anything else not blank is a summary key). */
    private static Map<String, Object> fieldName() {
        return Map.of("type", "string", "pattern", "\\S");
    }

    /** Empty (no sort) or a field with an optional '+' or '-' in front. */
    private static Map<String, Object> sortText() {
        return Map.of("type", "string", "pattern", "^\\s*(([+-]\\s*\\S|[^\\s+-])[\\s\\S]*)?$");
    }

    /** The CLI's filter language; an expression it cannot parse is a 400 that says where. */
    private static Map<String, Object> filterText() {
        return Map.of("type", "string", "example", "config.lr < 0.01 and state = finished");
    }

    private static Map<String, Object> commaList(int max) {
        return Map.of("type", "string", "pattern", "[^,\\s]", "description", "at most " + max + " items");
    }
}
