package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.LoggedModelMetric;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;
import dev.keel.server.mlflow.MlflowViews.Point;
import dev.keel.server.mlflow.Runs.Param;
import dev.keel.server.mlflow.Runs.Tag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.keel.server.mlflow.MlflowApi.wrap;

/** MLflow's run endpoints: create, get, update, delete/restore, logging calls, search, history. */
final class RunRoutes {
    private static final String RUN_READ = "read access to the run's project";
    private static final String RUN_WRITE = "write access to the run's project";

    private final ServerContext ctx;
    private final MlflowAccess access;
    private final Experiments experiments;
    private final Runs runs;
    private final RunInputs inputs;
    private final LoggedModelRoutes models;

    RunRoutes(ServerContext ctx, MlflowAccess access, Experiments experiments, Runs runs) {
        this.ctx = ctx;
        this.access = access;
        this.experiments = experiments;
        this.runs = runs;
        this.inputs = new RunInputs(ctx);
        this.models = new LoggedModelRoutes(ctx, access, experiments);
    }

    void register(Router router, String p) {
        router.post(
                p + "runs/create",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: start a run (a Keel run in the experiment's project)",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    String expId = f.string("experiment_id");
                    Experiment e = access.experiment(
                            request.principal(), expId == null || expId.isEmpty() ? "0" : expId, Need.WRITE);
                    List<Tag> tags = tags(f.objects("tags"));
                    RunInfo run = runs.create(
                            e,
                            f.string("run_name"),
                            f.string("user_id"),
                            request.principal(),
                            f.int64("start_time", 0),
                            tags);
                    return Map.of("run", runs.view(run));
                }));
        router.get(
                p + "runs/get",
                Access.inHandler(RUN_READ),
                "MLflow: one run with its latest metrics, params and tags",
                wrap(request ->
                        Map.of("run", runs.view(run(request, Fields.of(request).runId(), Need.READ)))));
        router.post(
                p + "runs/update",
                Access.inHandler(RUN_WRITE),
                "MLflow: change a run's status, end time or name",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    RunInfo run = run(request, f.runId(), Need.WRITE);
                    String status = f.enumName("status", RunMapping.STATUSES);
                    RunInfo updated = runs.update(run, status, f.int64("end_time", 0), f.string("run_name"));
                    return Map.of("run_info", MlflowViews.runInfo(updated, experiments.forProject(updated.project())));
                }));
        router.post(
                p + "runs/delete",
                Access.inHandler(RUN_WRITE),
                "MLflow: mark a run deleted (restorable)",
                wrap(request -> {
                    runs.setDeleted(run(request, Fields.of(request).runId(), Need.WRITE), true);
                    return Map.of();
                }));
        router.post(p + "runs/restore", Access.inHandler(RUN_WRITE), "MLflow: restore a deleted run", wrap(request -> {
            runs.setDeleted(run(request, Fields.of(request).runId(), Need.WRITE), false);
            return Map.of();
        }));
        router.post(
                p + "runs/log-metric", Access.inHandler(RUN_WRITE), "MLflow: log one metric point", wrap(request -> {
                    Fields f = Fields.of(request);
                    RunInfo run = run(request, f.runId(), Need.WRITE);
                    Point point = metric(f);
                    List<LoggedModelMetric> forModels = forModels(request, run, List.of(f), List.of(point));
                    runs.log(run, List.of(point), List.of(), List.of());
                    models.storeMetrics(forModels);
                    return Map.of();
                }));
        router.post(
                p + "runs/log-parameter",
                Access.inHandler(RUN_WRITE),
                "MLflow: log a param (into the run's config)",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    RunInfo run = run(request, f.runId(), Need.WRITE);
                    runs.log(run, List.of(), List.of(param(f)), List.of());
                    return Map.of();
                }));
        router.post(p + "runs/set-tag", Access.inHandler(RUN_WRITE), "MLflow: set a run tag", wrap(request -> {
            Fields f = Fields.of(request);
            RunInfo run = run(request, f.runId(), Need.WRITE);
            runs.log(run, List.of(), List.of(), List.of(tag(f)));
            return Map.of();
        }));
        router.post(p + "runs/delete-tag", Access.inHandler(RUN_WRITE), "MLflow: delete a run tag", wrap(request -> {
            Fields f = Fields.of(request);
            RunInfo run = run(request, f.runId(), Need.WRITE);
            runs.deleteTag(run, f.required("key"));
            return Map.of();
        }));
        router.post(
                p + "runs/log-batch",
                Access.inHandler(RUN_WRITE),
                "MLflow: log up to 1000 metrics, 100 params and 100 tags in one write",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    List<Fields> metrics = f.objects("metrics");
                    List<Fields> params = f.objects("params");
                    List<Fields> tagList = f.objects("tags");
                    Limits.batch(metrics.size(), params.size(), tagList.size());
                    RunInfo run = run(request, f.runId(), Need.WRITE);
                    List<Point> points = new ArrayList<>(metrics.size());
                    for (Fields m : metrics) {
                        points.add(metric(m));
                    }
                    List<Param> ps = new ArrayList<>(params.size());
                    for (Fields m : params) {
                        ps.add(param(m));
                    }
                    List<LoggedModelMetric> forModels = forModels(request, run, metrics, points);
                    runs.log(run, points, ps, tags(tagList));
                    models.storeMetrics(forModels);
                    return Map.of();
                }));
        router.post(
                p + "runs/log-inputs",
                Access.inHandler(RUN_WRITE),
                "MLflow: dataset inputs (kept with the run; Keel lineage when they name a Keel dataset version)",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    RunInfo run = run(request, f.runId(), Need.WRITE);
                    inputs.log(request.principal(), run, f.objects("datasets"));
                    return Map.of();
                }));
        router.post(
                p + "runs/search",
                Access.inHandler("read access to each experiment searched"),
                "MLflow: search runs (filter, order_by, run_view_type, max_results, page_token)",
                wrap(request -> search(request, Fields.of(request))));
        router.get(
                p + "metrics/get-history",
                Access.inHandler("lists only runs the caller may read"),
                "MLflow: a metric's whole history (empty for a run that does not exist, as MLflow)",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    String runId = f.runId();
                    String key = f.required("metric_key");
                    RunInfo run =
                            access.runIfReadable(request.principal(), runId).orElse(null);
                    if (run == null) {
                        return Map.of("metrics", List.of());
                    }
                    int max = Limits.maxResults(
                            f.has("max_results") ? f.int64("max_results", 0) : Long.MIN_VALUE,
                            Limits.MAX_HISTORY_PAGE,
                            Limits.MAX_HISTORY_PAGE);
                    int offset = PageToken.decode(f.string("page_token"));
                    List<Point> all = runs.history(run, key);
                    int from = Math.min(offset, all.size());
                    int to = Math.min(all.size(), from + max);
                    List<Object> page = new ArrayList<>(to - from);
                    for (Point pt : all.subList(from, to)) {
                        page.add(MlflowViews.point(pt));
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("metrics", page);
                    // only when more follow: the Java client fails on any non-empty token here
                    if (to < all.size()) {
                        out.put("next_page_token", PageToken.encode(to));
                    }
                    return out;
                }));
        router.get(
                p + "metrics/get-history-bulk-interval",
                Access.inHandler("lists only runs the caller may read"),
                "MLflow: one metric of up to 100 runs, sampled to at most max_results steps per run",
                wrap(request -> Map.of(
                        "metrics",
                        MetricSampling.bulkInterval(
                                request,
                                (id, key) -> access.runIfReadable(request.principal(), id)
                                        .map(r -> runs.history(r, key))
                                        .orElse(List.of())))));
    }

    private RunInfo run(Request request, String id, Need need) {
        return access.run(request.principal(), id, need);
    }

    private Map<String, Object> search(Request request, Fields f) {
        String view = f.enumName("run_view_type", MlflowApi.VIEW_TYPES);
        int max = Limits.maxResults(
                f.has("max_results") ? f.int64("max_results", 0) : Long.MIN_VALUE, 1000, Limits.MAX_RESULTS);
        int offset = PageToken.decode(f.string("page_token"));
        List<SearchFilter.Clause> clauses = SearchFilter.parse(f.string("filter"));
        List<RunSearch.Sort> sorts = new ArrayList<>();
        for (String entry : f.strings("order_by")) {
            SearchFilter.Clause c = SearchFilter.identifier(entry);
            sorts.add(new RunSearch.Sort(c, c.op().equalsIgnoreCase("DESC")));
        }
        Map<String, Experiment> byProject = new HashMap<>();
        List<String> projects = new ArrayList<>();
        for (String id : f.strings("experiment_ids")) {
            // MLflow searches the experiments that exist; one the caller may not see is answered as unknown
            Experiment e = access.experimentIfExists(request.principal(), id, Need.READ)
                    .orElse(null);
            if (e == null) {
                continue;
            }
            byProject.put(e.project(), e);
            projects.add(e.project());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (projects.isEmpty()) {
            clauses.forEach(RunSearch::validate);
            out.put("runs", List.of());
            return out;
        }
        RunSearch.Page page = new RunSearch(ctx.store())
                .search(
                        projects,
                        clauses,
                        view == null ? "ACTIVE_ONLY" : view,
                        sorts,
                        max,
                        offset,
                        r -> MlflowViews.artifactUri(byProject.get(r.project()), r.id()),
                        id -> ctx.store().provenance(id));
        List<Object> views = new ArrayList<>(page.runs().size());
        for (RunInfo r : page.runs()) {
            List<Point> metrics = new ArrayList<>();
            // the latest value of each metric, from the run's summary (runs/get adds steps and times)
            RunMapping.summaryMetrics(r).forEach((k, v) -> metrics.add(new Point(k, v, 0, 0)));
            Map<String, Object> provenance = ctx.store().provenance(r.id());
            views.add(MlflowViews.run(
                    r,
                    byProject.get(r.project()),
                    metrics,
                    RunMapping.params(r),
                    RunMapping.tags(r, provenance),
                    RunInputs.stored(provenance)));
        }
        out.put("runs", views);
        if (page.nextOffset() >= 0) {
            out.put("next_page_token", PageToken.encode(page.nextOffset()));
        }
        return out;
    }

    /**
     * The points that MLflow 3 logs against a logged model too ({@code model_id}, with
     * {@code dataset_name} and {@code dataset_digest}); the caller must be able to change each.
     */
    private List<LoggedModelMetric> forModels(Request request, RunInfo run, List<Fields> given, List<Point> points) {
        List<LoggedModelMetric> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            LoggedModelMetric m = LoggedModelMetrics.of(given.get(i), run.id(), points.get(i));
            if (m != null) {
                out.add(m);
            }
        }
        models.checkMetricModels(request.principal(), out);
        return out;
    }

    private static Point metric(Fields f) {
        String key = Limits.key("metric", f.string("key"));
        if (f.isBoolean("value")) {
            throw KeelException.invalid(
                    "Got invalid value true/false for metric '" + key + "': metric values must be numbers");
        }
        double value = f.dbl("value");
        if (!f.has("timestamp")) {
            throw KeelException.invalid("Missing value for required parameter 'timestamp' of metric '" + key + "'.");
        }
        long ts = f.int64("timestamp", 0);
        if (ts < 0) {
            throw KeelException.invalid("Got invalid timestamp " + ts + " for metric '" + key + "': must be >= 0");
        }
        return new Point(key, value, ts, f.int64("step", 0));
    }

    private static Param param(Fields f) {
        String key = Limits.key("param", f.string("key"));
        return new Param(key, Limits.paramValue(key, f.string("value")));
    }

    private static Tag tag(Fields f) {
        String key = Limits.key("tag", f.string("key"));
        return new Tag(key, Limits.tagValue(key, f.string("value")));
    }

    private static List<Tag> tags(List<Fields> list) {
        List<Tag> out = new ArrayList<>(list.size());
        for (Fields t : list) {
            out.add(tag(t));
        }
        return out;
    }
}
