package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.provenance.EnvDiff;
import dev.keel.core.provenance.RunEnvironment;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * The compare page's environment section: what {@code keel env diff RUN1 RUN2} prints, as JSON
 * ({@link EnvDiff.Result#toMap()}), read from this server's store, so a team sees why two runs
 * of theirs may differ without a terminal.
 */
final class EnvDiffApi {
    /** The run file the SDK keeps a run's uncommitted git diff in. */
    private static final String DIFF_FILE = "diff.patch";

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/runs/{id}/env-diff",
                Access.runRead("id"),
                "The environment differences between this run and the run in 'to' (JVM, OS, CPU, thread counts,"
                        + " GPUs, dependencies, datasets, config, seeds), as keel env diff --format json prints them",
                request -> {
                    RunInfo left = readable(ctx, request, request.param("id"));
                    String to = request.query("to")
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .orElseThrow(() -> KeelException.invalid(
                                    "query parameter 'to' is required: the id of the run to compare with"));
                    RunInfo right = readable(ctx, request, to);
                    return EnvDiff.compare(environment(ctx, request, left), environment(ctx, request, right))
                            .toMap();
                });
    }

    /** A run the caller may read; otherwise the answer the router's access rules give. */
    private static RunInfo readable(ServerContext ctx, Request request, String id) {
        RunInfo run = ctx.store().run(id).orElse(null);
        if (run == null || !ctx.authorizer().canRead(request.principal(), Resource.project(run.project()))) {
            if (request.principal().anonymous()) {
                throw new KeelException(
                        KeelException.ErrorCode.UNAUTHENTICATED,
                        "sign in to read run " + id + ": send 'Authorization: Bearer <API key>' or log in");
            }
            throw KeelException.notFound("run " + id + " does not exist (or you may not see it)");
        }
        return run;
    }

    /** Dataset versions are named only where the caller may read the dataset, as on the run page. */
    private static RunEnvironment environment(ServerContext ctx, Request request, RunInfo run) {
        List<RunInput> inputs = new ArrayList<>();
        if (ctx.datasets() != null) {
            for (RunInput in : ctx.datasets().inputsOf(run.id())) {
                if (ctx.authorizer().canRead(request.principal(), Resource.dataset(in.dataset()))) {
                    inputs.add(in);
                }
            }
        }
        String diffHash = null;
        for (RunFile f : ctx.store().files(run.id())) {
            if (f.name().equals(DIFF_FILE)) {
                diffHash = f.hash();
            }
        }
        return new RunEnvironment(run.id(), ctx.store().provenance(run.id()), run.config(), diffHash, inputs);
    }
}
