package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.store.Experiment;
import dev.keel.server.ServerContext;
import dev.keel.server.api.ApiModule;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Handler;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow's tracking REST API ({@code /api/2.0/mlflow/...}, also under {@code /ajax-api/2.0/})
 * and its artifact proxy ({@code /api/2.0/mlflow-artifacts/...}), mapped onto Keel's own model:
 * an experiment is a project, an MLflow run a Keel run (see {@link RunMapping}), so runs logged
 * with MLflow's clients show in Keel's runs table like any other. Errors are MLflow's
 * {@code {error_code, message}} with its statuses (RESOURCE_ALREADY_EXISTS is a 400 there).
 *
 * <p>The objects are named in the body or query, so every route declares
 * {@link Access#inHandler} and checks the experiment's project or the run itself.
 */
public final class MlflowApi implements ApiModule {
    static final List<String> PREFIXES = List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/");
    static final List<String> VIEW_TYPES = List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL");

    @Override
    public void register(Router router, ServerContext ctx) {
        Experiments experiments = new Experiments(ctx.store());
        Runs runs = new Runs(ctx, experiments);
        MlflowAccess access = new MlflowAccess(ctx, experiments, runs);
        for (String p : PREFIXES) {
            registerExperiments(router, p, ctx, access, experiments, runs);
            new RunRoutes(ctx, access, experiments, runs).register(router, p);
            new LoggedModelRoutes(ctx, access, experiments).register(router, p);
            new RegistryRoutes(ctx, access, experiments).register(router, p);
        }
        new ArtifactRoutes(ctx, access, experiments).register(router);
        new LoggedModelRoutes(ctx, access, experiments).registerArtifacts(router);
        new RegistryRoutes(ctx, access, experiments).registerArtifacts(router);
        TracingRoutes.register(router);
    }

    private void registerExperiments(
            Router router, String p, ServerContext ctx, MlflowAccess access, Experiments experiments, Runs runs) {
        router.post(
                p + "experiments/create",
                Access.inHandler("write access to the new experiment's project"),
                "MLflow: create an experiment (a Keel project)",
                wrap(request -> {
                    Fields f = Fields.of(request);
                    String name = Limits.experimentName(f.string("name"));
                    Map<String, String> tags = new LinkedHashMap<>();
                    for (Fields t : f.objects("tags")) {
                        String key = Limits.key("experiment tag", t.string("key"));
                        tags.put(key, Limits.experimentTagValue(key, t.string("value")));
                    }
                    access.newExperiment(request.principal(), name);
                    Experiment e = experiments.create(name, f.string("artifact_location"), tags);
                    ctx.authorizer().created(request.principal(), Resource.project(e.project()));
                    return Map.of("experiment_id", Long.toString(e.id()));
                }));
        router.get(
                p + "experiments/get",
                Access.inHandler("read access to the experiment's project"),
                "MLflow: one experiment by id",
                wrap(request -> {
                    Experiment e = access.experiment(
                            request.principal(), Fields.of(request).required("experiment_id"), Need.READ);
                    return Map.of("experiment", MlflowViews.experiment(e));
                }));
        router.get(
                p + "experiments/get-by-name",
                Access.inHandler("read access to the experiment's project"),
                "MLflow: one experiment by name",
                wrap(request -> {
                    String name = Fields.of(request).required("experiment_name");
                    Experiment e = access.experimentNamed(request.principal(), name, Need.READ);
                    return Map.of("experiment", MlflowViews.experiment(e));
                }));
        Handler search =
                wrap(request -> searchExperiments(access, Fields.of(request), request.principal(), experiments));
        router.post(
                p + "experiments/search",
                Access.inHandler("lists only experiments the caller may read"),
                "MLflow: search experiments (filter, order_by, view_type, max_results, page_token)",
                search);
        router.get(
                p + "experiments/search",
                Access.inHandler("lists only experiments the caller may read"),
                "MLflow: search experiments (GET form)",
                search);
        router.post(
                p + "experiments/delete",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: mark an experiment deleted",
                wrap(request -> {
                    Experiment e = writable(request, access);
                    experiments.setLifecycleStage(e, "deleted");
                    runs.setDeletedAll(e.project(), true); // as MLflow: its runs go (and come back) with it
                    return Map.of();
                }));
        router.post(
                p + "experiments/restore",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: restore a deleted experiment",
                wrap(request -> {
                    Experiment e = writable(request, access);
                    experiments.setLifecycleStage(e, "active");
                    runs.setDeletedAll(e.project(), false);
                    return Map.of();
                }));
        router.post(
                p + "experiments/update",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: rename an experiment and its Keel project (the old name is free again)",
                wrap(request -> {
                    Experiment e = writable(request, access);
                    String newName = Limits.experimentName(Fields.of(request).required("new_name"));
                    experiments.rename(e, newName);
                    return Map.of();
                }));
        router.post(
                p + "experiments/set-experiment-tag",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: set an experiment tag",
                wrap(request -> {
                    Experiment e = writable(request, access);
                    Fields f = Fields.of(request);
                    String key = Limits.key("experiment tag", f.string("key"));
                    experiments.setTag(e, key, Limits.experimentTagValue(key, f.string("value")));
                    return Map.of();
                }));
        router.post(
                p + "experiments/delete-experiment-tag",
                Access.inHandler("write access to the experiment's project"),
                "MLflow: delete an experiment tag",
                wrap(request -> {
                    Experiment e = writable(request, access);
                    String key = Fields.of(request).required("key");
                    if (!e.tags().containsKey(key)) {
                        throw KeelException.notFound("No tag with name: " + key + " in experiment with id " + e.id());
                    }
                    experiments.setTag(e, key, null);
                    return Map.of();
                }));
    }

    private static Experiment writable(Request request, MlflowAccess access) {
        return access.experiment(request.principal(), Fields.of(request).required("experiment_id"), Need.WRITE);
    }

    private static Map<String, Object> searchExperiments(
            MlflowAccess access, Fields f, Principal who, Experiments experiments) {
        access.requireListing(who);
        String view = f.enumName("view_type", VIEW_TYPES);
        view = view == null ? "ACTIVE_ONLY" : view;
        List<SearchFilter.Clause> clauses = SearchFilter.parse(f.string("filter"));
        List<Experiment> found = new ArrayList<>();
        for (Experiment e : experiments.all()) {
            boolean lifecycle = view.equals("ALL") || (view.equals("ACTIVE_ONLY") == e.active());
            if (lifecycle && ExperimentFilter.matches(clauses, e) && access.canRead(who, e)) {
                found.add(e);
            }
        }
        found.sort(ExperimentFilter.order(f.strings("order_by")));
        return PageToken.page(f, found, 1000, Limits.MAX_RESULTS, "experiments", MlflowViews::experiment);
    }

    /** Runs the handler, answering errors with MLflow's statuses rather than Keel's. */
    static Handler wrap(Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (KeelException e) {
                return error(e.code(), e.getMessage());
            }
        };
    }

    static Response error(ErrorCode code, String message) {
        int status = code == ErrorCode.RESOURCE_ALREADY_EXISTS ? 400 : code.httpStatus();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code.name());
        body.put("message", message == null ? code.name() : message);
        return Response.json(status, body);
    }

    /** Experiments' filter and order_by: name, creation_time, last_update_time and tags.K. */
    static final class ExperimentFilter {
        private ExperimentFilter() {}

        static boolean matches(List<SearchFilter.Clause> clauses, Experiment e) {
            for (SearchFilter.Clause c : clauses) {
                Object v = value(c, e);
                if (v == null || !compare(c, v)) {
                    return false;
                }
            }
            return true;
        }

        private static Object value(SearchFilter.Clause c, Experiment e) {
            if (c.kind() == SearchFilter.Kind.TAG) {
                return e.tags().get(c.key());
            }
            if (c.kind() != SearchFilter.Kind.ATTRIBUTE) {
                throw KeelException.invalid("Invalid filter for experiments: '" + c.key() + "': use name,"
                        + " creation_time, last_update_time or tags.KEY");
            }
            return switch (c.key()) {
                case "name" -> e.name();
                case "creation_time", "start_time" -> (double) e.creationTime();
                case "last_update_time" -> (double) e.lastUpdateTime();
                case "experiment_id" -> Long.toString(e.id());
                default ->
                    throw KeelException.invalid("Invalid attribute key '" + c.key() + "' for experiments:"
                            + " use name, creation_time, last_update_time or tags.KEY");
            };
        }

        private static boolean compare(SearchFilter.Clause c, Object v) {
            if (v instanceof Double d) {
                if (!(c.value() instanceof Double x)) {
                    throw KeelException.invalid("'" + c.key() + "' compares with a number (epoch ms)");
                }
                if (!SearchFilter.NUMERIC_OPS.contains(c.op())) {
                    throw KeelException.invalid("'" + c.key() + "' compares with =, !=, >, >=, <, <=");
                }
                return SearchFilter.compares(c.op(), Double.compare(d, x));
            }
            if (!(c.value() instanceof String s)) {
                throw KeelException.invalid("'" + c.key() + "' compares with a quoted string");
            }
            String text = (String) v;
            return switch (c.op()) {
                case "=" -> text.equals(s);
                case "!=" -> !text.equals(s);
                case "LIKE" -> SearchFilter.like(text, s, false);
                case "ILIKE" -> SearchFilter.like(text, s, true);
                default -> throw KeelException.invalid("'" + c.key() + "' compares with =, !=, LIKE or ILIKE");
            };
        }

        static Comparator<Experiment> order(List<String> orderBy) {
            Comparator<Experiment> out = (a, b) -> 0;
            if (orderBy.isEmpty()) {
                return Comparator.comparingLong(Experiment::lastUpdateTime)
                        .reversed()
                        .thenComparingLong(Experiment::id);
            }
            for (String entry : orderBy) {
                SearchFilter.Clause c = SearchFilter.identifier(entry);
                String dir = c.op().toUpperCase(Locale.ROOT);
                if (!dir.isEmpty() && !dir.equals("ASC") && !dir.equals("DESC")) {
                    throw KeelException.invalid("Invalid order_by clause '" + entry + "': write '<key> [ASC|DESC]'");
                }
                Comparator<Experiment> key = switch (c.key()) {
                    case "name" -> Comparator.comparing(Experiment::name);
                    case "experiment_id" -> Comparator.comparingLong(Experiment::id);
                    case "creation_time" -> Comparator.comparingLong(Experiment::creationTime);
                    case "last_update_time" -> Comparator.comparingLong(Experiment::lastUpdateTime);
                    default ->
                        throw KeelException.invalid("Invalid order_by key '" + c.key() + "' for experiments:"
                                + " use name, experiment_id, creation_time or last_update_time");
                };
                out = out.thenComparing(dir.equals("DESC") ? key.reversed() : key);
            }
            return out.thenComparingLong(Experiment::id);
        }
    }
}
