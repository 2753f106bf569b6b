package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.RunInfo;
import dev.keel.core.model.ModelFile;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.LoggedModel;
import dev.keel.core.store.LoggedModelMetric;
import dev.keel.core.store.MlflowModelStore;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;

import java.io.InputStream;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static dev.keel.server.mlflow.MlflowApi.wrap;

/**
 * MLflow 3's logged models ({@code /mlflow/logged-models…}): what {@code mlflow.<flavor>.log_model}
 * and autolog create, finalize, tag and search, and their files through the artifact proxy under
 * {@code <experiment>/models/<model id>/artifacts/…}. A logged model lives in its experiment's
 * project: reading it needs read access there, changing it write access. Its files are blobs like
 * run files, so registering it as a model version copies no bytes.
 */
final class LoggedModelRoutes {
    static final List<String> STATUSES =
            List.of("LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED");
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/";
    private static final String READ = "read access to the logged model's experiment";
    private static final String WRITE = "write access to the logged model's experiment";

    private final ServerContext ctx;
    private final MlflowAccess access;
    private final Experiments experiments;

    LoggedModelRoutes(ServerContext ctx, MlflowAccess access, Experiments experiments) {
        this.ctx = ctx;
        this.access = access;
        this.experiments = experiments;
    }

    private MlflowModelStore store() {
        return ctx.store()
                .mlflowModels()
                .orElseThrow(() -> new KeelException(
                        ErrorCode.INTERNAL_ERROR,
                        "MLflow's logged models need a SQL run store (SQLite or PostgreSQL); start the server with"
                                + " --db jdbc:…"));
    }

