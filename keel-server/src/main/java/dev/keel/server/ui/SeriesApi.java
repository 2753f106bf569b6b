package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import dev.keel.server.ServerContext;
import dev.keel.server.api.Views;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Chart data for many runs and keys in one request, downsampled on the server so that a chart
 * of a million-point series moves a few thousand points. Downsampled series are cached while the
 * run's stored log offset and state stay the same (a finished run's series never change).
 */
final class SeriesApi {
    static final int MAX_RUNS = 200;
    static final int MAX_KEYS = 64;
    static final int MAX_POINTS = 20_000;

    /** About 60 MB at most. */
    private final SeriesCache cache = new SeriesCache(1_000_000);

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/series",
                Access.inHandler("the project of each run in 'runs'"),
                "Downsampled metric series for many runs × keys: runs=a,b&keys=loss,val_loss&points=N (default 1000)",
                request -> batch(ctx, request));
    }

    private Object batch(ServerContext ctx, Request request) {
        List<String> runIds = list(request, "runs", MAX_RUNS);
        List<String> keys = list(request, "keys", MAX_KEYS);
        int points = request.queryInt("points", 1000, 4, MAX_POINTS);
        Store store = ctx.store();
        List<Object> out = new ArrayList<>();
        for (String id : runIds) {
            RunInfo run = store.run(id).orElse(null);
            if (run == null || !ctx.authorizer().canRead(request.principal(), Resource.project(run.project()))) {
                // As the router's access rules answer: anonymous callers are asked to sign in,
                // others learn nothing about runs they may not see.
                if (request.principal().anonymous()) {
                    throw new KeelException(
                            KeelException.ErrorCode.UNAUTHENTICATED,
                            "sign in to read run " + id + ": send 'Authorization: Bearer <API key>' or log in");
                }
                throw KeelException.notFound("run " + id + " does not exist (or you may not see it)");
            }
            long offset = store.logOffset(id);
            for (String key : keys) {
                String cacheKey = id + "\u0000" + key + "\u0000" + points;
                String version = offset + "/" + run.state() + "/" + run.heartbeatAt();
                Map<String, Object> view = cache.get(cacheKey, version);
                if (view == null) {
                    MetricSeries full = store.history(id, key);
                    view = new LinkedHashMap<>();
                    if (full.size() == 0) {
                        // A key this run never logged: remembered as empty, left out of the answer.
                        cache.put(cacheKey, version, view);
                        continue;
                    }
                    view.put("run", id);
                    view.put("total", full.size());
                    view.putAll(Views.series(Downsampler.downsample(full, points)));
                    cache.put(cacheKey, version, view);
                }
                if (!view.isEmpty()) {
                    out.add(view);
                }
            }
        }
        return Map.of("series", out);
    }

    static List<String> list(Request request, String name, int max) {
        String raw = request.query(name).orElse("").trim();
        if (raw.isEmpty()) {
            throw KeelException.invalid("query parameter '" + name + "' is required: a comma-separated list");
        }
        List<String> items = new ArrayList<>(new LinkedHashSet<>(Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList()));
        if (items.isEmpty() || items.size() > max) {
            throw KeelException.invalid(
                    "query parameter '" + name + "' must list 1 to " + max + " items, got " + items.size());
        }
        return items;
    }
}
