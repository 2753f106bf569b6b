package dev.keel.server.api;

import dev.keel.core.KeelException;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Expr;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;
import dev.keel.server.http.RunSearchParams;
import dev.keel.server.ui.Downsampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading projects and runs: the lists, a run with its provenance, metric keys and histories,
 * console lines and files. Searches take the CLI's filter language and sort field.
 */
public final class RunsReadApi implements ApiModule {
    static final int MAX_PAGE = 10_000;

    @Override
    public void register(Router router, ServerContext ctx) {
        Store store = ctx.store();
        router.get("/api/v1/projects", Access.authenticated(), "Projects the caller may read", request -> {
            List<Object> out = new ArrayList<>();
            for (ProjectInfo p : store.projects()) {
                if (ctx.authorizer().canRead(request.principal(), Resource.project(p.name()))) {
                    out.add(Views.project(p));
                }
            }
            return Map.of("projects", out);
        });
        router.get("/api/v1/projects/{project}", Access.projectRead("project"), "One project", request -> {
            String name = request.param("project");
            return store.projects().stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .map(Views::project)
                    .orElseThrow(() -> KeelException.notFound("project " + name + " does not exist"));
        });
        router.get(
                "/api/v1/projects/{project}/runs",
                Access.projectRead("project"),
                "Search a project's runs: filter (CLI filter language), sort ([-]field), limit, offset",
                request -> search(ctx, request, request.param("project")));
        router.get(
                "/api/v1/runs/{id}",
                Access.runRead("id"),
                "One run",
                request -> Views.run(ctx.liveness().apply(run(store, request.param("id")))));
        router.get(
                "/api/v1/runs/{id}/provenance",
                Access.runRead("id"),
                "What the run recorded at start: git, command, JVM, machine, dependencies",
                request -> store.provenance(request.param("id")));
        router.get(
                "/api/v1/runs/{id}/metrics",
                Access.runRead("id"),
                "The metric keys a run logged",
                request -> Map.of("keys", store.metricKeys(request.param("id"))));
        router.get(
                "/api/v1/runs/{id}/metrics/{key*}",
                Access.runRead("id"),
                "One metric's history; with points=N, at most N points keeping each bucket's extremes",
                request -> {
                    var series = store.history(request.param("id"), request.param("key"));
                    int points = request.queryInt("points", 0, 0, 1_000_000);
                    return Views.series(points == 0 ? series : Downsampler.downsample(series, Math.max(4, points)));
                });
        router.get(
                "/api/v1/runs/{id}/console",
                Access.runRead("id"),
                "Console lines from seq 'from', at most 'limit'",
                request -> {
                    long from = request.queryInt("from", 0, 0, Integer.MAX_VALUE);
                    int limit = request.queryInt("limit", 1000, 1, 100_000);
                    return Map.of(
                            "lines",
                            store.console(request.param("id"), from, limit).stream()
                                    .map(Views::console)
                                    .toList());
                });
        router.get(
                "/api/v1/runs/{id}/files",
                Access.runRead("id"),
                "Files kept with the run",
                request -> Map.of(
                        "files",
                        store.files(request.param("id")).stream()
                                .map(Views::file)
                                .toList()));
    }

    static RunInfo run(Store store, String id) {
        return store.run(id).orElseThrow(() -> KeelException.notFound("run " + id + " does not exist"));
    }

    static Map<String, Object> search(ServerContext ctx, Request request, String project) {
        return page(ctx, request, project, RunSearchParams.filter(request));
    }

    /**
     * One page of the runs in {@code project} (null: any project) that match {@code filter}, sorted
     * and bounded by the request's sort, limit and offset: the runs, their total count and the page.
     */
    static Map<String, Object> page(ServerContext ctx, Request request, String project, Expr filter) {
        int limit = request.queryInt("limit", 50, 1, MAX_PAGE);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        RunQuery query = RunSearchParams.query(request, project, filter, limit, offset);
        List<Object> runs = new ArrayList<>();
        for (RunInfo run : ctx.store().searchRuns(query)) {
            runs.add(Views.run(ctx.liveness().apply(run)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", runs);
        out.put("total", ctx.store().countRuns(query));
        out.put("offset", offset);
        out.put("limit", limit);
        return out;
    }
}
