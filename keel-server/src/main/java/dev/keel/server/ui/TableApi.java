package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;
import dev.keel.server.http.RunSearchParams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What the runs table needs beyond the runs search: the columns a project's runs have (and which of
 * them differ between runs, for the default columns), group-by
 * aggregates and a CSV export of the current view (same filter and sort as the table).
 */
final class TableApi {
    static final int SAMPLE = 2_000;
    static final int MAX_EXPORT = 100_000;
    static final int PAGE = 1_000;

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/projects/{project}/columns",
                Access.projectRead("project"),
                "The config keys, summary keys and metric keys of a project's recent runs",
                request -> columns(ctx.store(), request.param("project")));
        router.get(
                "/api/v1/projects/{project}/groups",
                Access.projectRead("project"),
                "Group a project's runs by a field (by=config.KEY|sweep|group|user|state) with min/mean/max of 'metrics'",
                request -> {
                    RunQuery query = query(request, request.param("project"), 0, 0);
                    Field by = Field.parse(request.query("by")
                            .orElseThrow(() -> KeelException.invalid(
                                    "query parameter 'by' is required, e.g. by=config.lr or by=sweep")));
                    List<Field> metrics =
                            request.query("metrics").map(TableApi::fields).orElse(List.of());
                    List<RunInfo> runs = all(ctx.store(), query);
                    Map<String, Object> groups = Groups.aggregate(runs, by, metrics);
                    if (by.kind() == Field.Kind.ATTRIBUTE && by.path().equals("sweep")) {
                        Groups.label(groups, SweepPageApi.names(ctx.store(), request.param("project")));
                    }
                    return groups;
                });
        router.get(
                "/api/v1/projects/{project}/runs.csv",
                Access.projectRead("project"),
                "The runs table as CSV: filter, sort and columns (comma-separated fields) as in the table",
                request -> {
                    String project = request.param("project");
                    RunQuery query = query(request, project, 0, 0);
                    List<String> columns = request.query("columns")
                            .map(c -> List.of(c.split(",")))
                            .orElse(List.of(
                                    "name", "id", "state", "user", "tags", "notes", "created", "runtime", "sweep"));
                    List<RunInfo> runs = all(ctx.store(), query);
                    byte[] body = Csv.table(runs.stream().map(ctx.liveness()).toList(), columns)
                            .getBytes(StandardCharsets.UTF_8);
                    return Response.bytes(200, "text/csv", body)
                            .header(
                                    "Content-Disposition",
                                    "attachment; filename=\"" + project.replaceAll("[^A-Za-z0-9._-]", "_")
                                            + "-runs.csv\"");
                });
    }

    static Map<String, Object> columns(Store store, String project) {
        TreeSet<String> metrics = new TreeSet<>();
        List<RunInfo> recent = store.searchRuns(new RunQuery(project, null, null, true, SAMPLE, 0));
        List<Map<String, Object>> configs = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (RunInfo r : recent) {
            configs.add(leaves(r.config()));
            summaries.add(leaves(r.summary()));
        }
        for (RunInfo r : recent.subList(0, Math.min(50, recent.size()))) {
            metrics.addAll(store.metricKeys(r.id()));
        }
        TreeSet<String> config = keys(configs);
        TreeSet<String> summary = keys(summaries);
        List<String> differing = new ArrayList<>();
        config.stream().filter(k -> differs(configs, k)).forEach(k -> differing.add("config." + k));
        summary.stream().filter(k -> differs(summaries, k)).forEach(k -> differing.add("summary." + k));
        return Map.of(
                "config",
                List.copyOf(config),
                "summary",
                List.copyOf(summary),
                "metrics",
                List.copyOf(metrics),
                "differing",
                differing);
    }

    private static TreeSet<String> keys(List<Map<String, Object>> runs) {
        TreeSet<String> out = new TreeSet<>();
        runs.forEach(m -> out.addAll(m.keySet()));
        return out;
    }

    /** Whether a key's value is not the same in every sampled run (missing counts as a value). */
    private static boolean differs(List<Map<String, Object>> runs, String key) {
        Object first = runs.get(0).get(key);
        return runs.stream().anyMatch(m -> !Objects.equals(m.get(key), first));
    }

    static Map<String, Object> leaves(Map<String, Object> tree) {
        Map<String, Object> out = new HashMap<>();
        leaves("", tree, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void leaves(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            String k = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> m && !m.isEmpty()) {
                leaves(k + ".", (Map<String, Object>) m, out);
            } else {
                out.put(k, e.getValue());
            }
        }
    }

    static List<RunInfo> all(Store store, RunQuery q) {
        List<RunInfo> out = new ArrayList<>();
        for (int offset = 0; out.size() < MAX_EXPORT; offset += PAGE) {
            List<RunInfo> page =
                    store.searchRuns(new RunQuery(q.project(), q.filter(), q.sort(), q.descending(), PAGE, offset));
            out.addAll(page);
            if (page.size() < PAGE) {
                break;
            }
        }
        return out;
    }

    static List<Field> fields(String csv) {
        List<Field> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(Field.parse(s));
            }
        }
        return out;
    }

    static RunQuery query(Request request, String project, int limit, int offset) {
        return RunSearchParams.query(request, project, RunSearchParams.filter(request), limit, offset);
    }

    /** A field's value on a run (null when absent), for groups and CSV cells. */
    static Object value(RunInfo r, Field f) {
        switch (f.kind()) {
            case CONFIG:
                return lookup(r.config(), f.path());
            case SUMMARY:
                return lookup(r.summary(), f.path());
            default:
                return switch (f.path()) {
                    case "id" -> r.id();
                    case "name" -> r.name();
                    case "project" -> r.project();
                    case "state" -> r.state().label();
                    case "user" -> r.user();
                    case "notes" -> r.notes();
                    case "tags" -> String.join(" ", r.tags());
                    case "group" -> r.group();
                    case "sweep" -> r.sweep();
                    case "host" -> r.host();
                    case "created" -> Instant.ofEpochMilli(r.createdAt()).toString();
                    case "runtime" -> r.runtimeMs() / 1000.0;
                    case "heartbeat" -> Instant.ofEpochMilli(r.heartbeatAt()).toString();
                    case "ended" ->
                        r.endedAt() == 0
                                ? null
                                : Instant.ofEpochMilli(r.endedAt()).toString();
                    default -> null;
                };
        }
    }

    @SuppressWarnings("unchecked")
    static Object lookup(Map<String, Object> tree, String path) {
        if (tree.containsKey(path)) {
            return tree.get(path);
        }
        Object node = tree;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = ((Map<String, Object>) m).get(part);
        }
        return node;
    }
}
