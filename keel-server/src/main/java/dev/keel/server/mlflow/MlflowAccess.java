package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Experiment;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;

import java.util.Optional;

/**
 * The access checks of MLflow's API, which names its objects in the body or query. An experiment
 * the caller may not see is answered exactly like one that does not exist, in words that name
 * only what the caller sent: the Keel project behind it (whose name may differ from the
 * experiment's) is never named, and anonymous callers are asked to sign in either way.
 */
final class MlflowAccess {
    private final ServerContext ctx;
    private final AccessRules rules;
    private final Experiments experiments;
    private final Runs runs;

    MlflowAccess(ServerContext ctx, Experiments experiments, Runs runs) {
        this.ctx = ctx;
        this.rules = new AccessRules(ctx.authorizer(), ctx.store());
        this.experiments = experiments;
        this.runs = runs;
    }

    /** The experiment with this id, when the caller may read (or write) its project. */
    Experiment experiment(Principal who, String id, Need need) {
        return checked(who, find(id), "experiment with id=" + id, need);
    }

    /** The experiment named so, when the caller may read (or write) its project. */
    Experiment experimentNamed(Principal who, String name, Need need) {
        return checked(who, experiments.byName(name), "experiment '" + name + "'", need);
    }

    /** The experiment, or empty when none has this id; the caller must be allowed one that exists. */
    Optional<Experiment> experimentIfExists(Principal who, String id, Need need) {
        Optional<Experiment> found = find(id);
        return found.isEmpty() ? found : Optional.of(checked(who, found, "experiment with id=" + id, need));
    }

    private Optional<Experiment> find(String id) {
        try {
            return Optional.of(experiments.byId(id));
        } catch (KeelException e) {
            if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** A project named by the caller: may be claimed by a signed-in caller. */
    void project(Principal who, String project, Need need) {
        rules.check(who, Resource.project(project), need);
    }

    /**
     * The project of a new experiment, which a signed-in caller claims. A name already taken by an
     * experiment or project the caller may not see is refused as taken (PERMISSION_DENIED), not as
     * missing: MLflow's {@code set_experiment} creates after a lookup that found nothing, and
     * "does not exist" from a create would send its user looking in the wrong place.
     */
    void newExperiment(Principal who, String name) {
        Optional<Experiment> existing = experiments.byName(name);
        if (existing.isPresent() && !who.anonymous() && !canRead(who, existing.get())) {
            throw taken(name);
        }
        try {
            rules.check(who, Resource.project(name), Need.WRITE);
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw taken(name);
            }
            throw e;
        }
    }

    private static KeelException taken(String name) {
        return new KeelException(
                ErrorCode.PERMISSION_DENIED,
                "Experiment '" + name + "' already exists and is not shared with you: ask its owner to share it"
                        + " with your team (its project's visibility 'team'), or choose another name.");
    }

    /** The run with this id, when the caller may read (or write) its project. */
    RunInfo run(Principal who, String id, Need need) {
        rules.checkRun(who, id, need);
        return runs.get(id);
    }

    /**
     * The run, or empty when it does not exist or the caller may not read it: for calls that MLflow
     * answers with an empty list for an unknown run, so a hidden run reads exactly as a missing one.
     */
    Optional<RunInfo> runIfReadable(Principal who, String id) {
        requireListing(who);
        try {
            return Optional.of(run(who, id, Need.READ));
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST
                    || e.code() == ErrorCode.UNAUTHENTICATED
                    || e.code() == ErrorCode.PERMISSION_DENIED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Lists name only what the caller may read, but anonymous callers may list at all only
     * where the server lets them read public projects; elsewhere they are asked to sign in.
     */
    void requireListing(Principal who) {
        if (who.anonymous() && !ctx.settings().anonymousReads()) {
            throw signIn();
        }
    }

    boolean canRead(Principal who, Experiment e) {
        return ctx.authorizer().canRead(who, Resource.project(e.project()));
    }

    private Experiment checked(Principal who, Optional<Experiment> found, String what, Need need) {
        if (found.isEmpty()) {
            throw hidden(who, what);
        }
        try {
            // canWrite first, as for Keel's own routes: it may claim a project no one owns yet
            rules.check(who, Resource.project(found.get().project()), need);
        } catch (KeelException e) {
            // AccessRules' 404 names the project; this one names only what the caller asked for
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw hidden(who, what);
            }
            throw e;
        }
        return found.get();
    }

    private static KeelException hidden(Principal who, String what) {
        if (who.anonymous()) {
            return signIn();
        }
        return KeelException.notFound("No " + what + " exists (or you may not see it)");
    }

    private static KeelException signIn() {
        return new KeelException(
                ErrorCode.UNAUTHENTICATED,
                "sign in: send 'Authorization: Bearer <API key>'" + " (MLflow's clients send MLFLOW_TRACKING_TOKEN)");
    }
}
