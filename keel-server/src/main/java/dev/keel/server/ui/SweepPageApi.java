package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sweep page and a project's sweep list need: a sweep with its trials, their runs, the
 * best so far and the parameters' importance in one answer, and a project's sweeps with their
 * counts and best values. A sweep is read with its project's read access; its id alone grants
 * nothing.
 */
final class SweepPageApi {
    private final SweepImportance.Cache importance = new SweepImportance.Cache(32);

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/sweeps/{sweep}/overview",
                Access.sweepRead("sweep"),
                "The sweep page's data: the sweep, its method, metric and parameters, trial counts, the best trial,"
                        + " every trial with its run and the best so far, and the parameters' importance",
                request -> {
                    Sweep sweep = require(ctx.store(), request.param("sweep"));
                    List<Trial> trials = ctx.store().sweeps().trials(sweep.id());
                    return SweepView.of(sweep, trials, runs(ctx, sweep), importance);
                });
        router.get(
                "/api/v1/projects/{project}/sweeps",
                Access.projectRead("project"),
                "A project's sweeps, newest first, each with its state, trial counts and best value",
                request -> {
                    Store store = ctx.store();
                    List<Object> out = new ArrayList<>();
                    for (Sweep s : sweepsOf(store, request.param("project"))) {
                        out.add(SweepView.listed(s, store.sweeps().trials(s.id())));
                    }
                    return Map.of("sweeps", out);
                });
    }

    /** The sweep or 404; the route's access rule has already checked that the caller may read it. */
    static Sweep require(Store store, String id) {
        return store.sweeps().sweep(id).orElseThrow(() -> KeelException.notFound("sweep " + id + " does not exist"));
    }

    private static List<Sweep> sweepsOf(Store store, String project) {
        try {
            // a store that keeps no sweeps has none to list
            return store.sweeps().sweeps(project);
        } catch (UnsupportedOperationException e) {
            return List.of();
        }
    }

    /** The runs that carry the sweep's trials, by id, as readers see them (liveness applied). */
    static Map<String, RunInfo> runs(ServerContext ctx, Sweep sweep) {
        RunQuery query = new RunQuery(
                sweep.project(), new Expr.Compare(Field.parse("sweep"), Expr.Op.EQ, sweep.id()), null, false, 0, 0);
        Map<String, RunInfo> out = new LinkedHashMap<>();
        for (RunInfo r : TableApi.all(ctx.store(), query)) {
            out.put(r.id(), ctx.liveness().apply(r));
        }
        return out;
    }

    /** Sweep names for the runs table's groups by sweep: the id alone says little to a reader. */
    static Map<String, String> names(Store store, String project) {
        Map<String, String> out = new LinkedHashMap<>();
        sweepsOf(store, project).forEach(s -> out.put(s.id(), s.name()));
        return out;
    }
}