    void register(Router router, String p) {
        router.post(
                p + "logged-models",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: create a logged model (PENDING until finalized)",
                wrap(this::create));
        router.get(p + "logged-models/{model_id}", Access.inHandler(READ), "MLflow: one logged model", wrap(r -> {
            boolean deleted = "true".equalsIgnoreCase(r.query("allow_deleted").orElse(""));
            LoggedModel m = model(r.principal(), r.param("model_id"), Need.READ);
            if (!m.active() && !deleted) {
                throw notFound(m.id());
            }
            return Map.of("model", view(m));
        }));
        router.patch(
                p + "logged-models/{model_id}",
                Access.inHandler(WRITE),
                "MLflow: finalize a logged model (status READY or UPLOAD_FAILED)",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.WRITE);
                    String status = Fields.of(r).enumName("status", STATUSES);
                    if (status == null) {
                        throw KeelException.invalid("Missing value for required parameter 'status': send"
                                + " LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED");
                    }
                    store().finalizeLoggedModel(m.id(), status, "", System.currentTimeMillis());
                    return Map.of("model", view(store().loggedModel(m.id()).orElseThrow()));
                }));
        router.delete(
                p + "logged-models/{model_id}",
                Access.inHandler(WRITE),
                "MLflow: mark a logged model deleted",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.WRITE);
                    store().setLoggedModelDeleted(m.id(), true, System.currentTimeMillis());
                    return Map.of();
                }));
        router.post(
                p + "logged-models/search",
                Access.inHandler("read access to each experiment searched"),
                "MLflow: search logged models (experiment_ids, filter, order_by, max_results, page_token)",
                wrap(this::search));
        router.patch(
                p + "logged-models/{model_id}/tags",
                Access.inHandler(WRITE),
                "MLflow: set tags of a logged model",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.WRITE);
                    Map<String, String> tags = new LinkedHashMap<>();
                    for (Fields t : Fields.of(r).objects("tags")) {
                        String key = Limits.key("tag", t.string("key"));
                        tags.put(key, Limits.tagValue(key, t.string("value") == null ? "" : t.string("value")));
                    }
                    store().tagLoggedModel(m.id(), tags, System.currentTimeMillis());
                    return Map.of("model", view(store().loggedModel(m.id()).orElseThrow()));
                }));
        router.delete(
                p + "logged-models/{model_id}/tags/{tag_key}",
                Access.inHandler(WRITE),
                "MLflow: delete a tag of a logged model",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.WRITE);
                    String key = r.param("tag_key");
                    if (!m.tags().containsKey(key)) {
                        throw KeelException.notFound("No tag with key '" + key + "' found for logged model " + m.id());
                    }
                    Map<String, String> gone = new LinkedHashMap<>();
                    gone.put(key, null);
                    store().tagLoggedModel(m.id(), gone, System.currentTimeMillis());
                    return Map.of();
                }));
        router.post(
                p + "logged-models/{model_id}/params",
                Access.inHandler(WRITE),
                "MLflow: log params of a logged model",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.WRITE);
                    store().logLoggedModelParams(
                                    m.id(), params(Fields.of(r).objects("params")), System.currentTimeMillis());
                    return Map.of();
                }));
        router.get(
                p + "logged-models/{model_id}/artifacts/directories",
                Access.inHandler(READ),
                "MLflow: list a logged model's files (artifact_directory_path)",
                wrap(r -> {
                    LoggedModel m = model(r.principal(), r.param("model_id"), Need.READ);
                    String dir = strip(Limits.artifactPath(
                            r.query("artifact_directory_path").orElse("")));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("root_uri", artifactUri(m));
                    out.put("files", list(m, dir, true));
                    return out;
                }));
        router.post(
                p + "runs/outputs",
                Access.inHandler("write access to the run's project"),
                "MLflow: record a run's output models (the logged models it logged)",
                wrap(r -> {
                    Fields f = Fields.of(r);
                    RunInfo run = access.run(r.principal(), f.required("run_id"), Need.WRITE);
                    for (Fields o : f.objects("models")) {
                        LoggedModel m = model(r.principal(), o.required("model_id"), Need.READ);
                        if (!m.sourceRunId().isEmpty() && !m.sourceRunId().equals(run.id())) {
                            throw KeelException.invalid("logged model " + m.id() + " was logged by run "
                                    + m.sourceRunId() + ", not " + run.id());
                        }
                    }
                    // the link is the model's source_run_id, written when the model was created
                    return Map.of();
                }));
    }

    /** The artifact proxy's routes for logged models' files; more specific than a run's, so they win. */
    void registerArtifacts(Router router) {
        String files = ARTIFACTS + "artifacts/{experiment}/models/{model_id}/artifacts/{path*}";
        // streamed like a run's artifacts: bounded by max-artifact-bytes, not the JSON body limit
        router.add(new Route(
                "PUT",
                files,
                Access.inHandler(WRITE),
                wrap(r -> {
                    LoggedModel m = fromPath(r, Need.WRITE);
                    String path = strip(Limits.artifactPath(r.param("path")));
                    if (path.isEmpty()) {
                        throw KeelException.invalid("name the file after /artifacts/ in the path");
                    }
                    String hash;
                    try (InputStream in =
                            ArtifactRoutes.boundedBody(r, ctx.settings().maxArtifactBytes(), path)) {
                        hash = ctx.blobs().put(in);
                    }
                    store().putLoggedModelFile(
                                    m.id(),
                                    new ModelFile(path, hash, ctx.blobs().size(hash)),
                                    System.currentTimeMillis());
                    return Map.of();
                }),
                true,
                "MLflow: upload a logged model's file (streamed; at most the server's max-artifact-bytes)"));
        router.get(files, Access.inHandler(READ), "MLflow: download a logged model's file", wrap(r -> {
            LoggedModel m = fromPath(r, Need.READ);
            String path = strip(Limits.artifactPath(r.param("path")));
            ModelFile file = store().loggedModelFiles(m.id()).stream()
                    .filter(f -> f.path().equals(path))
                    .findFirst()
                    .orElseThrow(() -> KeelException.notFound("No file '" + path + "' in logged model " + m.id()));
            return download(file);
        }));
        router.delete(files, Access.inHandler(WRITE), "MLflow: delete a logged model's file or folder", wrap(r -> {
            LoggedModel m = fromPath(r, Need.WRITE);
            store().removeLoggedModelFiles(
                            m.id(), strip(Limits.artifactPath(r.param("path"))), System.currentTimeMillis());
            return Map.of();
        }));
        for (String op : List.of("create", "complete", "abort")) {
            router.post(
                    ARTIFACTS + "mpu/" + op + "/{experiment}/models/{model_id}/artifacts/{path*}",
                    Access.inHandler(WRITE),
                    "MLflow: multipart upload of a logged model's file (not implemented; single PUT instead)",
                    wrap(r -> {
                        fromPath(r, Need.WRITE);
                        return ArtifactRoutes.notImplemented();
                    }));
        }
    }

    /** True for an artifact proxy path below a logged model: {@code <exp>/models/<m-id>/artifacts…}. */
    static boolean owns(String path) {
        String[] parts = path.split("/", 5);
        return parts.length >= 4
                && parts[1].equals("models")
                && parts[2].startsWith("m-")
                && parts[3].equals("artifacts");
    }

    /** The listing of {@code GET mlflow-artifacts/artifacts?path=<exp>/models/<id>/artifacts[/dir]}. */
    Map<String, Object> listProxy(Request r, String path) {
        String[] parts = path.split("/", 5);
        LoggedModel m = model(r.principal(), parts[2], Need.READ);
        String dir = parts.length == 5 ? strip(Limits.artifactPath(parts[4])) : "";
        return Map.of("files", list(m, dir, false));
    }

    private Object create(Request r) {
        Fields f = Fields.of(r);
        Experiment e = access.experiment(r.principal(), f.required("experiment_id"), Need.WRITE);
        if (!e.active()) {
            throw KeelException.invalid("The experiment " + e.id() + " must be in the 'active' state. Current state is"
                    + " deleted: restore it first");
        }
        String runId = f.string("source_run_id");
        if (runId != null && !runId.isEmpty()) {
            access.run(r.principal(), runId, Need.READ);
        }
        String name = f.string("name");
        if (name == null || name.isBlank()) {
            name = "model-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (name.length() > 500 || name.contains("/") || name.contains(":")) {
            throw KeelException.invalid(
                    "Invalid logged model name '" + name + "': use at most 500 characters," + " without '/' or ':'");
        }
        Map<String, String> tags = new TreeMap<>();
        for (Fields t : f.objects("tags")) {
            String key = Limits.key("tag", t.string("key"));
            tags.put(key, Limits.tagValue(key, t.string("value") == null ? "" : t.string("value")));
        }
        long now = System.currentTimeMillis();
        Principal who = r.principal();
        LoggedModel m = store().createLoggedModel(new LoggedModel(
                "m-" + UUID.randomUUID().toString().replace("-", ""),
                e.id(),
                name,
                runId,
                f.string("model_type"),
                "LOGGED_MODEL_PENDING",
                "",
                "active",
                who.anonymous() ? "" : who.user(),
                now,
                now,
                tags,
                params(f.objects("params"))));
        return Map.of("model", view(m));
    }

    private Object search(Request r) {
        Fields f = Fields.of(r);
        // as runs/search: each experiment named must be readable (a hidden one answers as missing)
        List<Long> ids = new ArrayList<>();
        for (String id : f.strings("experiment_ids")) {
            access.experimentIfExists(r.principal(), id, Need.READ).ifPresent(e -> ids.add(e.id()));
        }
        if (f.strings("experiment_ids").isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter 'experiment_ids'");
        }
        List<SearchFilter.Clause> clauses = SearchFilter.parse(f.string("filter"));
        List<LoggedModelMetrics.Dataset> datasets = LoggedModelMetrics.datasets(f.objects("datasets"));
        List<LoggedModel> active =
                store().loggedModels(ids).stream().filter(LoggedModel::active).toList();
        Map<String, List<LoggedModelMetric>> metrics =
                store().loggedModelMetrics(active.stream().map(LoggedModel::id).toList());
        List<LoggedModel> found = new ArrayList<>();
        for (LoggedModel m : active) {
            List<LoggedModelMetric> points = metrics.getOrDefault(m.id(), List.of());
            if (matches(clauses, m, points, datasets)) {
                found.add(m);
            }
        }
        found.sort(order(f.objects("order_by"), metrics));
        int max = Limits.maxResults(
                f.has("max_results") ? f.int64("max_results", 0) : Long.MIN_VALUE, 100, Limits.MAX_RESULTS);
        int from = Math.min(PageToken.decode(f.string("page_token")), found.size());
        int to = Math.min(found.size(), from + max);
        List<Object> page = new ArrayList<>();
        for (LoggedModel m : found.subList(from, to)) {
            page.add(view(m, metrics.getOrDefault(m.id(), List.of())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", page);
        if (to < found.size()) {
            out.put("next_page_token", PageToken.encode(to));
        }
        return out;
    }

    private static boolean matches(
            List<SearchFilter.Clause> clauses,
            LoggedModel m,
            List<LoggedModelMetric> points,
            List<LoggedModelMetrics.Dataset> datasets) {
        boolean byMetric = false;
        for (SearchFilter.Clause c : clauses) {
            if (c.kind() == SearchFilter.Kind.METRIC) {
                byMetric = true;
                if (!LoggedModelMetrics.matches(c, points, datasets)) {
                    return false;
                }
                continue;
            }
            String v = switch (c.kind()) {
                case TAG -> m.tags().get(c.key());
                case PARAM -> m.params().get(c.key());
                case ATTRIBUTE ->
                    switch (c.key()) {
                        case "name" -> m.name();
                        case "model_id" -> m.id();
                        case "source_run_id" -> m.sourceRunId();
                        case "status" -> m.status().substring("LOGGED_MODEL_".length());
                        case "model_type" -> m.modelType();
                        default ->
                            throw KeelException.invalid("Invalid attribute '" + c.key() + "' for logged models: use"
                                    + " name, model_id, source_run_id, status, model_type, tags.KEY or params.KEY");
                    };
                default ->
                    throw KeelException.invalid("This server filters logged models by name, model_id,"
                            + " source_run_id, status, model_type, metrics.KEY, tags.KEY and params.KEY, not by "
                            + c.kind().name().toLowerCase(Locale.ROOT) + "s");
            };
            if (v == null || !compare(c, v)) {
                return false;
            }
        }
        // datasets alone keep the models with any metric on them
        return byMetric || datasets.isEmpty() || LoggedModelMetrics.anyOn(points, datasets);
    }

    private static boolean compare(SearchFilter.Clause c, String v) {
        if (c.value() instanceof List<?> list) {
            boolean in = list.contains(v);
            return c.op().toUpperCase(Locale.ROOT).startsWith("NOT") != in;
        }
        if (!(c.value() instanceof String s)) {
            throw KeelException.invalid("'" + c.key() + "' compares with a quoted string");
        }
        return switch (c.op().toUpperCase(Locale.ROOT)) {
            case "=" -> v.equals(s);
            case "!=" -> !v.equals(s);
            case "LIKE" -> SearchFilter.like(v, s, false);
            case "ILIKE" -> SearchFilter.like(v, s, true);
            default -> throw KeelException.invalid("'" + c.key() + "' compares with =, !=, LIKE or ILIKE");
        };
    }

    private static Comparator<LoggedModel> order(List<Fields> orderBy, Map<String, List<LoggedModelMetric>> metrics) {
        Comparator<LoggedModel> out = (a, b) -> 0;
        boolean byCreation = false;
        for (Fields o : orderBy) {
            String field = o.required("field_name");
            boolean ascending = !"false".equalsIgnoreCase(o.string("ascending"));
            if (field.startsWith("metrics.")) {
                String key = field.substring("metrics.".length());
                String name = o.string("dataset_name");
                String digest = o.string("dataset_digest");
                Comparator<Double> values = ascending ? Comparator.naturalOrder() : Comparator.reverseOrder();
                // models without the metric go last either way
                out = out.thenComparing(
                        m -> LoggedModelMetrics.latest(metrics.getOrDefault(m.id(), List.of()), key, name, digest),
                        Comparator.nullsLast(values));
                continue;
            }
            Comparator<LoggedModel> key = switch (field) {
                case "name" -> Comparator.comparing(LoggedModel::name);
                case "model_id" -> Comparator.comparing(LoggedModel::id);
                case "creation_timestamp", "creation_time", "creation_timestamp_ms" ->
                    Comparator.comparingLong(LoggedModel::creationTime);
                case "last_updated_timestamp", "last_updated_timestamp_ms" ->
                    Comparator.comparingLong(LoggedModel::lastUpdatedTime);
                default ->
                    throw KeelException.invalid("Invalid order_by field '" + field + "' for logged models: use name,"
                            + " model_id, creation_timestamp, last_updated_timestamp or metrics.KEY");
            };
            byCreation |= field.startsWith("creation_");
            out = out.thenComparing(ascending ? key : key.reversed());
        }
        if (!byCreation) {
            out = out.thenComparing(
                    Comparator.comparingLong(LoggedModel::creationTime).reversed());
        }
        return out.thenComparing(LoggedModel::id);
    }

    private static Map<String, String> params(List<Fields> list) {
        Map<String, String> out = new TreeMap<>();
        for (Fields p : list) {
            String key = Limits.key("param", p.string("key"));
            String value = Limits.paramValue(key, p.string("value") == null ? "" : p.string("value"));
            String old = out.putIfAbsent(key, value);
            if (old != null && !old.equals(value)) {
                throw KeelException.invalid("Duplicate parameter keys have been submitted: '" + key + "'");
            }
        }
        return out;
    }

    /**
     * Checks that the caller may change every model the points name, before the run's own write,
     * so a point naming a hidden or missing model stores nothing; {@link #storeMetrics} then
     * stores them.
     */
    void checkMetricModels(Principal who, List<LoggedModelMetric> points) {
        points.stream().map(LoggedModelMetric::modelId).distinct().forEach(id -> model(who, id, Need.WRITE));
    }

    void storeMetrics(List<LoggedModelMetric> points) {
        if (!points.isEmpty()) {
            store().logLoggedModelMetrics(points);
        }
    }

    /** The logged model, when the caller may read (or change) its experiment. */
    LoggedModel model(Principal who, String id, Need need) {
        LoggedModel m = store().loggedModel(id)
                .orElseThrow(() -> Hidden.answer(who, notFound(id).getMessage()));
        try {
            access.experiment(who, Long.toString(m.experimentId()), need);
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw Hidden.answer(who, notFound(id).getMessage());
            }
            throw e;
        }
        return m;
    }

    private LoggedModel fromPath(Request r, Need need) {
        LoggedModel m = model(r.principal(), r.param("model_id"), need);
        if (!Long.toString(m.experimentId()).equals(r.param("experiment"))) {
            throw notFound(m.id());
        }
        return m;
    }

    private static KeelException notFound(String id) {
        return KeelException.notFound("Logged model with ID '" + id + "' not found");
    }

    String artifactUri(LoggedModel m) {
        Experiment e = experiments.byId(Long.toString(m.experimentId()));
        return Experiments.artifactLocation(e) + "/models/" + m.id() + "/artifacts";
    }

    Map<String, Object> view(LoggedModel m) {
        return view(m, store().loggedModelMetrics(List.of(m.id())).getOrDefault(m.id(), List.of()));
    }

    private Map<String, Object> view(LoggedModel m, List<LoggedModelMetric> metrics) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model_id", m.id());
        info.put("experiment_id", Long.toString(m.experimentId()));
        info.put("name", m.name());
        info.put("creation_timestamp_ms", m.creationTime());
        info.put("last_updated_timestamp_ms", m.lastUpdatedTime());
        info.put("artifact_uri", artifactUri(m));
        info.put("status", m.status());
        if (!m.modelType().isEmpty()) {
            info.put("model_type", m.modelType());
        }
        if (!m.sourceRunId().isEmpty()) {
            info.put("source_run_id", m.sourceRunId());
        }
        if (!m.statusMessage().isEmpty()) {
            info.put("status_message", m.statusMessage());
        }
        info.put("tags", MlflowViews.keyValues(m.tags()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("params", MlflowViews.keyValues(m.params()));
        data.put("metrics", LoggedModelMetrics.view(metrics));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("info", info);
        out.put("data", data);
        return out;
    }

    private List<Object> list(LoggedModel m, String dir, boolean fullPaths) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Map<String, Map<String, Object>> entries = new TreeMap<>();
        for (ModelFile f : store().loggedModelFiles(m.id())) {
            if (!f.path().startsWith(prefix)) {
                continue;
            }
            String rest = f.path().substring(prefix.length());
            int slash = rest.indexOf('/');
            String base = slash < 0 ? rest : rest.substring(0, slash);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", fullPaths ? prefix + base : base);
            e.put("is_dir", slash >= 0);
            if (slash < 0) {
                e.put("file_size", f.size());
            }
            entries.putIfAbsent(base, e);
        }
        return new ArrayList<>(entries.values());
    }

    /** A file of a logged model or model version, streamed from the blob store. */
    Response download(ModelFile file) {
        if (!ctx.blobs().has(file.hash())) {
            throw KeelException.notFound("The content of '" + file.path() + "' is not in the blob store");
        }
        String name = file.path().substring(file.path().lastIndexOf('/') + 1);
        String type = URLConnection.guessContentTypeFromName(name);
        long size = ctx.blobs().size(file.hash());
        return Response.stream(200, type == null ? "application/octet-stream" : type, size, out -> {
                    try (InputStream in = ctx.blobs().open(file.hash())) {
                        in.transferTo(out);
                    }
                })
                .header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"");
    }

    static String strip(String p) {
        String s = p == null ? "" : p;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
