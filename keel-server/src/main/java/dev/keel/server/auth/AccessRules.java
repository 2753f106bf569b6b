package dev.keel.server.auth;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.RunInfo;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.Optional;

/**
 * Enforces the {@link Access} rule of a route with an {@link Authorizer}. Denied reads of
 * objects the caller may not see answer 404, as for an object that does not exist, so that
 * names of private projects do not leak; denied writes to visible objects answer 403.
 */
public final class AccessRules implements Router.AccessCheck {
    private final Authorizer authorizer;
    private final Store store;

    public AccessRules(Authorizer authorizer, Store store) {
        this.authorizer = authorizer;
        this.store = store;
    }

    @Override
    public void check(Principal who, Access access, Request request) {
        if (!(access instanceof Access.Anyone) && who.anonymous() && !authorizer.admitsAnonymous()) {
            throw unauthenticated();
        }
        if (access instanceof Access.Anyone || access instanceof Access.InHandler) {
            return;
        }
        if (access instanceof Access.Authenticated) {
            requireSignedIn(who);
        } else if (access instanceof Access.Admin) {
            requireSignedIn(who);
            if (!who.admin()) {
                throw new KeelException(ErrorCode.PERMISSION_DENIED, "only an admin may do this");
            }
        } else if (access instanceof Access.Project p) {
            check(who, Resource.project(request.param(p.param())), p.need());
        } else if (access instanceof Access.Dataset d) {
            check(who, Resource.dataset(request.param(d.param())), d.need());
        } else if (access instanceof Access.Run r) {
            checkRun(who, request.param(r.param()), r.need());
        } else if (access instanceof Access.Sweep s) {
            checkSweep(who, request.param(s.param()), s.need());
        } else if (access instanceof Access.Model m) {
            checkModel(who, request.param(m.param()), m.need());
        } else {
            throw new IllegalStateException("no check for access rule " + access);
        }
    }

    /** Checks a run named in the path or, for MLflow's API, in the body. */
    public void checkRun(Principal who, String id, Need need) {
        Optional<RunInfo> run = store.run(id);
        if (run.isEmpty() || !authorizer.canRead(who, Resource.project(run.get().project()))) {
            denyUnknown(who, "run " + id);
        }
        if (need == Need.WRITE) {
            check(who, Resource.project(run.get().project()), Need.WRITE);
        }
    }

    /** Checks the project of a sweep: knowing a sweep's id grants nothing. */
    public Sweep checkSweep(Principal who, String id, Need need) {
        Optional<Sweep> sweep = store.sweeps().sweep(id);
        if (sweep.isEmpty()
                || !authorizer.canRead(who, Resource.project(sweep.get().project()))) {
            denyUnknown(who, "sweep " + id);
        }
        if (need == Need.WRITE) {
            check(who, Resource.project(sweep.get().project()), Need.WRITE);
        }
        return sweep.get();
    }

    /** Checks the project of a registered model: its name alone grants nothing. */
    public RegisteredModel checkModel(Principal who, String name, Need need) {
        Optional<RegisteredModel> model = store.models().model(name);
        if (model.isEmpty()
                || !authorizer.canRead(who, Resource.project(model.get().project()))) {
            denyUnknown(who, "model " + name);
        }
        if (need == Need.WRITE) {
            check(who, Resource.project(model.get().project()), Need.WRITE);
        }
        return model.get();
    }

    /** Checks a project or dataset that the handler found in the body (MLflow's API). */
    public void check(Principal who, Resource resource, Need need) {
        if (need == Need.READ && !authorizer.canRead(who, resource)) {
            denyUnknown(who, resource.kind().name().toLowerCase() + " " + resource.name());
        }
        if (need == Need.WRITE && !authorizer.canWrite(who, resource)) {
            if (who.anonymous()) {
                throw unauthenticated();
            }
            if (!authorizer.canRead(who, resource)) {
                if (resource.kind() == Resource.Kind.PROJECT) {
                    // a write to a project no one has is allowed (it claims the name), so this one
                    // exists: say the name is taken rather than that nothing is there
                    throw KeelException.notFound(takenMessage(resource.name()));
                }
                denyUnknown(who, resource.kind().name().toLowerCase() + " " + resource.name());
            }
            throw new KeelException(
                    ErrorCode.PERMISSION_DENIED,
                    "you may not change " + resource.kind().name().toLowerCase() + " " + resource.name()
                            + ": ask its owner for write access");
        }
    }

    /** Why a caller cannot create or write project {@code name}: someone else's, not shared with them. */
    public static String takenMessage(String name) {
        return "the name '" + name + "' is taken by a project that is not shared with you: ask its owner to"
                + " share it with your team (PATCH /api/v1/projects/" + name + " {\"visibility\": \"team\"}),"
                + " or pick another name";
    }

    private static void denyUnknown(Principal who, String what) {
        if (who.anonymous()) {
            throw unauthenticated();
        }
        throw KeelException.notFound(what + " does not exist (or you may not see it)");
    }

    private static void requireSignedIn(Principal who) {
        if (who.anonymous()) {
            throw unauthenticated();
        }
    }

    private static KeelException unauthenticated() {
        return new KeelException(
                ErrorCode.UNAUTHENTICATED,
                "sign in: send 'Authorization: Bearer <API key>'"
                        + " (create a key with 'keel server users add NAME', or 'keel login')");
    }
}
