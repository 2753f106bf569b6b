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
    /**
     * A project name: 1-256 printable characters, not all white space, and (as a path segment) no
     * '/', '\' or bare '.' or '..'.
     */
    private static final String PROJECT =
            "^[^/\\\\\\x00-\\x1f\\x7f]*[^/\\\\.\\s\\x00-\\x1f\\x7f][^/\\\\\\x00-\\x1f\\x7f]*$";
    /** An MLflow artifact path: {@code <experiment id>/<run id>/artifacts[/<path>]}. */
    private static final String ARTIFACT_PATH = "^[0-9]{1,18}/" + SEGMENT + "/artifacts(/" + SEGMENT + ")*$";

    private static final String INT64 = "int64";
    /** A user or team name, as {@code Accounts} checks it. */
    private static final String ACCOUNT_NAME = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$";

    private static final Map<String, List<Object>> QUERY = new LinkedHashMap<>();
    private static final Map<String, Object> BODIES = new LinkedHashMap<>();
    /** POST and PUT routes that read no body. */
    private static final Set<String> NO_BODY = Set.of(
            "PUT /api/v1/teams/{team}/members/{user}",
            "POST /api/v1/users/{user}/keys",
            "POST /api/2.0/mlflow-artifacts/mpu/create/{path*}",
            "POST /api/2.0/mlflow-artifacts/mpu/complete/{path*}",
            "POST /api/2.0/mlflow-artifacts/mpu/abort/{path*}");
    /** Routes that may create the project they name (reads of any name just find nothing). */
    private static final Set<String> WRITES_PROJECT =
            Set.of("POST /api/v1/projects/{project}/runs", "PATCH /api/v1/projects/{project}");
    /** Routes whose body may be left out (the handler then uses defaults). */
    private static final Set<String> OPTIONAL_BODY =
            Set.of("PUT /api/v1/datasets/{name}", "PUT /api/2.0/mlflow-artifacts/artifacts/{path*}");

    static {
        List<Object> runSearch = List.of(
                query(
                        "filter",
                        false,
                        filterText(),
                        "a filter in the CLI's language, e.g. config.lr < 0.01 and state = finished"),
                query(
                        "sort",
                        false,
                        sortText(),
                        "a field to sort by, '-' in front for descending (e.g. -summary.val_loss)"),
                query("limit", false, range(1, 10_000), "page size, 1-10000 (default 50)"),
                query("offset", false, range(0, Integer.MAX_VALUE), "runs to skip (default 0)"));
        QUERY.put("GET /api/v1/projects/{project}/runs", runSearch);
        List<Object> allRuns = new ArrayList<>(runSearch);
        allRuns.add(query(
                "project",
                false,
                Map.of("type", "string"),
                "only this project's runs (404 when the caller may not read it)"));
        QUERY.put("GET /api/v1/runs", allRuns);
        QUERY.put(
                "GET /api/v1/runs/{id}/console",
                List.of(
                        query("from", false, range(0, Integer.MAX_VALUE), "first line's sequence number (default 0)"),
                        query("limit", false, range(1, 100_000), "most lines to return, 1-100000 (default 1000)")));
        QUERY.put(
                "GET /api/v1/runs/{id}/metrics/{key*}",
                List.of(query("points", false, range(0, 1_000_000), "at most this many points (0: all)")));
        QUERY.put(
                "GET /api/v1/projects/{project}/groups",
                List.of(
                        query("by", true, fieldName(), "the field to group by, e.g. config.lr or sweep"),
                        query(
                                "metrics",
                                false,
                                Map.of("type", "string"),
                                "comma-separated summary fields to aggregate"),
                        query("filter", false, filterText(), "a filter in the CLI's language")));
        QUERY.put(
                "GET /api/v1/projects/{project}/runs.csv",
                List.of(
                        query("columns", false, Map.of("type", "string"), "comma-separated fields"),
                        query("filter", false, filterText(), "a filter in the CLI's language"),
                        query("sort", false, sortText(), "a field to sort by, '-' in front for descending")));
        QUERY.put(
                "GET /api/v1/series",
                List.of(
                        query("runs", true, commaList(200), "comma-separated run ids, 1-200"),
                        query("keys", true, commaList(64), "comma-separated metric keys, 1-64"),
                        query("points", false, range(4, 20_000), "points per series (default 1000)")));
        QUERY.put(
                "GET /api/v1/datasets/{name}/diff",
                List.of(
                        query("from", true, pattern(DATASET_NAME), "the older version, e.g. v1"),
                        query("to", false, pattern(DATASET_NAME), "the newer version (default latest)")));
        QUERY.put(
                "GET /api/v1/datasets/{name}/versions/{ref}/files",
                List.of(
                        query("prefix", false, Map.of("type", "string"), "only paths starting with this"),
                        query("limit", false, range(1, 100_000), "page size (default 1000)"),
                        query("offset", false, range(0, Integer.MAX_VALUE), "files to skip")));
        QUERY.put(
                "GET /api/2.0/mlflow-artifacts/artifacts",
                List.of(query(
                        "path",
                        false,
                        Map.of("type", "string", "pattern", "^$|" + ARTIFACT_PATH.substring(1)),
                        "<experiment id>/<run id>/artifacts[/dir]")));
        for (String p : List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/")) {
            QUERY.put("GET " + p + "runs/get", List.of(runIdQuery()));
            QUERY.put(
                    "GET " + p + "experiments/get",
                    List.of(query("experiment_id", true, pattern("^[0-9]{1,18}$"), "the experiment's id")));
            QUERY.put(
                    "GET " + p + "experiments/get-by-name",
                    List.of(query("experiment_name", true, nonBlank(500), "the experiment's name")));
            QUERY.put(
                    "GET " + p + "metrics/get-history",
                    List.of(
                            runIdQuery(),
                            query("metric_key", true, nonEmpty(250), "the metric"),
                            query("max_results", false, range(1, 25_000), "page size"),
                            query("page_token", false, pageToken(), "from the previous page")));
            QUERY.put(
                    "GET " + p + "metrics/get-history-bulk-interval",
                    List.of(
                            query("run_ids", true, nonEmpty(64), "a run's id; repeat for up to 100 runs"),
                            query("metric_key", true, nonEmpty(250), "the metric"),
                            query("start_step", false, int64(), "first step (with end_step)"),
                            query("end_step", false, int64(), "last step (with start_step)"),
                            query("max_results", false, range(1, 2500), "steps per run, at most")));
            QUERY.put(
                    "GET " + p + "artifacts/list",
                    List.of(
                            runIdQuery(),
                            query(
                                    "path",
                                    false,
                                    Map.of("type", "string", "pattern", "^$|" + REST.substring(1)),
                                    "a folder below the run's artifact root")));
            QUERY.put(
                    "GET " + p + "experiments/search",
                    List.of(
                            query("max_results", false, range(1, 50_000), "page size"),
                            query("page_token", false, pageToken(), "from the previous page"),
                            query(
                                    "view_type",
                                    false,
                                    Map.of("type", "string", "enum", List.of("", "ACTIVE_ONLY", "DELETED_ONLY", "ALL")),
                                    "which lifecycle stages")));
            mlflowBodies(p);
        }

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", pattern("^[a-z0-9]{8}$"));
        run.put("name", maxText(250));
        run.put("group", maxText(250));
        run.put("user", maxText(250));
        run.put("tags", Map.of("type", "array", "items", maxText(250)));
        run.put("notes", maxText(1 << 20));
        run.put(
                "state",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("running", "finished", "stopped", "failed", "killed", "crashed")));
        run.put("created_at", int64());
        run.put("heartbeat_at", int64());
        run.put("ended_at", int64());
        run.put("runtime_ms", int64());
        run.put("sweep", maxText(250));
        run.put("host", maxText(250));
        run.put("pid", int64());
        BODIES.put("POST /api/v1/projects/{project}/runs", closed(run, "id", "name"));
        // notes may be null (cleared); tags may not
        // a tag: 1-128 characters once trimmed, no control characters
        Map<String, Object> runTag = Map.of(
                "type",
                "string",
                "maxLength",
                128,
                "pattern",
                "^[\\x00-\\x20]*[^\\x00-\\x20\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]*[^\\x00-\\x20\\x7f-\\x9f])?[\\x00-\\x20]*$");
        BODIES.put(
                "PATCH /api/v1/runs/{id}",
                Map.of(
                        "type",
                        "object",
                        "additionalProperties",
                        false,
                        "minProperties",
                        1,
                        "properties",
                        Map.of(
                                "notes",
                                Map.of("type", "string", "maxLength", 20_000, "nullable", true),
                                "tags",
                                Map.of("type", "array", "items", runTag))));
        Map<String, Object> projectEdit = closed(Map.of(
                "visibility", Map.of("type", "string", "enum", List.of("private", "team", "public")),
                "owner", pattern(ACCOUNT_NAME)));
        projectEdit.put("minProperties", 1);
        BODIES.put("PATCH /api/v1/projects/{project}", projectEdit);
        // api_key or password: not null, not empty (either reads as left out)
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("type", "object");
        session.put("additionalProperties", false);
        session.put("properties", Map.of("user", nonEmpty(64), "api_key", nonEmpty(1024), "password", nonEmpty(1024)));
        session.put("required", List.of("user"));
        session.put("anyOf", List.of(Map.of("required", List.of("api_key")), Map.of("required", List.of("password"))));
        BODIES.put("POST /api/v1/session", session);
        BODIES.put(
                "POST /api/v1/users",
                closed(
                        Map.of(
                                "name",
                                pattern(ACCOUNT_NAME),
                                "admin",
                                Map.of("type", "boolean"),
                                "teams",
                                Map.of("type", "array", "items", pattern(ACCOUNT_NAME)),
                                "password",
                                password()),
                        "name"));
        BODIES.put("POST /api/v1/teams", closed(Map.of("name", pattern(ACCOUNT_NAME)), "name"));
        BODIES.put("PUT /api/v1/users/{user}/password", closed(Map.of("password", password()), "password"));
        BODIES.put(
                "PUT /api/v1/datasets/{name}",
                object(Map.of(
                        "description",
                        Map.of("type", "string"),
                        "visibility",
                        Map.of("type", "string", "enum", List.of("private", "team", "public")))));
        BODIES.put(
                "POST /api/v1/datasets/{name}/versions",
                object(
                        Map.of(
                                "manifest",
                                Map.of("type", "string", "format", "byte"),
                                "message",
                                Map.of("type", "string"),
                                "created_at",
                                nonNegative()),
                        "manifest"));
        BODIES.put("PUT /api/v1/datasets/{name}/tags/{tag}", object(Map.of("ref", pattern(DATASET_NAME)), "ref"));
        sweepBodies();
        modelBodies();
        Map<String, Object> hashes = object(
                Map.of("hashes", Map.of("type", "array", "maxItems", 100_000, "items", pattern(BLOB_ADDRESS))),
                "hashes");
        BODIES.put("POST /api/v1/datasets/{name}/blobs/missing", hashes);
        BODIES.put("POST /api/v1/datasets/{name}/blobs/fetch", hashes);
    }

    private RequestShapes() {}

    /** The model registry's query and bodies, as ModelsApi and ModelRegistrations read them. */
    private static void modelBodies() {
        String model = "/api/v1/models/{model}";
        QUERY.put(
                "GET /api/v1/models",
                List.of(query(
                        "project",
                        false,
                        Map.of("type", "string"),
                        "only this project's models (404 when the caller may not read it)")));
        Map<String, Object> tags = Map.of("type", "object", "additionalProperties", Map.of("type", "string"));
        Map<String, Object> register = new LinkedHashMap<>();
        register.put("run", pattern("^[a-z0-9]{8}$"));
        register.put("checkpoint", Map.of("type", "string", "description", "best, last or a file the run keeps"));
        register.put("path", Map.of("type", "string", "description", "a file or folder the run logged"));
        register.put("description", Map.of("type", "string"));
        register.put("tags", tags);
        register.put("signature", Map.of("type", "string"));
        register.put("project", Map.of("type", "string"));
        register.put(
                "files",
                Map.of(
                        "type",
                        "array",
                        "items",
                        object(
                                Map.of(
                                        "path",
                                        Map.of("type", "string"),
                                        "hash",
                                        pattern(BLOB_ADDRESS),
                                        "size",
                                        int64()),
                                "path",
                                "hash",
                                "size")));
        register.put("lineage", Map.of("type", "object", "additionalProperties", true));
        BODIES.put("POST " + model + "/versions", closed(register, "run"));
        Map<String, Object> version = pattern("^v?[1-9][0-9]{0,8}$");
        BODIES.put(
                "PUT " + model + "/aliases/{alias}",
                closed(Map.of("version", version, "require", Map.of("type", "string")), "version"));
        BODIES.put(
                "POST " + model + "/tags",
                closed(Map.of("version", Map.of("type", "integer", "minimum", 1), "tags", tags), "tags"));
    }

    /** The sweep routes' bodies, as SweepBodies reads them. */
    private static void sweepBodies() {
        String sweep = "/api/v1/sweeps";
        String trial = sweep + "/{sweep}/trials/{number}";
        QUERY.put(
                "GET " + sweep,
                List.of(query(
                        "project",
                        false,
                        Map.of("type", "string"),
                        "only this project's sweeps (404 when the caller may not read it)")));
        BODIES.put(
                "POST " + sweep,
                closed(
                        Map.of(
                                "project",
                                Map.of("type", "string", "maxLength", 256, "pattern", PROJECT),
                                "name",
                                maxText(250),
                                "config",
                                nonBlank(1 << 20),
                                "seed",
                                int64()),
                        "project",
                        "config"));
        BODIES.put(
                "PATCH " + sweep + "/{sweep}",
                closed(
                        Map.of(
                                "state",
                                Map.of("type", "string", "enum", List.of("running", "paused", "stopped", "canceled"))),
                        "state"));
        BODIES.put(
                "POST " + sweep + "/{sweep}/claim",
                closed(
                        Map.of(
                                "agent",
                                nonBlank(200),
                                "runId",
                                pattern("^[a-z0-9]{8}$"),
                                "staleAfterMillis",
                                range(1, Long.MAX_VALUE)),
                        "agent",
                        "runId"));
        BODIES.put("POST " + trial + "/heartbeat", closed(Map.of("agent", nonBlank(200)), "agent"));
        BODIES.put("POST " + trial + "/stop", closed(Map.of("reason", nonBlank(2000)), "reason"));
        Map<String, Object> metric = Map.of(
                "anyOf",
                List.of(
                        Map.of("type", "number"),
                        Map.of("type", "string", "enum", List.of("NaN", "Infinity", "-Infinity"))));
        BODIES.put(
                "POST " + trial + "/end",
                closed(
                        Map.of(
                                "agent",
                                nonBlank(200),
                                "state",
                                Map.of(
                                        "type",
                                        "string",
                                        "enum",
                                        List.of("finished", "stopped", "failed", "killed", "crashed", "no-metric")),
                                "metric",
                                metric,
                                "reason",
                                maxText(2000)),
                        "agent",
                        "state"));
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
            p.put("schema", pathSchema(route.method(), route.pattern(), name, rest));
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
            content.put(
                    "application/json", Map.of("schema", BODIES.getOrDefault(key(route), Map.of("type", "object"))));
        }
        if (route.pattern().equals("/api/v1/runs/{id}/batches")) {
            content.put("application/x-keel-batch", Map.of("schema", Map.of("type", "string", "format", "binary")));
        }
        return Map.of("required", !OPTIONAL_BODY.contains(key(route)), "content", content);
    }

    private static Map<String, Object> pathSchema(String method, String pattern, String name, boolean rest) {
        if (pattern.startsWith("/api/v1/datasets/")
                && Set.of("name", "tag", "ref").contains(name)) {
            return pattern(DATASET_NAME);
        }
        if (name.equals("project") && WRITES_PROJECT.contains(method + " " + pattern)) {
            return Map.of("type", "string", "maxLength", 256, "pattern", PROJECT);
        }
        if (name.equals("number") && pattern.startsWith("/api/v1/sweeps/")) {
            return pattern("^[1-9][0-9]{0,8}$");
        }
        if (name.equals("hash")) {
            return pattern(BLOB_ADDRESS);
        }
        if (pattern.startsWith("/api/v1/models/")) {
            switch (name) {
                case "model":
                    return pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
                case "alias":
                    return pattern("^[a-z][a-z0-9_-]{0,63}$");
                case "version":
                    return pattern("^(v?[1-9][0-9]{0,8}|latest)$");
                default:
                    break;
            }
        }
        if (pattern.startsWith("/api/2.0/mlflow-artifacts/")) {
            return pattern(ARTIFACT_PATH);
        }
        return pattern(rest ? REST : "^" + SEGMENT + "$");
    }

    /**
     * MLflow's bodies. As in MLflow's protobuf JSON, a string field also takes a number or a
     * boolean (as its text), an int64 also a decimal string, an enum also its 1-based number.
     */
    private static void mlflowBodies(String p) {
        // MLflow's characters; '/'-separated segments, none empty, '.' or '..'
        String segment = "[\\w.\\- :]*[\\w\\- :][\\w.\\- :]*";
        Map<String, Object> key =
                text(Map.of("type", "string", "maxLength", 250, "pattern", "^" + segment + "(/" + segment + ")*$"));
        // param and tag values of any length are taken: MLflow's server keeps them cut to 6,000 / 8,000
        Map<String, Object> anyText = text(Map.of("type", "string"));
        Map<String, Object> tag = object(Map.of("key", key, "value", anyText), "key");
        Map<String, Object> tags = Map.of("type", "array", "maxItems", 100, "items", tag);
        Map<String, Object> metric = object(
                Map.of(
                        "key",
                        key,
                        "value",
                        Map.of(
                                "anyOf",
                                List.of(
                                        Map.of("type", "number"),
                                        Map.of(
                                                "type",
                                                "string",
                                                "enum",
                                                List.of("NaN", "Infinity", "+Infinity", "-Infinity")))),
                        "timestamp",
                        mlflowInt(true),
                        "step",
                        mlflowInt(false)),
                "key",
                "value",
                "timestamp");
        Map<String, Object> param = object(Map.of("key", key, "value", anyText), "key");
        Map<String, Object> runId = Map.of("run_id", text(nonEmpty(64)));
        Map<String, Object> experimentId = Map.of("experiment_id", text(Map.of("type", "string", "minLength", 1)));
        Map<String, Object> ids = Map.of(
                "anyOf",
                List.of(
                        Map.of("type", "array", "items", text(Map.of("type", "string"))),
                        text(Map.of("type", "string"))));
        Map<String, Object> view = mlflowEnum("ACTIVE_ONLY", "DELETED_ONLY", "ALL");
        BODIES.put(
                "POST " + p + "runs/create",
                object(Map.of(
                        "experiment_id",
                        text(Map.of("type", "string")),
                        "run_name",
                        text(Map.of("type", "string")),
                        "user_id",
                        text(Map.of("type", "string")),
                        "start_time",
                        mlflowInt(false),
                        "tags",
                        tags)));
        BODIES.put(
                "POST " + p + "runs/update",
                object(
                        with(
                                runId,
                                Map.of(
                                        "status",
                                        mlflowEnum("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"),
                                        "end_time",
                                        mlflowInt(false),
                                        "run_name",
                                        text(Map.of("type", "string")))),
                        "run_id"));
        for (String op : List.of("runs/delete", "runs/restore", "runs/log-inputs")) {
            BODIES.put("POST " + p + op, object(runId, "run_id"));
        }
        BODIES.put(
                "POST " + p + "runs/log-metric",
                object(with(runId, metricFields(metric)), "run_id", "key", "value", "timestamp"));
        BODIES.put(
                "POST " + p + "runs/log-parameter",
                object(with(runId, Map.of("key", key, "value", anyText)), "run_id", "key"));
        BODIES.put(
                "POST " + p + "runs/set-tag",
                object(with(runId, Map.of("key", key, "value", anyText)), "run_id", "key"));
        BODIES.put(
                "POST " + p + "runs/delete-tag",
                object(with(runId, Map.of("key", text(nonEmpty(250)))), "run_id", "key"));
        BODIES.put(
                "POST " + p + "runs/log-batch",
                object(
                        with(
                                runId,
                                Map.of(
                                        "metrics",
                                        Map.of("type", "array", "maxItems", 1000, "items", metric),
                                        "params",
                                        Map.of("type", "array", "maxItems", 100, "items", param),
                                        "tags",
                                        tags)),
                        "run_id"));
        BODIES.put(
                "POST " + p + "runs/search",
                object(Map.of(
                        "experiment_ids",
                        ids,
                        "max_results",
                        mlflowRange(1, 50_000),
                        "page_token",
                        pageToken(),
                        "run_view_type",
                        view,
                        "filter",
                        Map.of(
                                "type",
                                "string",
                                "maxLength",
                                0,
                                "description",
                                "MLflow's search filter; see its docs"))));
        BODIES.put("POST " + p + "logged-models/search", object(Map.of("experiment_ids", ids)));
        BODIES.put(
                "POST " + p + "experiments/search",
                object(Map.of("max_results", mlflowRange(1, 50_000), "page_token", pageToken(), "view_type", view)));
        BODIES.put(
                "POST " + p + "experiments/create",
                object(
                        Map.of(
                                "name",
                                text(nonBlank(500)),
                                "artifact_location",
                                text(Map.of("type", "string")),
                                "tags",
                                tags),
                        "name"));
        for (String op : List.of("experiments/delete", "experiments/restore")) {
            BODIES.put("POST " + p + op, object(experimentId, "experiment_id"));
        }
        BODIES.put(
                "POST " + p + "experiments/update",
                object(with(experimentId, Map.of("new_name", text(nonBlank(500)))), "experiment_id", "new_name"));
        BODIES.put(
                "POST " + p + "experiments/set-experiment-tag",
                object(with(experimentId, Map.of("key", key, "value", text(maxText(5000)))), "experiment_id", "key"));
        BODIES.put(
                "POST " + p + "experiments/delete-experiment-tag",
                object(with(experimentId, Map.of("key", text(nonEmpty(250)))), "experiment_id", "key"));
    }

    /** A string as described, or a number or boolean taken as its text. */
    private static Map<String, Object> text(Map<String, Object> string) {
        return Map.of("anyOf", List.of(string, Map.of("type", "number"), Map.of("type", "boolean")));
    }

    private static Map<String, Object> mlflowInt(boolean nonNegative) {
        Map<String, Object> number = nonNegative ? nonNegative() : int64();
        return Map.of(
                "anyOf",
                List.of(
                        number,
                        Map.of(
                                "type",
                                "string",
                                "pattern",
                                nonNegative
                                        ? "^$|^[\\x00-\\x20]*\\+?[0-9]{1,18}[\\x00-\\x20]*$"
                                        : "^$|^[\\x00-\\x20]*[+-]?[0-9]{1,18}[\\x00-\\x20]*$")));
    }

    private static Map<String, Object> mlflowRange(long min, long max) {
        return Map.of("anyOf", List.of(range(min, max), Map.of("type", "string", "pattern", "^[1-9][0-9]{0,3}$")));
    }

    /** By name or by 1-based number (the handler also forgives case and spaces around the name). */
    private static Map<String, Object> mlflowEnum(String... names) {
        List<String> values = new ArrayList<>(List.of(names));
        values.add(""); // read as left out
        return Map.of(
                "anyOf",
                List.of(
                        Map.of("type", "string", "enum", values),
                        Map.of("type", "integer", "minimum", 1, "maximum", names.length)));
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

    private static Map<String, Object> query(
            String name, boolean required, Map<String, Object> schema, String description) {
        Object declared = schema;
        if (!required && "integer".equals(schema.get("type"))) {
            // an empty value reads as left out
            declared = Map.of("anyOf", List.of(schema, Map.of("type", "string", "enum", List.of(""))));
        }
        return Map.of(
                "name", name, "in", "query", "required", required, "description", description, "schema", declared);
    }

    private static Map<String, Object> runIdQuery() {
        return query("run_id", true, nonEmpty(64), "the run's id");
    }

    /**
     * An object of these fields, the listed ones required and the others nullable (handlers read
     * null as left out). Handlers ignore other fields.
     */
    private static Map<String, Object> object(Map<String, Object> properties, String... required) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> needed = List.of(required);
        properties.forEach((name, schema) -> props.put(name, needed.contains(name) ? schema : nullable(schema)));
        o.put("properties", props);
        if (required.length > 0) {
            o.put("required", List.of(required));
        }
        return o;
    }

    /** As {@link #object}, for handlers that refuse fields they do not know. */
    private static Map<String, Object> closed(Map<String, Object> properties, String... required) {
        Map<String, Object> o = object(properties, required);
        o.put("additionalProperties", false);
        return o;
    }

    /** Handlers read a JSON null as a field left out. */
    @SuppressWarnings("unchecked")
    private static Object nullable(Object schema) {
        if (!(schema instanceof Map<?, ?> m) || !(m.containsKey("anyOf") || m.containsKey("type"))) {
            return schema;
        }
        Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) m);
        out.put("nullable", true);
        if (out.get("enum") instanceof List<?> values) {
            List<Object> withNull = new ArrayList<>(values);
            withNull.add(null);
            out.put("enum", withNull);
        }
        return out;
    }

    private static Map<String, Object> password() {
        return Map.of("type", "string", "minLength", 10, "maxLength", 1024);
    }

    private static Map<String, Object> int64() {
        return Map.of("type", "integer", "format", INT64);
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

    private static Map<String, Object> pageToken() {
        return Map.of(
                "type",
                "string",
                "maxLength",
                0,
                "description",
                "empty for the first page; after it, the"
                        + " previous page's next_page_token, unchanged (the server refuses tokens it did not write)");
    }

    /** A field name: an attribute, config.KEY or summary.KEY (anything else not blank is a summary key). */
    private static Map<String, Object> fieldName() {
        return Map.of("type", "string", "pattern", "[^\\x00-\\x20]");
    }

    /** Empty (no sort) or a field with an optional '+' or '-' in front (Java's trim: codes up to U+0020). */
    private static Map<String, Object> sortText() {
        return Map.of(
                "type",
                "string",
                "pattern",
                "^[\\x00-\\x20]*(([+-][\\x00-\\x20]*[^\\x00-\\x20]|[^\\x00-\\x20+-])[\\s\\S]*)?$");
    }

    /**
     * The CLI's filter language, which no schema can describe: text that does not parse is a 400
     * that says where.
     */
    private static Map<String, Object> filterText() {
        return Map.of(
                "type",
                "string",
                "description",
                "a filter in the CLI's language (see the README, Filters), e.g."
                        + " config.lr < 0.01 and state = finished; text that does not parse is a 400 that says where",
                "example",
                "config.lr < 0.01 and state = finished");
    }

    private static Map<String, Object> commaList(int max) {
        return Map.of("type", "string", "pattern", "[^,\\x00-\\x20]", "description", "at most " + max + " items");
    }
}
